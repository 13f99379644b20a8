"""What a reader sees in a file: the one view that the site build's last pass and ``check`` scan.

A scanner that reads text as it is stored misses what a browser, a search index or ``zcat``
puts together again: a key split by markup (``AKIA<b></b>…``), a name written with entities
(``&#50;026-…``), in bold (``**Order export links** could be…``) or with a no-break space, a
full-width letter, a UTF-16 file, a compressed log, a log with a NUL byte. This module turns
a file into what its reader sees (:func:`decode`, :func:`html_view`, :func:`text_view`,
:func:`markdown_view`); the site's last pass (:mod:`hindsight.site.published`) and the
rules HS807 and HS810 look in that for secrets and restricted incidents' names.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Collection, Iterator

#: what one file may decompress to before the rest is left unread (a bomb stops there)
MAX_DECODED = 64 * 1024 * 1024
#: how deep compressed files inside compressed files are opened
MAX_DEPTH = 3

#: elements a browser shows inline: their tags join the text on either side
_INLINE = (
    "a|abbr|b|bdi|bdo|big|cite|code|data|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|"
    "strike|strong|sub|sup|time|tt|u|var|wbr"
)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_INLINE_TAG = re.compile(rf"</?(?:{_INLINE})(?:\s[^>]*)?/?>")
_ANY_INLINE_TAG = re.compile(_INLINE_TAG.pattern, re.IGNORECASE)
_UPPER_TAG = re.compile(r"</?[A-Z]")
_TAG = re.compile(r"<[!/?]?[A-Za-z][^>]*>?")
#: an attribute's value, by its quotes (a value without quotes ends at a space or >)
_VALUES = (
    re.compile(r'=[ \t\n]*"([^"]*)"'),
    re.compile(r"=[ \t\n]*'([^']*)'"),
    re.compile(r"""=([^\s"'>=][^\s"'>]*)"""),
)
#: characters that show as nothing: soft hyphen, zero-width spaces and joiners, marks, BOM
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_MARKDOWN_MARKS = re.compile(r"\*+|`+|~~|\\(?=\S)|(?<!\w)_+|_+(?!\w)")
_DECLARED = re.compile(
    rb"""(?:charset|encoding|coding)\s*[:=]\s*["']?([A-Za-z0-9_.:-]{2,40})""", re.IGNORECASE
)


def decode(data: bytes, depth: int = 0) -> str:
    """The text of a file as its reader sees it: decompressed (gzip, bzip2, xz, and each member
    of a zip with its name, an XML member's runs of text joined; a PDF's Flate streams and
    their strings after the file), decoded by its BOM, its declared encoding, UTF-16 by its NUL bytes,
    else UTF-8 or Windows-1252; NUL bytes dropped."""
    unpacked = _unpacked(data, depth)
    if unpacked is not None:
        return unpacked
    text = _text(data)
    return text.replace("\0", "") if "\0" in text else text


def _unpacked(data: bytes, depth: int) -> str | None:
    """The text of a compressed file or archive, or None when ``data`` is neither."""
    if depth >= MAX_DEPTH:
        return None
    if data[:2] == b"\x1f\x8b":
        import gzip

        return _stream(gzip.GzipFile(fileobj=_bytes(data)), depth)
    if data[:3] == b"BZh":
        import bz2

        return _stream(bz2.BZ2File(_bytes(data)), depth)
    if data[:6] == b"\xfd7zXZ\x00":
        import lzma

        return _stream(lzma.LZMAFile(_bytes(data)), depth)
    if data[:4] == b"PK\x03\x04":
        return _zip(data, depth)
    if data[:5] == b"%PDF-":
        return _pdf(data)
    return None


_PDF_STREAM = re.compile(rb"\bstream\r?\n")
_PDF_STRING = re.compile(rb"\((?:\\.|[^\\)])*\)|<([0-9A-Fa-f\s]*)>", re.DOTALL)
_PDF_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _pdf(data: bytes) -> str:
    """A PDF as its reader sees it: the file as it is, then the text of each Flate stream (its
    strings joined line by line, so that ``[(AK) 20 (IA...)] TJ`` reads as one word) and the
    stream itself; damaged streams are left unread."""
    import zlib

    parts, left = [_text(data)], MAX_DECODED
    for match in _PDF_STREAM.finditer(data):
        head = data[max(0, match.start() - 1024) : match.start()]  # the stream's dictionary
        if b"/FlateDecode" not in head[head.rfind(b" obj") + 1 :] or left <= 0:
            continue
        end = data.find(b"endstream", match.end())
        body = data[match.end() : end if end >= 0 else len(data)]
        try:
            inner = zlib.decompressobj().decompress(body, left)
        except zlib.error:
            continue
        left -= len(inner)
        parts += [_pdf_text(inner), _text(inner)]
    return "\n".join(parts).replace("\0", "")


def _pdf_text(content: bytes) -> str:
    """The strings of a PDF content stream, those on one line joined."""
    lines = []
    for line in content.split(b"\n"):
        strings = [_pdf_string(m.group(0)) for m in _PDF_STRING.finditer(line)]
        if strings:
            lines.append(b"".join(strings).decode("latin-1"))
    return "\n".join(lines)


def _pdf_string(token: bytes) -> bytes:
    if token[:1] == b"<":
        digits = re.sub(rb"\s", b"", token[1:-1])
        try:
            return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))
        except ValueError:
            return b""
    return re.sub(
        rb"\\([0-7]{1,3}|.)",
        lambda m: (
            bytes([int(m.group(1), 8) & 0xFF])
            if m.group(1)[:1].isdigit()
            else _PDF_ESCAPES.get(m.group(1), m.group(1))
        ),
        token[1:-1],
        flags=re.DOTALL,
    )


