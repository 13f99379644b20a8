"""The build's last pass reads every file it is about to publish as a reader would.

Each test is a case of the hostile audit (issue 30) that the scanners upstream miss: a value
split by markup, written with entities or full-width letters, in a UTF-16 or compressed
attachment, in a file's name. The payloads are built at run time from the canaries.
"""

from __future__ import annotations

import bz2
import gzip
import io
import zipfile
from pathlib import Path

import pytest

from tests.canaries import CANARIES
from tests.conftest import write
from tests.site.conftest import BODY, Build, BuildFailed, docx_with, make_incident, pdf_with

pytestmark = pytest.mark.slow
KEY = next(c for c in CANARIES if c.kind == "aws-access-key-id").value
PASSWORD = next(c for c in CANARIES if c.kind == "command-line-password")
SECRET_ID, SECRET_TITLE = "2026-11-10-order-export", "Order export links could be guessed"


def _fails(build: Build) -> str:
    with pytest.raises(BuildFailed) as failed:
        build()
    message = str(failed.value)
    assert "the site was not replaced" in message
    return message


def _body(paragraph: str) -> str:
    return BODY.replace("## Impact", f"{paragraph}\n\n## Impact")


def _line(path: Path, text: str) -> int:
    """The line of ``path`` that holds ``text``."""
    lines = path.read_text().split("\n")
    return next(n for n, line in enumerate(lines, 1) if text in line)


def test_a_key_split_by_markup_fails_the_build_at_its_line_and_the_last_site_stays(
    tmp_path: Path, build: Build
) -> None:
    """An AWS key split by <b></b> passes the scanner of the source; the page, and Pagefind's
    fragment of it, join it again."""
    make_incident(tmp_path, "2026-11-19-clean")
    site = build()
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    split = f"{KEY[:8]}<b></b>{KEY[8:]}"
    folder = make_incident(
        tmp_path, "2026-11-20-split", body=_body(f"The job used {split} to write.")
    )
    message = _fails(build)
    line = _line(folder / "postmortem.md", "The job used")
    assert (
        f"incidents/2026-11-20-split/postmortem.md:{line}: an AWS access key id (20 characters), "
        "published in incidents/2026-11-20-split/index.html" in message
    )
    assert "published in pagefind/fragment/" in message  # the search index joins it too
    assert KEY not in message and KEY[8:] not in message
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before, "the last good site stays as it was"
    assert not list(tmp_path.glob(".site.hindsight-*")), "the build's folder is removed"


def test_what_the_eye_reads_as_a_key_is_a_key(tmp_path: Path, build: Build) -> None:
    """Full-width letters (NFKC), a soft hyphen, an entity: each published as the key itself."""
    wide = "".join(chr(ord(c) + 0xFEE0) for c in KEY)  # ＡＫＩＡ…
    entity = "".join(f"&#{ord(c)};" for c in KEY[:6]) + KEY[6:]
    folder = make_incident(
        tmp_path,
        "2026-11-20-eyes",
        body=_body(f"First {wide}.\n\nThen {KEY[:4]}\u00ad{KEY[4:]}.\n\nLast {entity}."),
    )
    message = _fails(build)
    for start in ("First", "Then", "Last"):
        line = _line(folder / "postmortem.md", start)
        assert f"incidents/2026-11-20-eyes/postmortem.md:{line}: an AWS access key id" in message


def _zip(name: str, text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, text)
    return buffer.getvalue()


