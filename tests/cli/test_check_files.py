"""``check`` reads what the site publishes: attachments and pages under docs/, decoded the same way.

HS807 finds a secret in an incident's attachments (UTF-16, compressed, with a NUL byte, in
its name) and in a hand-written page (split by markup); HS810 finds a restricted incident
named there; HS805 finds one added to them and removed again on the branch. Payloads are
built at run time from the canaries.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from tests.canaries import CANARIES
from tests.conftest import git, write
from tests.site.conftest import BODY, docx_with, make_incident, pdf_with

KEY = next(c for c in CANARIES if c.kind == "aws-access-key-id").value
PASSWORD = next(c for c in CANARIES if c.kind == "command-line-password")
SECRET_ID, SECRET_TITLE = "2026-11-10-order-export", "Order export links could be guessed"


def test_a_secret_in_an_attachment_is_found_however_it_is_stored(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    folder = make_incident(archive, "2026-11-20-files")
    text = f"start\n{PASSWORD.line}\nuser {KEY} wrote\n"
    for name, data in {
        "utf16.txt": text.encode("utf-16"),
        "job.log.gz": gzip.compress(text.encode()),
        "nul.log": text.encode().replace(b"start", b"st\x00art"),
    }.items():
        write(folder / "attachments" / name, data)
    write(folder / "attachments" / f"{KEY}.txt", "nothing\n")
    result = run("check", "--no-cache")
    assert result.code == 1, result.err
    out = result.out
    where = "incidents/2026-11-20-files/attachments/"
    for name in ("utf16.txt", "job.log.gz", "nul.log"):
        assert f"{where}{name}:2:" in out and f"{where}{name}:3:" in out, name
    assert "HS807 this looks like an AWS access key id (20 characters)" in out
    assert "HS807 this looks like a password on a command line" in out
    assert f"{where}{KEY}.txt:1:1: HS807 its name holds an AWS access key id" in out
    assert KEY not in out.replace(f"{where}{KEY}.txt", "") and PASSWORD.value not in out


def test_a_secret_or_a_restricted_id_in_a_pdf_or_a_word_document_is_found(  # type: ignore[no-untyped-def]
    archive: Path, run
) -> None:
    make_incident(archive, SECRET_ID, visibility="restricted", title=SECRET_TITLE)
    folder = make_incident(archive, "2026-11-20-documents")
    write(folder / "attachments" / "dash.pdf", pdf_with(f"key {KEY}"))
    write(folder / "attachments" / "notes.docx", docx_with(f"key {KEY}"))
    write(folder / "attachments" / "other.docx", docx_with(f"see {SECRET_ID}"))
    result = run("check", "--no-cache")
    out = result.out
    assert result.code == 1, result.err
    where = "incidents/2026-11-20-documents/attachments/"
    for name in ("dash.pdf", "notes.docx"):
        assert re.search(rf"{where}{name}:\d+:\d+: HS807 this looks like an AWS access key", out)
    assert re.search(rf"{where}other.docx:\d+:\d+: HS810 names the restricted incident", out)
    assert KEY not in out


def test_a_secret_split_by_markup_in_a_docs_page_is_found_at_its_line(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    make_incident(archive, "2026-11-20-clean")
    write(archive / "docs" / "runbook.md", f"# Runbook\n\nUse {KEY[:6]}<b></b>{KEY[6:]}.\n")
    write(archive / "docs" / "faq.md", f"# FAQ\n\nNot {KEY}. <!-- hindsight: ignore HS807 -->\n")
    result = run("check", "--no-cache")
    assert "docs/runbook.md:3:" in result.out and "HS807" in result.out
    assert "docs/faq.md" not in result.out


def test_a_restricted_incident_named_in_an_attachment_or_in_bold_is_found(
    archive: Path,
    run,  # type: ignore[no-untyped-def]
) -> None:
    make_incident(archive, SECRET_ID, visibility="restricted", title=SECRET_TITLE)
    folder = make_incident(archive, "2026-11-20-public")
    write(folder / "attachments" / "notes.txt", f"see\n{SECRET_ID}\n".encode("utf-16"))
    write(folder / "attachments" / f"{SECRET_ID}.png", b"\x89PNG")
    write(archive / "docs" / "faq.md", "# FAQ\n\n**Order export links** could&nbsp;be guessed.\n")
    result = run("check", "--no-cache")
    out = result.out
    assert result.code == 1
    where = "incidents/2026-11-20-public/attachments/"
    assert f"{where}notes.txt:2:1: HS810 names the restricted incident {SECRET_ID}" in out
    assert f"{where}{SECRET_ID}.png:1:1: HS810 in the file's name: names the restricted" in out
    assert f"docs/faq.md:3:1: HS810 repeats the title of the restricted incident {SECRET_ID}" in out


def test_a_restricted_title_or_id_or_a_key_in_a_link_address_is_found(
    archive: Path,
    run,  # type: ignore[no-untyped-def]
) -> None:
    """A title with ``_``, ``+`` or ``%20`` for its spaces, an id and a key percent-escaped."""
    make_incident(archive, SECRET_ID, visibility="restricted", title=SECRET_TITLE)
    old = f"Old: [it](https://wiki.example.com/{SECRET_ID.replace('-', '%2D')})."
    folder = make_incident(archive, "2026-11-20-public", body=BODY + f"\n{old}\n")
    lines = [
        f"[wiki](https://wiki.example.com/{SECRET_TITLE.replace(' ', space)})"
        for space in ("_", "+", "%20")
    ]
    lines.append(f"[old](https://wiki.example.com/{SECRET_ID.replace('-', '%2D')})")
    lines.append("[dash](https://grafana.example.com/?k=" + "".join(f"%{ord(c):02X}" for c in KEY))
    write(archive / "docs" / "faq.md", "# FAQ\n\n" + "\n\n".join(lines) + ")\n")
    result = run("check", "--no-cache")
    out = result.out
    assert result.code == 1
    found = {(m[1], m[2]) for m in re.finditer(r"docs/faq\.md:(\d+):\d+: (HS8\d\d [a-z ]+)", out)}
    assert found == {
        *((str(line), "HS810 repeats the title of the restricted incident ") for line in (3, 5, 7)),
        ("9", "HS810 names the restricted incident "),
        ("11", "HS807 this looks like an "),
    }, out
    assert "docs/faq.md:11:" in out and "an AWS access key id (20 characters)" in out
    line = (folder / "postmortem.md").read_text().split("\n").index(old) + 1
    where = "incidents/2026-11-20-public/postmortem.md"
    assert re.search(rf"{where}:{line}:\d+: HS810 names the restricted incident {SECRET_ID}", out)
    assert KEY not in out


def test_a_secret_added_to_an_attachment_or_a_page_and_removed_stays_in_history(
    archive: Path,
    run,  # type: ignore[no-untyped-def]
) -> None:
    folder = make_incident(archive, "2026-11-20-files")
    git(archive, "init", "-q", "-b", "main")
    git(archive, "add", "-A")
    git(archive, "commit", "-qm", "base")
    git(archive, "checkout", "-qb", "change")
    write(folder / "attachments" / "job.log", f"start\n{PASSWORD.line}\n".encode("utf-16"))
    write(archive / "docs" / "runbook.md", f"# Runbook\n\nUse {KEY}.\n")
    git(archive, "add", "-A")
    git(archive, "commit", "-qm", "add")
    write(folder / "attachments" / "job.log", "start\n".encode("utf-16"))
    write(archive / "docs" / "runbook.md", "# Runbook\n\nUse the key in the vault.\n")
    git(archive, "commit", "-qam", "remove")
    result = run("check", "--no-cache", "--changed-since", "main")
    out = result.out
    assert (
        "incidents/2026-11-20-files/attachments/job.log:1:1: HS805 a password on a command line"
        in out
    )
    assert "docs/runbook.md:1:1: HS805 an AWS access key id (20 characters) was added" in out
    assert KEY not in out and PASSWORD.value not in out


def test_a_key_split_by_markup_in_a_postmortem_is_found_as_the_page_shows_it(
    archive: Path,
    run,  # type: ignore[no-untyped-def]
) -> None:
    from tests.rules.conftest import BODY

    wide = "".join(chr(ord(c) + 0xFEE0) for c in KEY)  # full-width: NFKC makes it the key
    body = BODY.replace("## Impact", f"Used {KEY[:6]}<b></b>{KEY[6:]}.\n\nAnd {wide}.\n\n## Impact")
    folder = make_incident(archive, "2026-11-20-split", body=body)
    result = run("check", "--no-cache")
    lines = (folder / "postmortem.md").read_text().split("\n")
    for start in ("Used", "And"):
        line = next(n for n, text in enumerate(lines, 1) if text.startswith(start))
        assert f"postmortem.md:{line}:" in result.out and "HS801" in result.out, start
    assert KEY not in result.out