def _bytes(data: bytes):  # type: ignore[no-untyped-def]
    import io

    return io.BytesIO(data)


def _stream(handle, depth: int) -> str | None:  # type: ignore[no-untyped-def]
    """The text of one compressed stream; None when it is damaged (then read as it is)."""
    import lzma

    try:
        with handle:
            inner = handle.read(MAX_DECODED)
    except (OSError, EOFError, ValueError, lzma.LZMAError):
        return None
    return decode(inner, depth + 1)


def _zip(data: bytes, depth: int) -> str | None:
    import zipfile

    try:
        archive = zipfile.ZipFile(_bytes(data))
        parts, left = [], MAX_DECODED
        for info in archive.infolist():
            parts.append(info.filename)
            if info.is_dir() or left <= 0:
                continue
            with archive.open(info) as member:
                inner = member.read(left)
            left -= len(inner)
            text = decode(inner, depth + 1)
            if info.filename.lower().endswith(".xml") and "<" in text:
                text = _xml_view(text)
            parts.append(text)
        return "\n".join(parts)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        return None


#: where an office document's XML breaks a line: a paragraph's end, a line break, a tab
_XML_BREAK = re.compile(r"</(?:\w+:)?p>|<(?:\w+:)?(?:br|tab|cr)\b[^>]*>")


def _xml_view(text: str) -> str:
    """An XML member of an archive (a Word or OpenDocument file's) as its reader sees it: runs
    of text joined (``<w:r>`` splits a word anywhere), a line per paragraph, then the
    attributes' values."""
    values = _attributes(text)
    joined = _TAG.sub("", _XML_BREAK.sub("\n", _COMMENT.sub("", text)))
    return html.unescape(joined) + "\n" + "\n".join(values)


