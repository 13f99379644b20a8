"""Links and images of an imported postmortem that would break in the archive.

A relative link in a source names a file next to it in its old home: an image, another
post. In the archive that file is not there, and ``mkdocs build --strict`` stops on it. So
each such link is said in the report and made to work where it can: a link to a document
imported in the same run points to its new incident page; one whose source says its own
address (``canonical_url`` and the like in its front matter) points there; any other keeps
its words and loses the link, an image keeps its alt text. A link to a heading the import
renamed ("Analysis" became "Root cause") follows it, in the anchor form MkDocs's toc gives.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

from hindsight.load.markdown import content_lines

#: front-matter keys under which a source gives the address it was read at, in this order
ADDRESS_KEYS = ("source_url", "original_url", "canonical_url", "canonical", "url", "source")
_INLINE = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]"
    r"\((?P<target><[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)"
    r"(?P<title>\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\)"
)
_DEFINITION = re.compile(
    r"^ {0,3}\[(?P<label>[^\]^][^\]]*)\]:[ \t]*(?P<target><[^<>\n]*>|\S+)(?P<rest>.*)$"
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)|<!--.*?-->")
_WAS = re.compile(r"<!-- hindsight import: was '(.*)' -->")


class LinkNote(NamedTuple):
    """A link the import changed: its source line, what was done (a word) and the words for people."""

    line: int
    action: str  # "plain", "address", "incident", "anchor"
    message: str


class Links(NamedTuple):
    """What the links of one document need: the files imported with it, its address, its anchors."""

    folder: Path  # the source's folder, for relative links
    together: Mapping[Path, str]  # resolved source path -> incident id, for the whole run
    address: tuple[str, str] | None  # (the source's own URL, the front-matter key it came from)
    slugify: Callable[[str], list[tuple[str, str]]]  # Markdown -> [(anchor id, heading text)]


def source_address(meta: Mapping[str, Any]) -> tuple[str, str] | None:
    """The absolute http(s) address a source's front matter gives for itself, and its key."""
    for key in ADDRESS_KEYS:
        value = meta.get(key)
        if isinstance(value, str) and re.match(r"^https?://[^\s/]+", value.strip()):
            return value.strip(), key
    return None


@functools.lru_cache(maxsize=4)
def toc_slugger(mkdocs_yml: Path) -> Callable[[str], list[tuple[str, str]]]:
    """The anchors Python-Markdown's toc gives the headings of a text, configured as the archive's site.

    Reads ``slugify``, ``separator`` and ``attr_list`` from ``mkdocs.yml``; MkDocs always adds
    ``toc``, ``tables`` and ``fenced_code``. Without a readable mkdocs.yml, toc's defaults.
    """
    import markdown

    extensions, toc = _site_markdown(mkdocs_yml)
    config = {k: v for k, v in toc.items() if k in ("slugify", "separator") and v is not None}

    def anchors(text: str) -> list[tuple[str, str]]:
        md = markdown.Markdown(extensions=extensions, extension_configs={"toc": config})
        md.convert(text)
        return list(_flatten(md.toc_tokens))  # type: ignore[attr-defined]

    return anchors


def _flatten(tokens: Iterable[dict[str, Any]]) -> Iterable[tuple[str, str]]:
    for token in tokens:
        yield token["id"], token["name"]
        yield from _flatten(token["children"])


def _site_markdown(mkdocs_yml: Path) -> tuple[list[str], dict[str, Any]]:
    import yaml

    class _Loader(yaml.SafeLoader):
        """mkdocs.yml may name Python objects (``!!python/name:``) and variables (``!ENV``)."""

    def tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        return _named(suffix) if suffix.startswith("name:") else None

    _Loader.add_multi_constructor("tag:yaml.org,2002:python/", tagged)
    _Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    try:
        config = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        config = None
    entries = config.get("markdown_extensions") if isinstance(config, dict) else None
    names: dict[str, Any] = {}
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, str):
            names[entry] = {}
        elif isinstance(entry, dict):
            names.update({k: v if isinstance(v, dict) else {} for k, v in entry.items()})
    extensions = ["toc", "tables", "fenced_code"]
    extensions += [e for e in ("attr_list",) if e in names or f"markdown.extensions.{e}" in names]
    return extensions, names.get("toc", names.get("markdown.extensions.toc", {}))


def _named(suffix: str) -> Any:
    """``name:pymdownx.slugs.slugify`` -> that function, as MkDocs would import it to build."""
    module, _, name = suffix.removeprefix("name:").rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError):
        return None


def fix_links(
    body: str, source_lines: list[str], first_line: int, links: Links
) -> tuple[str, list[LinkNote]]:
    """``body`` with its links made to work in the archive, and a note for each changed one.

    ``source_lines`` are the source's body lines, from file line ``first_line``: the notes give
    the line a link was on there. The body keeps its number of lines.
    """
    lines = body.split("\n")
    anchors = _anchor_map(lines, source_lines, links.slugify)
    present = {anchor for anchor, _ in links.slugify(_without_title(body))}
    fixer = _Fixer(links, anchors, present, source_lines, first_line)
    labels = fixer.definitions(lines)
    for i, line, content in content_lines(lines):
        if content and ("[" in line):
            lines[i] = fixer.line(line, labels)
    return "\n".join(lines), sorted(fixer.notes, key=lambda n: n.line)


def _without_title(body: str) -> str:
    """The site shows the title itself, not the body's ``# Title``: it takes no anchor there."""
    return re.sub(r"\A# [^\n]*\n", "", body)


