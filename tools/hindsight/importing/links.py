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

from hindsight.load.markdown import content_lines, headings

#: front-matter keys under which a source gives the address it was read at, in this order
ADDRESS_KEYS = ("source_url", "original_url", "canonical_url", "canonical", "url", "source")
_INLINE = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]\\\n]|\\.|\n(?![ \t]*\n)|\[[^\[\]\n]*\])*)\]"
    r"\((?P<target><[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)"
    r"(?P<title>\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\)"
)
_DEFINITION = re.compile(
    r"^ {0,3}\[(?P<label>[^\]^][^\]]*)\]:[ \t]*(?P<target><[^<>\n]*>|\S+)(?P<rest>.*)$"
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)|<!--.*?-->")
#: a relative address in raw HTML: ``<img src="img/a.png">``, ``<a href="b.md">``
_HTML_ATTRIBUTE = re.compile(
    r"<(?:img|a|source|video|audio|iframe)\b[^>]*?\s(?:src|href)\s*=\s*[\"']?(?P<target>[^\"'\s>]+)",
    re.IGNORECASE,
)
_WAS = re.compile(r"<!-- hindsight import: was '(.*)' -->")


class LinkNote(NamedTuple):
    """A link the import changed: its source line, what was done (a word) and the words for people."""

    line: int
    action: str  # "plain", "address", "incident", "anchor", "html" (said, not changed)
    message: str


class Links(NamedTuple):
    """What the links of one document need: the files imported with it, its address, its anchors."""

    source: Path  # the source file; relative links start from its folder
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

    extensions, toc, _problem = site_markdown(mkdocs_yml)
    config = {k: v for k, v in toc.items() if k in ("slugify", "separator") and v is not None}

    def anchors(text: str) -> list[tuple[str, str]]:
        md = markdown.Markdown(extensions=extensions, extension_configs={"toc": config})
        md.convert(_heading_lines(text))
        return list(_flatten(md.toc_tokens))  # type: ignore[attr-defined]

    return anchors


def _heading_lines(text: str) -> str:
    """Only the headings of ``text``, as ATX lines: what toc reads, without the rest to parse.

    Python-Markdown takes seconds on a few kilobytes of unclosed brackets; the headings alone
    give the same anchors. A heading over 300 characters is left out: no one links to it.
    """
    marks = headings(text.split("\n"))
    return "\n\n".join(
        f"{'#' * level} {title}" for _i, level, title, _ in marks if len(title) <= 300
    )


def _flatten(tokens: Iterable[dict[str, Any]]) -> Iterable[tuple[str, str]]:
    for token in tokens:
        yield token["id"], token["name"]
        yield from _flatten(token["children"])


@functools.lru_cache(maxsize=4)
def site_markdown(mkdocs_yml: Path) -> tuple[list[str], dict[str, Any], str | None]:
    """The Markdown extensions and toc settings of the archive's site, and a problem to say."""
    import yaml

    class _Loader(yaml.SafeLoader):
        """mkdocs.yml may name Python objects (``!!python/name:``) and variables (``!ENV``)."""

    def tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        kind, _, name = suffix.partition(":")
        if kind == "name":
            return _Named(name)
        if kind == "object/apply" and isinstance(node, yaml.MappingNode):
            # slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}
            arguments = loader.construct_mapping(node, deep=True)
            return _Named(name, arguments.get("kwds") or {})
        return None

    _Loader.add_multi_constructor("tag:yaml.org,2002:python/", tagged)
    _Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    try:
        config = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError, yaml.YAMLError):
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
    toc = dict(names.get("toc", names.get("markdown.extensions.toc", {})))
    named, problem = toc.pop("slugify", None), None
    if isinstance(named, _Named):
        toc["slugify"] = _imported(named)
        if toc["slugify"] is None:
            problem = (
                f"{mkdocs_yml.name}: the toc's slugify '{named.name}' could not be imported; "
                "anchors were made as Python-Markdown's toc makes them by default"
            )
    return extensions, toc, problem


class _Named(NamedTuple):
    """A ``!!python/name:`` (or ``object/apply:``) value of mkdocs.yml: imported only for toc."""

    name: str
    kwds: dict[str, Any] | None = None


