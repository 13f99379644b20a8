"""Split a postmortem into YAML front matter and Markdown body, with file lines kept.

python-frontmatter returns ``{}`` without a word for a BOM, CR line endings, a missing
closing ``---``, a list or an empty block (RELIABILITY §0.1), and its line numbers are
relative to the block. This splitter reports each of those as a problem at its file line.
"""

from __future__ import annotations

import codecs
import re
import threading
from dataclasses import dataclass, field

from hindsight.load.yamlsafe import YMap, read_yaml
from hindsight.model import Finding, Level
from hindsight.problems import problem

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FRONT_MATTER_BYTES = 64 * 1024
BOM = b"\xef\xbb\xbf"

_BLOCK_SCALAR = re.compile(r"^\s*(?:-\s+)?[^#\s][^:#]*:\s+[|>][-+0-9]*\s*(?:#.*)?$")


@dataclass
class Document:
    """A postmortem file: front matter (empty YMap when unreadable), body and problems."""

    meta: YMap
    body: str
    body_line: int
    problems: list[Finding] = field(default_factory=list)
    has_front_matter: bool = False
    readable: bool = False
    bom: bool = False
    newline: str = "\n"
    source: str = ""
    binary: bool = False  # not a text file: nothing in it was read

    @property
    def head(self) -> str:
        """The lines before the body: the front matter with its ``---`` lines."""
        return "\n".join(self.source.split("\n", self.body_line - 1)[: self.body_line - 1])


#: how many lines with undecodable bytes are reported one by one; the rest are counted
MAX_ENCODING_LINES = 5
#: a file whose first 64 KB are more than this share of undecodable bytes and control
#: characters is binary, not text
_BINARY_SHARE, _SAMPLE = 0.25, 65536
_CONTROLS = re.compile("[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_BINARY = (
    "not a text file ({why}); it was not read. Save it as UTF-8 text, "
    "and keep images and other files in attachments/"
)


def not_text(data: bytes) -> tuple[int, str] | None:
    """``(line, why)`` when ``data`` is not a text file (a NUL byte, mostly undecodable), or None."""
    nul = data.find(b"\x00")
    if nul >= 0:
        nuls = data.count(b"\x00")
        why = f"{nuls} NUL byte{'s' if nuls != 1 else ''}, the first on this line"
        return data.count(b"\n", 0, nul) + 1, _BINARY.format(why=why)
    sample = data[:_SAMPLE]
    text = sample.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - sample.count("\ufffd".encode()) + len(_CONTROLS.findall(text))
    if bad > _BINARY_SHARE * len(text):
        return 1, _BINARY.format(why=f"{bad} of its first {len(text)} characters are not text")
    return None


_SEEN = threading.local()