def _anchor_map(
    lines: list[str], source_lines: list[str], slugify: Callable[[str], list[tuple[str, str]]]
) -> dict[str, tuple[str, str]]:
    """Old anchor -> (new anchor, old heading) for each heading whose anchor the import changed."""
    renamed: dict[str, str] = {}
    for i, line in enumerate(lines[:-1]):
        was = next((_WAS.match(x.strip()) for x in lines[i + 1 : i + 3] if x.strip()), None)
        if line.startswith("#") and was:
            renamed[_plain(was.group(1))] = line.lstrip("#").strip()
    new = slugify(_without_title("\n".join(lines)))
    old = slugify("\n".join(source_lines))
    changed: dict[str, tuple[str, str]] = {}
    seen: dict[str, int] = {}
    for anchor, name in old:
        target = renamed.get(_plain(name), name)
        nth = seen[target] = seen.get(target, -1) + 1
        ids = [a for a, n in new if n == target]
        if ids and ids[min(nth, len(ids) - 1)] != anchor:
            changed[anchor] = (ids[min(nth, len(ids) - 1)], name)
    return changed


def _plain(text: str) -> str:
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text.replace("- -", "--"))
    return " ".join(re.sub(r"[*_`]", "", text).split())


class _Fixer:
    """Rewrites links line by line and keeps a note of each one changed."""

    def __init__(
        self,
        links: Links,
        anchors: Mapping[str, tuple[str, str]],
        present: set[str],
        source_lines: list[str],
        first_line: int,
    ) -> None:
        self.links = links
        self.anchors = anchors
        self.present = present
        self.source_lines = source_lines
        self.first_line = first_line
        self.notes: list[LinkNote] = []
        self._found: dict[str, int] = {}

    def definitions(self, lines: list[str]) -> dict[str, str | None]:
        """Reference definitions (``[label]: target``): label -> new target, or None for plain text."""
        labels: dict[str, str | None] = {}
        for i, line, content in content_lines(lines):
            match = _DEFINITION.match(line) if content else None
            if not match:
                continue
            target = match["target"].strip("<>")
            new = self.target(target, match["label"], False, line)
            if new == target:
                continue
            label = " ".join(match["label"].lower().split())
            labels[label] = new
            lines[i] = "" if new is None else line.replace(match["target"], new, 1)
        return labels

    def line(self, line: str, labels: Mapping[str, str | None]) -> str:
        """One line with its inline links fixed, and references to dropped definitions made text."""
        masked = _CODE_SPAN.sub(lambda m: "\0" * len(m.group()), line)
        out, at = [], 0
        for match in _INLINE.finditer(masked):
            raw = line[match.start() : match.end()]
            target = match["target"].strip("<>")
            text = line[match.start("text") : match.end("text")]
            new = self.target(target, text, bool(match["bang"]), raw)
            if new == target:
                continue
            out.append(line[at : match.start()])
            out.append(text if new is None else raw.replace(match["target"], new, 1))
            at = match.end()
        line = "".join(out) + line[at:]
        if labels and any(v is None for v in labels.values()):
            line = _drop_references(line, labels)
        return line

    def target(self, target: str, text: str, image: bool, raw: str) -> str | None:
        """The new target of a link (the same when it works, None to keep only its text)."""
        if not target or _SCHEME.match(target):
            return target
        if target.startswith("#"):
            return self._anchor(target[1:], text, raw)
        parts = urlsplit(target)
        what = f"image '{target}'" if image else f"link to '{target}'"
        path = Path(unquote(parts.path))
        if not parts.path.startswith("/"):
            imported = self.links.together.get(_resolved(self.links.folder / path))
            if imported is not None:
                new = f"../{imported}/index.md"
                dropped = f" (its '#{parts.fragment}' was dropped)" if parts.fragment else ""
                self._note(raw, "incident", f"{what}, imported together: now {new}{dropped}")
                return new
        if self.links.address is not None:
            address, key = self.links.address
            new = urljoin(address, target)
            self._note(raw, "address", f"{what}, not imported: now {new} (the source's {key})")
            return new
        kept = f"its alt text '{_short(text)}' kept" if text.strip() else "it had no alt text"
        done = f"dropped, {kept}" if image else f"the link removed, its text '{_short(text)}' kept"
        self._note(raw, "plain", f"{what}, not imported: {done}")
        return None

    def _anchor(self, anchor: str, text: str, raw: str) -> str | None:
        moved = self.anchors.get(anchor)
        if moved is not None:
            new, heading = moved
            self._note(
                raw, "anchor", f"link to '#{anchor}': heading '{heading}' was renamed; now '#{new}'"
            )
            return f"#{new}"
        if anchor in self.present:
            return f"#{anchor}"
        self._note(
            raw,
            "plain",
            f"link to '#{anchor}': no such heading; the link removed, its text '{_short(text)}' kept",
        )
        return None

    def _note(self, raw: str, action: str, message: str) -> None:
        """Note ``message`` at the source line of the next occurrence of ``raw``."""
        start = self._found.get(raw, -1) + 1
        index = next(
            (i for i in range(start, len(self.source_lines)) if raw in self.source_lines[i]),
            None,
        )
        if index is None:
            index = next((i for i, x in enumerate(self.source_lines) if raw in x), 0)
        self._found[raw] = index
        self.notes.append(LinkNote(self.first_line + index, action, message))


def _drop_references(line: str, labels: Mapping[str, str | None]) -> str:
    """``[text][label]``, ``[label][]`` and ``[label]`` whose definition went become their text."""

    def plain(match: re.Match[str]) -> str:
        label = match["label"] if match["label"] else match["text"]
        if labels.get(" ".join(label.lower().split()), "") is None:
            return match["text"]
        return match.group()

    return re.sub(r"!?\[(?P<text>[^\[\]]+)\](?:\[(?P<label>[^\[\]]*)\]|(?![(:]))", plain, line)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."