def _imported(named: _Named) -> Any:
    """``pymdownx.slugs.uslugify`` -> that function, as MkDocs imports it to build the site."""
    module, _, attribute = named.name.rpartition(".")
    try:
        found = getattr(importlib.import_module(module), attribute)
        return found if named.kwds is None else found(**named.kwds)
    except (ImportError, AttributeError, ValueError, TypeError):
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
    code = {i for i, _line, content in content_lines(lines) if not content}
    masked = "\n".join(
        "\0" * len(line) if i in code else _CODE_SPAN.sub(lambda m: "\0" * len(m.group()), line)
        for i, line in enumerate(lines)
    )
    text = fixer.inline("\n".join(lines), masked)
    if any(v is None for v in labels.values()):
        text = "\n".join(
            line if i in code else _drop_references(line, labels)
            for i, line in enumerate(text.split("\n"))
        )
    fixer.html(masked)
    return text, sorted(fixer.notes, key=lambda n: n.line)


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
    """Rewrites the links of one document and keeps a note of each one it changes."""

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
        self.source = "\n".join(source_lines)
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
            start, end = match.span("target")
            lines[i] = "" if new is None else f"{line[:start]}{new}{line[end:]}"
        return labels

    def inline(self, text: str, masked: str) -> str:
        """``text`` with its inline links and images fixed; ``masked`` hides its code and comments."""
        out, at = [], 0
        for match in _INLINE.finditer(masked):
            raw = text[match.start() : match.end()]
            target = match["target"].strip("<>")
            words = text[match.start("text") : match.end("text")]
            inner = (
                self.inline(words, masked[match.start("text") : match.end("text")])
                if "](" in words
                else words
            )
            new = self.target(target, words, bool(match["bang"]), raw)
            if new == target and inner == words:
                continue
            out.append(text[at : match.start()])
            if new is None:
                out.append(inner)
            else:
                out += [
                    text[match.start() : match.start("text")],
                    inner,
                    text[match.end("text") : match.start("target")],
                    new if new == target or not match["target"].startswith("<") else f"<{new}>",
                    text[match.end("target") : match.end()],
                ]
            at = match.end()
        return "".join(out) + text[at:]

    def html(self, masked: str) -> None:
        """Relative addresses in raw HTML are said, not changed: the tags are the author's."""
        for match in _HTML_ATTRIBUTE.finditer(masked):
            target = match["target"]
            if _SCHEME.match(target) or target.startswith(("#", "//")):
                continue
            self._note(
                match.group(),
                "html",
                f"'{target}' in raw HTML, not imported: left as written; fix or remove it by hand",
            )

    def target(self, target: str, text: str, image: bool, raw: str) -> str | None:
        """The new target of a link (the same when it works, None to keep only its text)."""
        if not target or _SCHEME.match(target):
            return target
        if target.startswith("#"):
            return self._anchor(target[1:], text, raw)
        parts = urlsplit(target)
        what = f"image '{target}'" if image else f"link to '{target}'"
        path = _resolved(self.links.source.parent / unquote(parts.path))
        if not parts.path.startswith("/"):
            if parts.fragment and path == _resolved(self.links.source):  # itself, by name
                return self._anchor(parts.fragment, text, raw)
            imported = self.links.together.get(path)
            if imported is not None:
                new = f"../{imported}/index.md"
                dropped = f" (its '#{parts.fragment}' was dropped)" if parts.fragment else ""
                self._note(raw, "incident", f"{what}, imported together: now {new}{dropped}")
                return new
        if self.links.address is not None:
            address, key = self.links.address
            new = urljoin(address, target.replace(" ", "%20"))
            self._note(raw, "address", f"{what}, not imported: now {new} (the source's {key})")
            return new
        words = "alt text" if image else "text"
        kept = f"its {words} '{_short(text)}' kept" if text.strip() else f"it had no {words}"
        done = f"dropped, {kept}" if image else f"the link removed, {kept}"
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
        """Note ``message`` at the source line of the next occurrence of ``raw`` (or its target)."""
        at = self.source.find(raw, self._found.get(raw, -1) + 1)
        if at == -1:  # the import re-wrapped it (an action item became a table row)
            target = re.search(r"\]\s*(?:\(|:)\s*(\S+?)[\s)]", raw)
            at = self.source.find(target.group(1)) if target else -1
        self._found[raw] = at
        line = self.source.count("\n", 0, max(at, 0))
        self.notes.append(LinkNote(self.first_line + line, action, message))


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
