"""The one way commands print: text from files and people shown, never obeyed, by a terminal.

A title, a chat message or a file name can hold control characters: ESC starts sequences
that move the cursor, retitle the window, write the clipboard (OSC 52), make links (OSC 8)
or talk to the terminal (DCS); 0x9b is CSI in eight bits; a carriage return rewrites the
line it is on. Printed raw, they would act on the terminal of whoever runs the command.

:func:`visible` writes each of them as an escape a person can read: ``\\u001b`` for ESC,
``\\u009b`` for the 8-bit CSI, ``\\u000d`` for a carriage return (tab and newline are
layout and stay; :func:`one_line` escapes them too, for a file name or other field that
must stay on its line). The notation is JSON's own, so JSON output stays valid and still
decodes to the same text. Every command prints through :func:`echo`.
"""

from __future__ import annotations

import re
from typing import IO, Any

#: C0 controls but tab and newline, DEL, C1 controls, lone surrogates (undecodable bytes of a
#: file name, which no terminal can be given), and a carriage return not ending a line
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]|\r(?!\n)")
#: with colour=True, the colours the text reporter itself adds to rule codes
_OWN_COLOURS = re.compile(r"\x1b\[(?:0|31|33)m")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def visible(text: str) -> str:
    """``text`` with every control character written as a visible ``\\uXXXX`` escape."""
    return _CONTROL.sub(_escape, text) if _CONTROL.search(text) else text


#: what ends a line: a newline, a carriage return and Unicode's line and paragraph
#: separators (some terminals and most editors break lines there)
_LINE_BREAK = re.compile("[\n\r\u2028\u2029]")


def one_line(text: str) -> str:
    """:func:`visible`, and line breaks escaped too (``\\u000a``): for a field that must stay on
    its line, such as a file name, so that a name cannot print a line of its own."""
    return visible(_LINE_BREAK.sub(_escape, text))


def has_controls(text: str) -> bool:
    """Whether :func:`visible` would change ``text``."""
    return _CONTROL.search(text) is not None


def echo(message: str = "", err: bool = False, nl: bool = True, colour: bool = False) -> None:
    """Print ``message`` as :func:`click.echo` does, its control characters made visible.

    ``colour``: let the reporter's own colour codes through (the text it colours was made
    visible before they were added).
    """
    if colour:
        parts = _OWN_COLOURS.split(message)
        codes = _OWN_COLOURS.findall(message)
        shown = "".join(
            visible(p) + (codes[i] if i < len(codes) else "") for i, p in enumerate(parts)
        )
    else:
        shown = visible(message)
    import click

    click.echo(shown, err=err, nl=nl, color=True if colour else None)


_NAMES = {
    0x00: "NUL",
    0x07: "BEL, which ends terminal commands",
    0x0D: "a carriage return, which rewrites the line it ends",
    0x1B: "ESC, which starts a terminal escape sequence",
    0x90: "DCS, which starts a terminal command",
    0x9B: "CSI, which starts a terminal control sequence",
    0x9D: "OSC, which starts a terminal command",
}


def describe(char: str) -> str:
    """What the control or direction character ``char`` is, for a finding: ``ESC, which …``."""
    code = ord(char)
    if code in _NAMES:
        return _NAMES[code]
    if code in (0x2028, 0x2029):
        return "a line separator"
    if 0x200E <= code <= 0x206F:
        return "a direction character, which makes text display otherwise than it reads"
    return "a control character"


class VisibleStream:
    """A text stream that makes what is written to it visible; for click's own messages."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(visible(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
