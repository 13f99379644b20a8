"""Edit a postmortem's front matter by its lines: only the lines that change are touched.

``hindsight approve`` and ``hindsight status`` change one value each. Rewriting the front
matter through a YAML dumper would drop comments and reorder or requote keys, so the edit
works on the file's own lines instead: the BOM, line endings, comments, key order and
quoting of everything else stay byte for byte. Every edit is then read back with the same
loader the checker uses, and refused unless the front matter means exactly what it meant
before, plus the one change. The file is replaced atomically, and not at all if it changed
on disk since it was read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hindsight.atomic import ChangedError, replace
from hindsight.errors import HindsightError
from hindsight.load.frontmatter import BOM, Document, split
from hindsight.load.yamlsafe import YMap, YSeq
from hindsight.model import Level

_SCALAR = re.compile(
    r"""^(?P<pre>[ \t]*(?P<key>[^\s:#'"][^:#]*?|"[^"]*"|'[^']*')[ \t]*:[ \t]*)"""
    r"""(?P<value>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^#\r]*?)(?P<post>[ \t]*(?:\#.*)?\r?)$"""
)


class EditError(HindsightError):
    """An edit that cannot be made safely; the message says why and what to do."""


class FrontMatterEdit:
    """The lines of one postmortem.md, ready for line edits of its front matter."""

    def __init__(self, path: Path, label: str) -> None:
        self.path, self.label = path, label
        try:
            self.original = path.read_bytes()
        except OSError as exc:
            raise EditError(f"{label}: cannot read: {exc.strerror}") from None
        self.doc = split(self.original, label)
        errors = [p for p in self.doc.problems if p.level is Level.ERROR or p.code == "HS109"]
        if errors or not self.doc.readable:
            first = errors[0] if errors else None
            where = (
                f"{label}:{first.line}: {first.message}" if first else f"{label}: no front matter"
            )
            raise EditError(
                f"{where}\nfix the front matter first ('hindsight check' lists every problem)"
            )
        self.bom = self.original.startswith(BOM)
        text = self.original[len(BOM) :] if self.bom else self.original
        self.lines = text.decode("utf-8").split("\n")
        self.crlf = self.doc.newline == "\r\n"

    @property
    def meta(self) -> YMap:
        """The front matter as read."""
        return self.doc.meta

    def _eol(self, line: str) -> str:
        return line + "\r" if self.crlf and not line.endswith("\r") else line

    def _close_index(self) -> int:
        """Index in ``lines`` of the front matter's closing ``---``."""
        return self.doc.body_line - 2

    def _insert(self, index: int, new: list[str]) -> None:
        self.lines[index:index] = [self._eol(line) for line in new]

    def set_scalar(self, key: str, value: str) -> None:
        """Set ``key: value`` (a plain, safe scalar), keeping the line's quoting and comment."""
        pos = self.meta.key_pos.get(key)
        if pos is None:
            self._insert(self._close_index(), [f"{key}: {value}"])
            return
        current = self.meta.get(key)
        value_pos = self.meta.value_pos.get(key)
        index = pos.line - 1
        match = _SCALAR.match(self.lines[index])
        if (
            isinstance(current, (dict, list))
            or value_pos is None
            or value_pos.line != pos.line
            or match is None
        ):
            raise EditError(
                f"{self.label}:{pos.line}: '{key}' is not a one-line value; write it as "
                f"'{key}: {value}' by hand"
            )
        old = match["value"]
        quote = old[0] if old[:1] in ("'", '"') else ""
        self.lines[index] = f"{match['pre']}{quote}{value}{quote}{match['post']}"

    def append_item(self, key: str, item: dict[str, str]) -> None:
        """Add ``item`` (a mapping of plain, safe scalars) to the list under ``key``."""
        flow = "{" + ", ".join(f"{k}: {v}" for k, v in item.items()) + "}"
        pos = self.meta.key_pos.get(key)
        if pos is None:
            self._insert(self._close_index(), [f"{key}:", *_block_item(item, "  ")])
            return
        current = self.meta.get(key)
        index = pos.line - 1
        line = self.lines[index]
        key_indent = len(line) - len(line.lstrip())
        match = _SCALAR.match(line)
        value_pos = self.meta.value_pos.get(key)
        flow_here = value_pos is not None and value_pos.line == pos.line
        if current is None or (current == [] and flow_here):  # 'key:', 'key: ~' or 'key: []'
            if match is None or match["value"].strip() not in ("", "~", "null", "[]"):
                raise EditError(f"{self.label}:{pos.line}: cannot add to '{key}'; edit it by hand")
            comment = match["post"].rstrip("\r").strip()
            self.lines[index] = self._eol(
                match["pre"].rstrip() + (f" {comment}" if comment else "")
            )
            self._insert(index + 1, _block_item(item, " " * (key_indent + 2)))
            return
        if not isinstance(current, YSeq):
            raise EditError(
                f"{self.label}:{pos.line}: '{key}' is not a list; write it as a list of "
                f"'- by: …' items"
            )
        if flow_here:  # a flow list: [...] on this line
            body = match["value"].rstrip() if match else ""
            if not (body.startswith("[") and body.endswith("]")):
                raise EditError(
                    f"{self.label}:{pos.line}: '{key}' spans several lines; write it as a "
                    "block list ('- by: …' under it) and try again"
                )
            inner = body[1:-1].strip()
            new = f"[{inner}, {flow}]" if inner else f"[{flow}]"
            assert match is not None
            self.lines[index] = f"{match['pre']}{new}{match['post']}"
            return
        last, first_item = index, None
        for n in range(index + 1, self._close_index()):
            text = self.lines[n].rstrip("\r")
            stripped = text.lstrip()
            if not stripped or stripped.startswith("#"):
                continue
            indent = len(text) - len(stripped)
            if indent > key_indent or (
                indent == key_indent and (stripped == "-" or stripped.startswith("- "))
            ):
                last = n
                if first_item is None and stripped.startswith("-"):
                    first_item = text
                continue
            break
        dash = " " * (key_indent + 2)
        if first_item is not None:
            dash = first_item[: len(first_item) - len(first_item.lstrip())]
            if first_item.lstrip()[1:].lstrip().startswith("{"):
                self._insert(last + 1, [f"{dash}- {flow}"])
                return
        self._insert(last + 1, _block_item(item, dash))

    def data(self) -> bytes:
        """The edited file."""
        return (BOM if self.bom else b"") + "\n".join(self.lines).encode("utf-8")

    def verify(self, expect: Callable[[dict[str, Any]], dict[str, Any]]) -> Document:
        """Read the edit back; refuse unless its front matter is ``expect(before)``."""
        after = split(self.data(), self.label)
        before = _plain(self.meta)
        # the file read had no error (see __init__), so any error now comes from the edit
        if (
            any(p.level is Level.ERROR for p in after.problems)
            or not after.readable
            or _plain(after.meta) != expect(before)
        ):
            raise EditError(
                f"{self.label}: the edit would change more than intended; make it by hand "
                "(and please report the file's front matter as a bug)"
            )
        return after

    def write(self) -> None:
        """Replace the file atomically, unless it changed since it was read."""
        try:
            replace(self.path, self.data(), expected=self.original)
        except ChangedError:
            raise EditError(
                f"{self.label} changed while this command ran; nothing was written. "
                "Run the command again."
            ) from None
        except OSError as exc:
            raise EditError(
                f"{self.label}: cannot write: {exc.strerror}; the file is as it was"
            ) from None


def _block_item(item: dict[str, str], dash: str) -> list[str]:
    keys = list(item.items())
    first, *rest = keys
    return [f"{dash}- {first[0]}: {first[1]}", *(f"{dash}  {k}: {v}" for k, v in rest)]


def _plain(value: Any) -> Any:
    """Plain dicts and lists for comparing front matter (positions dropped)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