def _text(data: bytes) -> str:
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    sample = data[:4096]
    if len(sample) >= 4 and b"\0" in sample:
        odd, even = sample[1::2].count(0), sample[0::2].count(0)
        half = len(sample) // 2
        if odd > half * 0.4 and even < half * 0.1:
            return data.decode("utf-16-le", errors="replace")
        if even > half * 0.4 and odd < half * 0.1:
            return data.decode("utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _DECLARED.search(data[:1024])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    return data.decode("cp1252", errors="replace")


def _plain(text: str) -> str:
    """Unicode normalised (NFKC: a no-break space is a space, a full-width letter a letter),
    invisible characters dropped. Runs of spaces stay: the scanners read any as one."""
    if text.isascii():
        return text
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def text_view(text: str) -> str:
    """A text file (a log, an attachment) as its reader sees it."""
    return _plain(text)


def html_view(page: str) -> str:
    """An HTML page as its reader sees it: the text, inline tags joining what is on either side
    and other tags breaking lines, then every attribute's value on lines of its own, entities
    decoded in both."""
    text, values = html_parts(page)
    return text + "\n" + values_view(values)


def html_parts(page: str) -> tuple[str, list[str]]:
    """An HTML page's text as :func:`html_view` gives it, and its attributes' values as written."""
    if "<!--" in page:
        page = _COMMENT.sub("", page)
    values = _attributes(page)
    text = _INLINE_TAG.sub("", page)
    if _UPPER_TAG.search(text):  # (a page's own HTML, in capitals: rare, and slower to find)
        text = _ANY_INLINE_TAG.sub("", text)
    text = _TAG.sub("\n", text)
    return _plain(html.unescape(text) if "&" in text else text), values


def values_view(values: list[str]) -> str:
    """Attributes' values as their reader (a tooltip, a link) sees them, one a line; a value
    with percent-escapes also as the address bar shows it (``%41%4B…``, ``2026%2D07…``)."""
    joined = "\n".join(values)
    joined = html.unescape(joined) if "&" in joined else joined
    return _plain(_unescaped(joined))


def _unescaped(text: str) -> str:
    """``text``, then its percent-escaped lines unescaped (``+`` a space) when that differs."""
    if "%" not in text:
        return text
    from urllib.parse import unquote_plus

    extra = [
        plain for line in text.split("\n") if "%" in line and (plain := unquote_plus(line)) != line
    ]
    return "\n".join([text, *extra]) if extra else text


def _attributes(html_text: str) -> list[str]:
    """The values of the attributes in ``html_text`` (and of what looks like one in its text)."""
    return [value for pattern in _VALUES for value in pattern.findall(html_text)]


def markdown_view(line: str) -> str:
    """One line of Markdown as the page shows it: tags and emphasis marks gone, entities
    decoded, attributes' values after the text (close enough to find where in the source a
    published text comes from), then the line percent-unescaped when that differs (a link's
    address as the address bar shows it)."""
    values = _attributes(line) if "=" in line else []
    line = _ANY_INLINE_TAG.sub("", line)
    line = _TAG.sub(" ", line)
    line = " ".join([_MARKDOWN_MARKS.sub("", line), *values])
    line = html.unescape(line) if "&" in line else line
    return _plain(_unescaped(line).replace("\n", " "))


#: what :func:`markdown_view` may change in a line; a line without any is shown as written
_MARKUP = re.compile(r"[<&*`\\~]|[^\x00-\x7f]|(?<!\w)_|_(?!\w)|%[0-9A-Fa-f]{2}")


def source_view(text: str) -> str | None:
    """A Markdown text line for line as its page shows it (:func:`markdown_view`), or None when
    no line reads differently: what ``check`` scans besides the text as written."""
    lines = text.split("\n")
    changed = False
    for number, line in enumerate(lines):
        if _MARKUP.search(line):
            view = markdown_view(line)
            if view != line:
                lines[number], changed = view, True
    return "\n".join(lines) if changed else None


def files_of(folder: str, skip: Collection[str] = ()) -> Iterator[tuple[str, str]]:
    """``(path, name from folder)`` of each regular file under ``folder`` but ``skip`` (names at
    its top), a folder's files before its folders, in order; symbolic links are not followed.

    One directory read per folder, and nothing more for an incident with no other files:
    ``check`` asks this of every incident.
    """
    import os

    stack = [(folder, "")]
    while stack:
        top, prefix = stack.pop()
        try:
            with os.scandir(top) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue
        folders = []
        for entry in entries:
            name = prefix + entry.name
            if entry.is_symlink():
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append((entry.path, name + "/"))
            elif name not in skip:
                yield entry.path, name
        stack.extend(reversed(folders))


def read(path: str) -> str | None:
    """The text of the file at ``path`` as its reader sees it (:func:`decode`, :func:`text_view`);
    None when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    return text_view(decode(data))


def name_key(text: str) -> str:
    """A restricted name as it is compared: lower case, spaces made one."""
    return " ".join(text.lower().split())


def locate(source: str, needle: str) -> list[int]:
    """The lines of ``source`` (Markdown or text) where ``needle``, as a reader sees it, starts:
    looked for line by line in :func:`markdown_view`, else over up to five lines together."""
    wanted = name_key(needle)
    lines = [name_key(markdown_view(line)) for line in source.split("\n")]
    for size in range(1, 6):
        found = [
            number + 1
            for number in range(len(lines) - size + 1)
            if wanted in " ".join(lines[number : number + size])
        ]
        if found:
            return found
    return []