def test_attachments_are_read_however_they_are_stored(tmp_path: Path, build: Build) -> None:
    """UTF-16, gzip, bzip2, zip, a NUL byte, a name: each attachment with a key is refused."""
    folder = make_incident(tmp_path, "2026-11-20-files")
    line = f"start\n{PASSWORD.line}\nuser {KEY} wrote\n"
    attachments = {
        "utf16.txt": line.encode("utf-16"),  # with its BOM
        "utf16le.log": line.encode("utf-16-le"),  # without
        "job.log.gz": gzip.compress(line.encode()),
        "job.log.bz2": bz2.compress(line.encode()),
        "logs.zip": _zip("inner/job.log", line),
        "nul.log": b"start\n\x00" + line.encode(),
        "cp1252.txt": "caf\xe9\n".encode("cp1252") + line.encode(),
    }
    for name, data in attachments.items():
        write(folder / "attachments" / name, data)
    write(folder / "attachments" / f"{KEY}.txt", "nothing here\n")
    message = _fails(build)
    where = "incidents/2026-11-20-files/attachments/"
    for name in attachments:  # the line as the file reads once decoded (a zip: its names too)
        line = 4 if name in ("logs.zip", "nul.log", "cp1252.txt") else 3
        assert f"{where}{name}:{line}: an AWS access key id (20 characters)" in message, name
        assert f"{where}{name}:{line - 1}: a password on a command line" in message, name
    assert (
        f"in the file's name: an AWS access key id (20 characters), published in {where}" in message
    )
    assert KEY not in message.replace(f"{where}{KEY}.txt", "")


def test_a_pdf_or_a_word_document_with_a_key_or_a_restricted_id_fails_the_build(
    tmp_path: Path, build: Build
) -> None:
    """A PDF keeps its page's text in a compressed stream, a Word document splits a word across
    runs: neither shows the key to a plain reading; their reader sees it whole."""
    make_incident(tmp_path, SECRET_ID, visibility="restricted", title=SECRET_TITLE)
    folder = make_incident(tmp_path, "2026-11-20-documents")
    write(folder / "attachments" / "dash.pdf", pdf_with(f"key {KEY}"))
    write(folder / "attachments" / "notes.docx", docx_with(f"key {KEY}"))
    write(folder / "attachments" / "other.docx", docx_with(f"see {SECRET_ID}"))
    message = _fails(build)
    where = "incidents/2026-11-20-documents/attachments/"
    for name in ("dash.pdf", "notes.docx"):
        assert f"{where}{name}:" in message and "an AWS access key id (20 characters)" in message
    assert f"{where}other.docx:" in message
    assert f"names the restricted incident {SECRET_ID}, published in {where}other.docx" in message
    assert KEY not in message


def test_a_restricted_incident_named_in_an_attachment_fails_the_build(
    tmp_path: Path, build: Build
) -> None:
    make_incident(tmp_path, SECRET_ID, visibility="restricted", title=SECRET_TITLE)
    folder = make_incident(tmp_path, "2026-11-20-public")
    write(folder / "attachments" / "notes.txt", f"see\n{SECRET_ID} for more\n".encode("utf-16"))
    write(folder / "attachments" / f"{SECRET_ID}.png", b"\x89PNG")
    message = _fails(build)
    assert (
        f"in the file's name: names the restricted incident {SECRET_ID}, published in "
        f"incidents/2026-11-20-public/attachments/{SECRET_ID}.png" in message
    )
    assert (
        "incidents/2026-11-20-public/attachments/notes.txt:2: names the restricted incident "
        f"{SECRET_ID}, published in incidents/2026-11-20-public/attachments/notes.txt" in message
    )


def test_a_restricted_title_hidden_by_markup_or_entities_fails_the_build(
    tmp_path: Path, build: Build
) -> None:
    """In bold, with a no-break space, as entities in an attribute: what HS810 reads in the
    source misses, the page shows."""
    make_incident(tmp_path, SECRET_ID, visibility="restricted", title=SECRET_TITLE)
    entity_id = "&#50;" + SECRET_ID[1:]
    folder = make_incident(
        tmp_path,
        "2026-11-20-public",
        body=_body(
            "**Order export links** could be guessed, again.\n\n"
            "As in Order export&nbsp;links could\u00a0be guessed.\n\n"
            f'See <abbr title="{entity_id}">the other one</abbr>.'
        ),
    )
    message = _fails(build)
    page, path = "incidents/2026-11-20-public/postmortem.md", folder / "postmortem.md"
    for start, what in (("**Order", "repeats the title"), ("As in", "repeats the title")):
        line = _line(path, start)
        assert f"{page}:{line}: {what} of the restricted incident {SECRET_ID}" in message
    line = _line(path, "See <abbr")
    assert f"{page}:{line}: names the restricted incident {SECRET_ID}" in message


