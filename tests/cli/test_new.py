"""``hindsight new`` scaffolds an incident from templates: safely, exactly, never overwriting."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from hindsight.config import load_settings
from hindsight.load.frontmatter import split
from hindsight.load.incident import load_incident
from tests.conftest import write

FOLDER = "incidents/2026-11-21-checkout-api-returned-502s"


def test_scaffolds_the_incident_folder(archive: Path, run, golden) -> None:  # type: ignore[no-untyped-def]
    """The folder holds postmortem.md and timeline.log exactly as the golden files."""
    result = run(
        "new",
        "Checkout API returned 502s",
        "--severity",
        "sev2",
        "--service",
        "checkout-api,payments-db",
        "--service",
        "checkout-api",
        "--commander",
        "@dana",
    )
    assert result.code == 0, result.err
    assert result.out == f"{FOLDER}/\n"
    golden("new/postmortem.md", (archive / FOLDER / "postmortem.md").read_text())
    golden("new/timeline.log", (archive / FOLDER / "timeline.log").read_text())


def test_scaffold_loads_without_problems(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """What new writes reads back cleanly, with every required section."""
    run("new", "Checkout API returned 502s", "--severity", "SEV2")
    loaded = load_incident(archive / FOLDER, load_settings(archive))
    assert loaded.problems == ()
    incident = loaded.incident
    assert incident is not None and incident.status and incident.status.value == "investigating"
    assert {s.key for s in incident.sections} >= set(load_settings(archive).sections)
    assert incident.body.count("- [ ]") == 6
    assert len(incident.timeline) == 1 and "Incident declared" in incident.timeline[0].text


def test_draft_has_no_checklist_and_restricted_is_restricted(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """--status draft leaves out the live checklist; --restricted sets visibility."""
    assert (
        run(
            "new",
            "Old outage",
            "--severity",
            "SEV3",
            "--status",
            "draft",
            "--restricted",
            "--date",
            "2026-10-01",
        ).code
        == 0
    )
    text = (archive / "incidents/2026-10-01-old-outage/postmortem.md").read_text()
    assert "First 30 minutes" not in text and "visibility: restricted" in text


@pytest.mark.parametrize(
    "title",
    [
        "x\nrestricted: false",
        "#tag",
        "no",
        "a: b",
        "{{ 7*7 }}",
        "{% raw %}",
        "a < b && c",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "'quoted' \"double\"",
    ],
)
def test_titles_come_back_exactly_as_typed(archive: Path, run, title: str) -> None:  # type: ignore[no-untyped-def]
    """Front matter is emitted, never pasted: hostile titles round-trip (RELIABILITY 27, 31)."""
    result = run("new", title, "--severity", "SEV2", "--restricted", "--slug", "t")
    assert result.code == 0, result.err
    doc = split((archive / "incidents/2026-11-21-t/postmortem.md").read_bytes(), "p.md")
    assert doc.problems == []
    assert doc.meta["title"] == title and doc.meta["visibility"] == "restricted"
    heading = next(line for line in doc.body.splitlines() if line.startswith("# "))
    assert heading == "# " + " ".join(title.split())


@pytest.mark.parametrize(
    "title", ["x\u2028visibility: internal", "admin\u202egnp.exe", "a\x1b[31mb"]
)
def test_titles_with_invisible_characters_are_refused(archive: Path, run, title: str) -> None:  # type: ignore[no-untyped-def]
    """Control and direction characters in a title are refused, not written."""
    result = run("new", title, "--severity", "SEV2")
    assert result.code == 2 and "invisible character" in result.err
    assert not list((archive / "incidents").glob("2026-*"))


def test_never_overwrites(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """A second incident with the same id (in any case) is refused and nothing changes."""
    write(archive / "incidents/2026-11-21-Checkout-Down/postmortem.md", "mine\n")
    result = run("new", "Checkout down", "--severity", "SEV1")
    assert result.code == 2
    assert "incidents/2026-11-21-Checkout-Down already exists; nothing was written" in result.err
    assert (archive / "incidents/2026-11-21-Checkout-Down/postmortem.md").read_text() == "mine\n"
    assert not (archive / "incidents/2026-11-21-checkout-down").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--severity", "SEV9"], "unknown severity 'SEV9'; use one of SEV1, SEV2, SEV3, SEV4"),
        ([], "--severity is required; one of SEV1, SEV2, SEV3, SEV4"),
        (["--severity", "SEV2", "--date", "21/11/2026"], "--date '21/11/2026' is not a date"),
        (["--severity", "SEV2", "--commander", "Dana W."], "'Dana W.' is not a handle"),
    ],
)
def test_bad_options_exit_2_with_a_message(
    archive: Path, run, args: list[str], message: str
) -> None:  # type: ignore[no-untyped-def]
    """Bad options are refused with a clear message, exit 2, and nothing written."""
    result = run("new", "Title", *args)
    assert result.code == 2 and message in result.err and "Traceback" not in result.err
    assert not list((archive / "incidents").glob("2026-*"))


def test_a_broken_template_names_its_file_and_line(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """A template using a missing variable fails with its file and line; nothing is written."""
    write(
        archive / "templates/incident/postmortem.md.j2",
        "---\ntitle: {{ title | yaml }}\n---\n\n{{ owner }}\n",
    )
    result = run("new", "Title", "--severity", "SEV2")
    assert result.code == 2
    assert "postmortem.md.j2:5: template error: 'owner' is undefined" in result.err
    assert not list((archive / "incidents").glob("2026-*"))


def test_template_syntax_error_names_its_line(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """A syntax error in an organisation's template is reported at its line."""
    write(archive / "templates/incident/timeline.log.j2", "ok\n{% if %}\n")
    result = run("new", "Title", "--severity", "SEV2")
    assert result.code == 2 and "timeline.log.j2:2: template error" in result.err