def _record(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: note where the bad sequence starts, go on as ``replace`` would."""
    assert isinstance(exc, UnicodeDecodeError)
    _SEEN.starts.append(exc.start)
    return "\ufffd", exc.end


codecs.register_error("hindsight-record", _record)


def _bad_bytes(data: bytes) -> list[tuple[int, int, int]]:
    """``(offset, line, column)`` of every byte sequence that is not UTF-8, in one pass."""
    _SEEN.starts = []
    data.decode("utf-8", errors="hindsight-record")
    found, line, previous = [], 1, 0
    for at in _SEEN.starts:
        line += data.count(b"\n", previous, at)
        previous = at
        found.append((at, line, at - data.rfind(b"\n", 0, at)))
    return found


def _report_encoding(data: bytes, path: str, incident: str | None, problems: list[Finding]) -> None:
    """One finding per line with bytes that are not UTF-8 (the first few); the rest counted."""
    bad = _bad_bytes(data)
    lines: dict[int, list[tuple[int, int]]] = {}
    for at, line, column in bad:
        lines.setdefault(line, []).append((at, column))
    shown = list(lines.items())[:MAX_ENCODING_LINES]
    for number, (line, places) in enumerate(shown, 1):
        at, column = places[0]
        more = f" (and {len(places) - 1} more on this line)" if len(places) > 1 else ""
        rest = len(lines) - len(shown)
        tail = (
            f"; {rest} more line{'s' if rest != 1 else ''} ({len(bad) - sum(len(p) for _, p in shown)} "
            "bytes) below have the same problem"
            if number == len(shown) and rest
            else ""
        )
        problems.append(
            problem(
                "HS109",
                path,
                line,
                f"byte 0x{data[at]:02X} at column {column} is not valid UTF-8{more}{tail}; "
                "save the file as UTF-8",
                column=column,
                incident=incident,
            )
        )


def decode(data: bytes, path: str, incident: str | None, problems: list[Finding]) -> str:
    """UTF-8 text of ``data`` with newlines made ``\\n``; bad bytes and CR endings are reported.

    A binary file is reported once and read as empty: its bytes are never taken for text.
    """
    data = data.removeprefix(BOM)
    binary = not_text(data)
    if binary is not None:
        problems.append(problem("HS109", path, binary[0], binary[1], incident=incident))
        return ""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        _report_encoding(data, path, incident, problems)
        text = data.decode("utf-8", errors="replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            line = text.count("\n", 0, text.index("\r")) + 1
            problems.append(
                problem(
                    "HS109",
                    path,
                    line,
                    "line ends with a bare carriage return (CR); save the file with LF line endings",
                    incident=incident,
                    level=Level.WARNING,
                )
            )
            text = text.replace("\r", "\n")
    return text


def split(data: bytes, path: str, incident: str | None = None) -> Document:
    """Read ``data`` (a whole postmortem.md) into a Document; never raises."""
    problems: list[Finding] = []
    if len(data) > MAX_FILE_BYTES:
        problems.append(
            problem(
                "HS110",
                path,
                1,
                f"file is larger than {MAX_FILE_BYTES // 2**20} MB; "
                "move attachments to attachments/",
                incident=incident,
            )
        )
        return Document(YMap(1, 1), "", 1, problems)
    newline = "\r\n" if b"\r\n" in data[:4096] else "\n"
    text = decode(data, path, incident, problems)
    if not text and problems and problems[-1].code == "HS109":
        return Document(YMap(1, 1), "", 1, problems, binary=True)
    doc = Document(
        YMap(1, 1), text, 1, problems, bom=data.startswith(BOM), newline=newline, source=text
    )
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        hint = " (TOML '+++' front matter is not supported)" if lines[0].rstrip() == "+++" else ""
        problems.append(
            problem(
                "HS101",
                path,
                1,
                "no front matter: the file must start with a line '---', "
                f"then keys like 'title: …', then '---'{hint}",
                column=1,
                incident=incident,
            )
        )
        return doc
    doc.has_front_matter = True
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if close is None:
        problems.append(
            problem(
                "HS102",
                path,
                1,
                "front matter opened with '---' on line 1 is never closed; "
                "add a line '---' after the last key",
                column=1,
                incident=incident,
            )
        )
        doc.body, doc.body_line = "", len(lines) + 1
        return doc
    doc.body, doc.body_line = "\n".join(lines[close + 1 :]), close + 2
    block = "\n".join(lines[1:close]) + "\n"
    if len(block.encode("utf-8", "replace")) > MAX_FRONT_MATTER_BYTES:
        problems.append(
            problem(
                "HS110",
                path,
                2,
                f"front matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KB; "
                "keep prose in the body",
                incident=incident,
            )
        )
        return doc
    parsed = read_yaml(block, path, first_line=2, incident=incident)
    problems.extend(parsed.problems)
    if isinstance(parsed.value, YMap):
        doc.meta, doc.readable = parsed.value, True
        _check_ambiguous_close(lines, close, path, incident, problems)
    elif not parsed.problems:
        what = (
            "empty"
            if parsed.value is None
            else ("a list" if isinstance(parsed.value, list) else "a single value") + ", not keys"
        )
        problems.append(
            problem(
                "HS104",
                path,
                2,
                f"front matter is {what}; write keys like 'title: …' between the '---' lines",
                incident=incident,
            )
        )
    return doc


def _check_ambiguous_close(
    lines: list[str], close: int, path: str, incident: str | None, problems: list[Finding]
) -> None:
    """Report a '---' that cuts a block scalar (``key: |``) whose text goes on below it."""
    after = lines[close + 1] if close + 1 < len(lines) else ""
    if not after[:1].isspace() or not after.strip():
        return
    for i in range(close - 1, 0, -1):
        if _BLOCK_SCALAR.match(lines[i]):
            problems.append(
                problem(
                    "HS102",
                    path,
                    close + 1,
                    "this '---' ends the front matter inside the "
                    f"block value that starts on line {i + 1}; indent it or move the text "
                    "to the body",
                    column=1,
                    incident=incident,
                )
            )
            return
        if lines[i].strip() and not lines[i][:1].isspace():
            return