def _addresses() -> list[str]:
    """A restricted title written as a wiki address (``_``, ``+``, ``%20`` for its spaces), its
    id and a key percent-escaped character by character."""
    addresses = [
        f"https://wiki.example.com/Postmortems/{SECRET_TITLE.replace(' ', space)}"
        for space in ("_", "+", "%20")
    ]
    addresses.append(f"https://wiki.example.com/{SECRET_ID.replace('-', '%2D')}")
    addresses.append("https://grafana.example.com/?k=" + "".join(f"%{ord(c):02X}" for c in KEY))
    return addresses


def test_a_restricted_title_or_id_or_a_key_in_a_link_address_fails_the_build(
    tmp_path: Path, build: Build
) -> None:
    """Each address alone in a page refuses the build, naming its line (by the gate before the
    pages are written, or by the last pass)."""
    make_incident(tmp_path, SECRET_ID, visibility="restricted", title=SECRET_TITLE)
    page = "incidents/2026-11-20-public/postmortem.md"
    for n, address in enumerate(_addresses()):
        folder = make_incident(
            tmp_path, "2026-11-20-public", body=_body(f"Link {n}: [it]({address}).")
        )
        with pytest.raises(BuildFailed) as failed:
            build()
        message = str(failed.value)
        line = _line(folder / "postmortem.md", f"Link {n}:")
        assert f"{page}:{line}:" in message, (n, message)
        assert KEY not in message


def test_the_last_pass_reads_a_link_address_as_the_address_bar_shows_it(tmp_path: Path) -> None:
    """What the gates upstream catch, the last pass catches alone, in a published page's href."""
    from hindsight.mentions import Hidden, names
    from hindsight.site.published import Sources, problems

    finder = names([Hidden(SECRET_ID, SECRET_TITLE)])
    title = f"repeats the title of the restricted incident {SECRET_ID}"
    expected = [title] * 3 + [
        f"names the restricted incident {SECRET_ID}",
        "an AWS access key id (20 characters)",
    ]
    site = tmp_path / "site"
    for address, what in zip(_addresses(), expected, strict=True):
        write(site / "page" / "index.html", f'<p><a href="{address}">it</a></p>\n')
        found = problems(site, Sources(), finder)
        assert f"site/page/index.html: {what}, published in page/index.html" in found, address
        assert KEY not in "\n".join(found)
    write(site / "page" / "index.html", '<p><a href="https://wiki.example.com/x%20y">it</a></p>\n')
    assert problems(site, Sources(), finder) == []


def test_what_an_author_silenced_is_published_and_a_fragment_is_read(
    tmp_path: Path, build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A restricted title that is a common phrase, silenced on its line, is published; the
    pass reads Pagefind's fragments as well (a secret put in one is found there), and
    finds the same shared among forked processes (as for a large site)."""
    from hindsight import checking
    from hindsight.site import published
    from hindsight.site.published import Sources, problems

    make_incident(tmp_path, SECRET_ID, visibility="restricted", title=SECRET_TITLE)
    write(
        tmp_path / "docs" / "faq.md",
        f"# FAQ\n\n{SECRET_TITLE}? No. <!-- hindsight: ignore HS810 -->\n",
    )
    make_incident(tmp_path, "2026-11-20-public")
    site = build()
    assert SECRET_TITLE in (site / "faq" / "index.html").read_text()
    fragment = site / "pagefind" / "fragment" / "planted.pf_fragment"
    payload = b'{"url": "/faq/", "content": "Token ' + PASSWORD.line.encode() + b'"}'
    fragment.write_bytes(gzip.compress(b"pagefind_dcd" + payload))
    alone = problems(site, Sources(), None)  # (the theme's files too: not told they are)
    found = [line for line in alone if "pagefind" in line]
    planted = "pagefind/fragment/planted.pf_fragment"
    size = len(PASSWORD.value)
    assert found == [
        f"site/{planted}: a password on a command line ({size} characters), published in {planted}"
    ]
    monkeypatch.setattr(published, "PARALLEL_FROM", 1)
    monkeypatch.setattr(checking, "cores", lambda: 3)
    assert problems(site, Sources(), None) == alone