def test_no_user_text_is_compiled_as_a_template() -> None:
    """No from_string() call anywhere in the package (RELIABILITY 28)."""
    package = Path(__file__).parents[2] / "tools" / "hindsight"
    for source in package.rglob("*.py"):
        tree = ast.parse(source.read_text())
        calls = [
            n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "from_string"
        ]
        assert not calls, f"{source} calls from_string"


@pytest.mark.slow
def test_asks_for_what_is_missing_in_a_terminal(archive: Path) -> None:
    """In a real terminal, new asks for severity, services and commander."""
    import os
    import pty
    import select
    import subprocess
    import sys

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "hindsight", "new", "Search is slow"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=archive,
        close_fds=True,
    )
    os.close(slave)
    output = b""
    answers = iter([b"sev3\n", b"search-api, search-indexer\n", b"priya\n"])
    while proc.poll() is None:
        ready, _, _ = select.select([master], [], [], 10)
        if not ready:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        output += chunk
        if chunk.rstrip().endswith((b":", b"]:")):
            os.write(master, next(answers, b"\n"))
    proc.wait(10)
    os.close(master)
    text = output.decode()
    assert proc.returncode == 0, text
    assert "SEV1: Critical" in text and "Severity:" in text and "Incident commander" in text
    front = (archive / "incidents/2026-11-21-search-is-slow/postmortem.md").read_text()
    assert "severity: SEV3" in front and "services: [search-api, search-indexer]" in front
    assert "commander: priya" in front


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{{ 'a' * 10**9 }}", "repeating a text or list would make 1,000,000,000 characters"),
        ("{{ [1, 2] * 10**9 }}", "repeating a text or list would make 2,000,000,000 characters"),
        ("{% for i in range(10**9) %}x{% endfor %}", "range() was given 1,000,000,000"),
        (
            "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
            "the template's loops ran more than 100,000 times",
        ),
        ("{{ 'a' | center(10**9) }}", "the filter 'center' was given 1,000,000,000"),
        ("{{ 'a'.ljust(10**9) }}", "ljust() was given 1,000,000,000"),
        ("{{ [1, 2] | batch(10**9, 0) | list }}", "the filter 'batch' was given 1,000,000,000"),
        ("{{ 'a' | indent(10**9) }}", "the filter 'indent' was given 1,000,000,000"),
        ("{% set x = 'a' * 100000 %}{{ x.replace('a', x) }}", "replace() would make"),
        ("{% set x = 'a' * 100000 %}{{ x | replace('a', x) }}", "the filter 'replace' would make"),
        (
            "{{ 'a' * 900000 }}{{ 'b' * 900000 }}",
            "the template's output is longer than 1,048,576 characters",
        ),
        ("{{ 7 ** 100000 }}", "7 ** 100000 is too large a number"),
        ("{{ '%999999999d' % 1 }}", "a '%' format with a width of a million or more"),
        ("{{ '{:>999999999}'.format(1) }}", "a format with a width of a million or more"),
        ("{{ 1 / 0 }}", "ZeroDivisionError: division by zero"),
        ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "RecursionError"),
    ],
)
def test_templates_run_within_limits_and_name_file_and_line(
    archive: Path, run, line: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    """Issue 20 point 7: an edited template cannot hang `new`, and never an internal error."""
    import time

    write(archive / "templates/incident/postmortem.md.j2", f"---\ntitle: x\n---\n\n{line}\n")
    started = time.monotonic()
    result = run("new", "Title", "--severity", "SEV2")
    assert time.monotonic() - started < 3
    assert result.code == 2 and "internal error" not in result.err
    assert "templates/incident/postmortem.md.j2:5: template error: " in result.err
    assert message in result.err
    assert not list((archive / "incidents").glob("2026-*"))


def test_a_template_that_runs_too_long_is_stopped_at_its_line(
    archive: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Loops over texts (not ranges) are stopped by the time limit, in the middle of a loop."""
    import time

    from hindsight import templating

    monkeypatch.setattr(templating, "TIME_LIMIT", 0.3)
    loop = "{% for c in 'a' * 100000 %}\n{% for d in 'b' * 100000 %}{% endfor %}\n{% endfor %}"
    write(archive / "templates/incident/postmortem.md.j2", f"---\ntitle: x\n---\n\n{loop}\n")
    started = time.monotonic()
    result = run("new", "Title", "--severity", "SEV2")
    assert time.monotonic() - started < 3
    assert result.code == 2
    assert (
        "postmortem.md.j2:6: template error: the template took longer than 0.3 seconds"
        in result.err
    )
    assert not list((archive / "incidents").glob("2026-*"))


def test_large_numbers_as_data_are_not_limits(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Only widths and counts are limited: a template may show any number, formatted."""
    line = (
        "{{ 5000000 }} {{ '{:,}'.format(5000000) }} {{ 5000000 | string }} "
        "{{ '%d' % 5000000 }} {{ 'x' | center(9) }} {{ range(3) | list | length }}"
    )
    write(archive / "templates/incident/postmortem.md.j2", f"---\ntitle: x\n---\n\n{line}\n")
    result = run("new", "Title", "--severity", "SEV2")
    assert result.code == 0, result.err
    (folder,) = (archive / "incidents").glob("2026-*")
    text = (folder / "postmortem.md").read_text()
    assert "5000000 5,000,000 5000000 5000000     x     3" in text


def test_a_live_incident_begun_yesterday_is_declared_now(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    """An incident that began before midnight UTC and is still going is declared at now."""
    result = run("new", "Outage", "--severity", "SEV2", "--date", "2026-11-20")
    timeline = (archive / result.out.strip() / "timeline.log").read_text()
    assert timeline.splitlines()[3:] == ["2026-11-21T14:05Z Incident declared: Outage (SEV2)"]


@pytest.mark.parametrize("args", [["--date", "2026-11-02"], ["--status", "draft"]])
def test_a_written_up_incident_is_not_declared_after_its_resolution(
    archive: Path, run, args: list[str]
) -> None:  # type: ignore[no-untyped-def]
    """Issue 29: an incident written up afterwards gets the declaration as a comment, so that
    its [resolved] stays the last event."""
    result = run("new", "Outage", "--severity", "SEV2", *args)
    assert result.code == 0, result.err
    folder = archive / result.out.strip()
    day = folder.name[:10]
    assert (folder / "timeline.log").read_text().splitlines()[3:] == [
        "# 2026-11-21T14:05Z Written up with hindsight new: Outage (SEV2)"
    ]
    for at, mark in (("09:00", "start"), ("10:00", "resolved")):
        logged = run("log", "-i", folder.name, "--at", f"{day} {at} UTC", "-m", mark, "x")
        assert logged.code == 0, logged.err
    incident = load_incident(folder, load_settings(archive)).incident
    assert incident is not None and incident.timeline[-1].text == "x"
    assert [e.milestone.value for e in incident.timeline if e.milestone] == ["start", "resolved"]
    assert len(incident.timeline) == 2
