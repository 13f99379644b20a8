"""Real ``mkdocs build`` runs: the example archive, the publishing policy, sanitising, failures."""

from __future__ import annotations

import gc
import json
import logging
import os
import shutil
import subprocess
import sys
import uuid
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import write
from tests.site.conftest import (
    BODY,
    HINDSIGHT_YML,
    MKDOCS_YML,
    TIMELINE,
    Build,
    BuildFailed,
    make_incident,
)

REPO = Path(__file__).parents[2]
SKIP_BROKEN = MKDOCS_YML.replace('today: "2026-11-21"', 'today: "2026-11-21"\n      broken: skip')
pytestmark = pytest.mark.slow


def _mkdocs(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(  # noqa: PLW1510 - the tests read the return code themselves
        [sys.executable, "-m", "mkdocs", "build", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
    )


def _all_files(site: Path) -> dict[str, bytes]:
    """Every file of the site by its path; Pagefind's compressed files decompressed."""
    from hindsight.site.search import files as pagefind_files

    found = {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    found.update((str(p.relative_to(site)), c) for p, c in pagefind_files(site))
    return found


def _fragments(site: Path) -> dict[str, dict[str, object]]:
    """Pagefind's fragment of each indexed page, by the page's URL."""
    from hindsight.site.search import files as pagefind_files

    fragments = [json.loads(c) for p, c in pagefind_files(site) if p.suffix == ".pf_fragment"]
    return {f["url"]: f for f in fragments}


def test_example_archive_builds_strictly(tmp_path: Path) -> None:
    """The repository's own archive: mkdocs build --strict passes, with no warning at all."""
    for name in ("mkdocs.yml", "hindsight.yml", "docs", "incidents"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    result = _mkdocs(tmp_path, "--strict", "--site-dir", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    site = tmp_path / "site"
    assert (
        site / "incidents" / "2026-11-03-checkout-errors-after-pool-change" / "index.html"
    ).exists()
    assert not (site / "incidents" / "2026-07-22-order-export-links-readable").exists()


def test_a_restricted_incident_appears_nowhere(tmp_path: Path, build: Build) -> None:
    """RELIABILITY cases 34 and 35: no page, row, search entry, sitemap entry, figure or file."""
    canary = f"CANARY-{uuid.uuid4()}"
    secret_id, title = "2026-11-20-vault-breach", f"Vault breach {canary[-8:]}"
    folder = make_incident(
        tmp_path,
        secret_id,
        visibility="restricted",
        title=title,
        services=["vault-hidden-svc"],
        tags=["hiddentag"],
        severity="SEV1",
        body=BODY.replace("A connection-pool change", f"{canary} A change"),
        timeline=TIMELINE.replace("Pager fired", f"Pager {canary}"),
    )
    write(folder / "attachments" / "graph.png", b"\x89PNG" + canary.encode())
    # visibility that cannot be read counts as restricted too
    unreadable = make_incident(tmp_path, "2026-11-19-unreadable", title=f"Dup {canary}")
    text = (unreadable / "postmortem.md").read_text()
    (unreadable / "postmortem.md").write_text(
        text.replace("visibility: internal", "visibility: internal\nvisibility: restricted")
    )
    public_canary = f"canary{uuid.uuid4().hex}"
    make_incident(
        tmp_path,
        "2026-11-18-public",
        related=[secret_id],
        title="Public one",
        body=BODY.replace("A connection-pool change", f"{public_canary} A change"),
    )
    site = build(mkdocs_yml=SKIP_BROKEN, strict=False)
    files = _all_files(site)
    assert "incidents/2026-11-18-public/index.html" in files
    # the way of looking works: the public incident's word is in Pagefind's decompressed files
    index = b"".join(c for n, c in files.items() if n.startswith("pagefind/"))
    assert public_canary.encode() in index and b"2026-11-18-public" in index
    for name, content in files.items():
        for needle in (
            canary,
            secret_id,
            title,
            "vault-hidden-svc",
            "hiddentag",
            "2026-11-19-unreadable",
        ):
            assert needle.encode() not in content, f"{needle} leaked into {name}"
    assert not any(secret_id in name or "unreadable" in name for name in files)
    assert not any(name.endswith(".log") for name in files)


def test_statuses_outside_site_publish_are_left_out(tmp_path: Path, build: Build) -> None:
    make_incident(
        tmp_path,
        "2026-11-01-approved",
        status="approved",
        approvals=[{"by": "sam", "date": date(2026, 11, 5)}],  # a YAML date, as check wants
    )
    make_incident(tmp_path, "2026-11-02-draft", status="draft")
    site = build(hindsight_yml=HINDSIGHT_YML + "  publish: [approved]\n")
    assert (site / "incidents" / "2026-11-01-approved" / "index.html").exists()
    assert "2026-11-02-draft" not in (site / "incidents" / "index.html").read_text()
    assert not (site / "incidents" / "2026-11-02-draft").exists()
    page = (site / "incidents" / "2026-11-01-approved" / "index.html").read_text()
    assert "Under review" not in page


def test_incident_pages_are_sanitised(tmp_path: Path, build: Build) -> None:
    """RELIABILITY cases 32 and 33, through Markdown and MkDocs."""
    body = BODY.replace(
        "## Impact",
        (
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
            "[x](javascript:alert(3)) [y](JaVaScRiPt:alert(4)) [z](data:text/html,hi)\n\n"
            "<svg onload=alert(5)></svg>\n\n<!-- internal: customer ACME -->\n\n## Impact"
        ),
    )
    make_incident(tmp_path, "2026-11-21-xss", body=body, title="<b onmouseover=alert(6)>T</b>")
    site = build()
    page = (site / "incidents" / "2026-11-21-xss" / "index.html").read_text()
    markup = _Markup()
    markup.feed(page[page.index("<article") : page.index("</article>")])
    assert "h1" in markup.tags and not {"script", "svg", "iframe"} & set(markup.tags)
    assert not [a for a in markup.attributes if a[0].startswith("on")]
    assert not [
        v
        for n, v in markup.attributes
        if n in ("href", "src") and v.strip().lower().startswith(("javascript:", "data:"))
    ]
    assert "ACME" not in page
    assert "&lt;b onmouseover=alert(6)&gt;T&lt;/b&gt;" in page  # the title, as text
    assert "12,400 checkout requests failed" in page


class _Markup(HTMLParser):
    """Every tag and attribute of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(n.lower(), v or "") for n, v in attrs]


def test_page_parts_and_links(tmp_path: Path, build: Build) -> None:
    make_incident(tmp_path, "2026-11-21-a", tags=["database"], related=["2026-10-01-b"])
    make_incident(tmp_path, "2026-10-01-b", services=["payments-db"])
    write(tmp_path / "incidents" / "2026-11-21-a" / "attachments" / "graph.png", b"\x89PNG")
    os.symlink(
        "/etc/hostname", tmp_path / "incidents" / "2026-11-21-a" / "attachments" / "host.txt"
    )
    site = build(strict=False)
    page = (site / "incidents" / "2026-11-21-a" / "index.html").read_text()
    assert 'class="hs-card"' in page and 'class="hs-timeline"' in page
    assert (
        'href="https://code.example.com/org/archive/edit/main/incidents/2026-11-21-a/postmortem.md"'
        in page
    )
    assert 'href="../../incidents/2026-10-01-b/"' in page
    assert 'href="../../services/checkout-api/"' in page
    assert (
        '<td><a class="hs-ticket" data-pagefind-weight="5" '
        'href="https://tracker.example.com/browse/PLAT-123">PLAT-123</a></td>' in page
    )
    assert (site / "incidents" / "2026-11-21-a" / "attachments" / "graph.png").exists()
    assert not (site / "incidents" / "2026-11-21-a" / "attachments" / "host.txt").exists()
    for page_path in (
        "incidents/tag/database",
        "incidents/severity/sev2",
        "incidents/year/2026",
        "incidents/status/in-review",
        "services/payments-db",
        "services",
        "action-items",
        "figures",
        "rules",
        "rules/hs301",
    ):
        assert (site / page_path / "index.html").exists(), page_path
    home = (site / "index.html").read_text()
    assert 'href="incidents/2026-11-21-a/"' in home
    assert "<svg" in (site / "figures" / "index.html").read_text()


def test_search_indexes_incidents_by_words_id_service_and_tag_but_not_listings(
    tmp_path: Path, build: Build
) -> None:
    """Pagefind's fragment of an incident holds its words, id, services and tags, its metadata
    and filters; listings are not indexed, nor the card's details and the timeline."""
    make_incident(
        tmp_path,
        "2026-11-21-a",
        tags=["zebrafish"],
        services=["quokka-api"],
        severity="SEV1",
        body=BODY.replace("Configuration changes", "Axolotl changes"),
    )
    site = build()
    assert not (site / "search" / "search_index.json").exists()  # Material's search is off
    fragments = _fragments(site)
    fragment = fragments["/incidents/2026-11-21-a/"]
    text = str(fragment["content"])
    for word in ("Axolotl", "2026-11-21-a", "quokka-api", "zebrafish"):
        assert word in text, word
    assert fragment["filters"] == {
        "kind": ["incident"],
        "severity": ["SEV1"],
        "status": ["in-review"],
        "year": ["2026"],
        "service": ["quokka-api"],
        "tag": ["zebrafish"],
    }
    meta = fragment["meta"]
    assert isinstance(meta, dict)
    assert {k: meta[k] for k in ("id", "date", "severity", "status")} == {
        "id": "2026-11-21-a",
        "date": "2026-11-21",
        "severity": "SEV1",
        "status": "in review",
    }
    listings = {"/incidents/", "/incidents/tag/zebrafish/", "/services/quokka-api/"}
    listings |= {"/action-items/", "/figures/", "/search/"}
    assert not listings & set(fragments)
    assert "Dana Whitfield" not in text and "Pager fired" not in text
    assert "¶" not in text  # the headings' permalinks


def test_guide_and_rule_pages_are_searchable_without_their_code_blocks(
    tmp_path: Path, build: Build
) -> None:
    """A hand-written page's prose is indexed, its code samples are not (they would answer
    searches for incidents); the home page's lists of incidents are not either."""
    make_incident(tmp_path, "2026-11-21-a", title="Gnu stampede")
    write(
        tmp_path / "docs" / "index.md",
        "# Home\n\nPlatypus prose.\n\n```yaml\nwombat: sample\n```\n\n<!-- hindsight:recent -->\n",
    )
    site = build()
    fragments = _fragments(site)
    home = str(fragments["/"]["content"])
    assert "Platypus" in home and "wombat" not in home and "Gnu stampede" not in home
    rule = str(fragments["/rules/hs301/"]["content"])
    assert "blam" in rule.lower() and "human error" not in rule.lower()
    assert fragments["/rules/hs301/"]["filters"] == {"kind": ["rule"]}


def test_material_search_is_refused_with_a_clear_message(tmp_path: Path, build: Build) -> None:
    make_incident(tmp_path, "2026-11-21-a")
    with_material = MKDOCS_YML.replace("plugins:\n", "plugins:\n  - search\n")
    with pytest.raises(BuildFailed, match="plugins: remove '(material/)?search': the hindsight"):
        build(mkdocs_yml=with_material)


def test_search_false_builds_no_index(tmp_path: Path, build: Build) -> None:
    """``search: false`` under the plugin: no Pagefind bundle, no search page or script."""
    make_incident(tmp_path, "2026-11-21-a")
    config = MKDOCS_YML.replace('today: "2026-11-21"', 'today: "2026-11-21"\n      search: false')
    site = build(mkdocs_yml=config)
    assert (site / "incidents" / "2026-11-21-a" / "index.html").exists()
    assert not (site / "pagefind").exists() and not (site / "search").exists()
    assert "search.js" not in (site / "index.html").read_text()


def test_a_broken_incident_fails_the_build_with_its_file_and_line(tmp_path: Path) -> None:
    make_incident(tmp_path, "2026-11-21-good")
    write(
        tmp_path / "incidents" / "2026-11-20-bad" / "postmortem.md",
        "---\nid: 2026-11-20-bad\ntitle: [unclosed\n---\nbody\n",
    )
    write(tmp_path / "mkdocs.yml", MKDOCS_YML)
    write(tmp_path / "hindsight.yml", HINDSIGHT_YML)
    write(tmp_path / "docs" / "index.md", "# Home\n")
    result = _mkdocs(tmp_path, "--strict")
    assert result.returncode == 1
    assert "incidents/2026-11-20-bad/postmortem.md:4:1: HS103 YAML syntax" in result.stderr
    assert "Traceback" not in result.stderr
    write(tmp_path / "mkdocs.yml", SKIP_BROKEN)
    result = _mkdocs(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "WARNING" in result.stderr and "2026-11-20-bad/postmortem.md:4:1" in result.stderr
    assert (tmp_path / "site" / "incidents" / "2026-11-21-good" / "index.html").exists()


def test_binary_postmortems_are_never_published_and_each_incident_is_counted_once(
    tmp_path: Path, build: Build, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 20 points 5 and 8: a binary postmortem fails the build (or is skipped), and the
    summary gives one outcome per incident, a broken restricted one included."""
    make_incident(tmp_path, "2026-11-21-good")
    make_incident(tmp_path, "2026-11-20-draft", status="investigating")
    make_incident(tmp_path, "2026-11-19-secret", visibility="restricted")
    broken_secret = make_incident(tmp_path, "2026-11-18-broken-secret", visibility="restricted")
    (broken_secret / "postmortem.md").write_text("---\nid: [unclosed\n---\n")
    elf = make_incident(tmp_path, "2026-11-17-elf")
    (elf / "postmortem.md").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8)
    with pytest.raises(BuildFailed, match=r"2026-11-17-elf/postmortem.md:1: HS109 not a text file"):
        build()
    assert not (tmp_path / "site").exists()
    caplog.set_level(logging.INFO)
    publish = HINDSIGHT_YML.replace("site:\n", "site:\n  publish: [draft, in-review, approved]\n")
    site = build(mkdocs_yml=SKIP_BROKEN, hindsight_yml=publish, strict=False)
    files = _all_files(site)
    assert not [n for n in files if "elf" in n] and not any(b"\x7fELF" in c for c in files.values())
    assert (
        "5 incidents: 1 published, 1 restricted, 1 in a status the site does not publish, "
        "2 skipped as unreadable or with front matter errors" in caplog.text
    )
    write(tmp_path / "docs" / "tool.md", b"# Tool\n\x00\x01\x02 binary\n")
    with pytest.raises(BuildFailed, match=r"docs/tool.md:2: not a text file \(1 NUL byte"):
        build(mkdocs_yml=SKIP_BROKEN, hindsight_yml=publish, strict=False)
    assert _all_files(site) == files, "the last good site is left as it was"


def test_a_preview_builds_only_the_incidents_named_and_never_passes_strict(
    tmp_path: Path, build: Build, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("2026-11-21-a", "2026-11-20-b", "2026-10-01-c"):
        make_incident(tmp_path, name, title=f"Incident {name[-1]}")
    monkeypatch.setenv("HINDSIGHT_PREVIEW", "2026-11-2*, 2026-09-30-x")
    caplog.set_level("INFO", logger="mkdocs")
    site = build(strict=False)
    built = sorted(p.parent.name for p in (site / "incidents").glob("20*/index.html"))
    assert built == ["2026-11-20-b", "2026-11-21-a"]
    assert "Incident c" not in (site / "incidents" / "index.html").read_text()
    assert "HINDSIGHT_PREVIEW is set: this is a preview of 2 of 3 incidents" in caplog.text
    assert "Pagefind indexed" in caplog.text and "(a preview" in caplog.text
    indexed = {u for u in _fragments(site) if u.startswith("/incidents/")}
    assert indexed == {"/incidents/2026-11-20-b/", "/incidents/2026-11-21-a/"}
    with pytest.raises(BuildFailed, match="Aborted with 1 warnings in strict mode"):
        build()
    monkeypatch.delenv("HINDSIGHT_PREVIEW")
    assert (build() / "incidents" / "2026-10-01-c" / "index.html").exists()


def test_a_build_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path, build: Build) -> None:
    """The plugin pauses and freezes the collector while it reads; ``mkdocs serve`` rebuilds in
    one process, so neither may outlast a build, a failed one included."""
    make_incident(tmp_path, "2026-11-21-good")
    build()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    write(
        tmp_path / "incidents" / "2026-11-20-bad" / "postmortem.md",
        "---\nid: 2026-11-20-bad\ntitle: [unclosed\n---\nbody\n",
    )
    with pytest.raises(BuildFailed, match="HS103"):
        build()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        shutil.rmtree(tmp_path / "incidents" / "2026-11-20-bad")
        build()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_snippets_that_reach_the_incidents_are_refused(tmp_path: Path, build: Build) -> None:
    """RELIABILITY case 36: an include could publish a restricted incident's text."""
    make_incident(tmp_path, "2026-11-21-a")
    config = MKDOCS_YML.replace("  - admonition\n", "  - admonition\n  - pymdownx.snippets\n")
    with pytest.raises(BuildFailed, match="pymdownx.snippets can include files from '.'"):
        build(mkdocs_yml=config)
    safe = MKDOCS_YML.replace(
        "  - admonition\n",
        "  - admonition\n  - pymdownx.snippets:\n      base_path: [docs/snippets]\n",
    )
    assert (build(mkdocs_yml=safe) / "index.html").exists()


def test_incident_files_inside_docs_dir_are_not_published(tmp_path: Path, build: Build) -> None:
    """With docs_dir holding incidents/, MkDocs would copy timeline.log and restricted pages."""
    make_incident(tmp_path / "docs", "2026-11-21-secret", visibility="restricted")
    make_incident(tmp_path / "docs", "2026-11-21-public")
    site = build(hindsight_yml=HINDSIGHT_YML + "incidents_dir: docs/incidents\n", strict=False)
    names = _all_files(site)
    assert "incidents/2026-11-21-public/index.html" in names
    assert not [n for n in names if "secret" in n or n.endswith((".log", ".md"))]


def test_a_restricted_id_named_in_a_hand_written_page_fails_the_build(
    tmp_path: Path, build: Build
) -> None:
    """Issue 20 point 6: the message names the page and line that did it, and no partial site
    is left behind: the last good site stays as it was, and nothing is left beside it."""
    make_incident(tmp_path, "2026-11-21-secret", visibility="restricted")
    make_incident(tmp_path, "2026-11-20-public", title="Public incident")
    site = build()
    good = _all_files(site)
    write(tmp_path / "docs" / "index.md", "# Home\n\nSee 2026-11-21-SECRET.\n")
    with pytest.raises(BuildFailed) as failed:
        build()
    assert "docs/index.md:3:5: HS810 names the restricted incident 2026-11-21-secret" in str(
        failed.value
    )
    assert "a page in docs/ or an include" not in str(failed.value)
    assert _all_files(site) == good
    assert sorted(p.name for p in tmp_path.iterdir() if "site" in p.name) == ["site"]
    shutil.rmtree(site)
    with pytest.raises(BuildFailed):
        build()
    assert not [p.name for p in tmp_path.iterdir() if "site" in p.name], "a partial site is left"


def test_a_public_postmortem_naming_a_restricted_incident_fails_the_build_at_its_line(
    tmp_path: Path, build: Build
) -> None:
    """Issue 20 point 6: by id or title, in the body or the timeline; ``related:`` is not shown."""
    make_incident(
        tmp_path, "2026-11-21-secret", visibility="restricted", title="Vault keys were exposed"
    )
    make_incident(
        tmp_path,
        "2026-11-20-public",
        related=["2026-11-21-secret"],
        body=BODY + "\nSame cause as vault keys\nwere exposed; see 2026-11-21-secret.\n",
        timeline=TIMELINE + "2026-11-20T17:00Z Compared with Vault keys were exposed\n",
    )
    with pytest.raises(BuildFailed) as failed:
        build()
    message = str(failed.value)
    body_line = next(
        n
        for n, line in enumerate(
            (tmp_path / "incidents/2026-11-20-public/postmortem.md").read_text().splitlines(), 1
        )
        if "see 2026-11-21-secret" in line
    )
    assert "3 places in public pages name a restricted incident" in message
    assert (
        f"incidents/2026-11-20-public/postmortem.md:{body_line - 1}:15: HS810 repeats the title"
        in message
    )
    assert f"incidents/2026-11-20-public/postmortem.md:{body_line}:19: HS810 names" in message
    assert "incidents/2026-11-20-public/timeline.log:" in message
    assert not (tmp_path / "site").exists()


def test_the_built_site_calls_no_third_party(tmp_path: Path, build: Build) -> None:
    """No font, script, style or image is loaded from another host: the archive works offline."""
    make_incident(tmp_path, "2026-11-21-a")
    site = build()
    for page in site.rglob("*.html"):
        markup = _Markup()
        markup.feed(page.read_text())
        loads = [
            v for n, v in markup.attributes if n == "src" or (n == "href" and v.endswith(".css"))
        ]
        assert not [v for v in loads if v.startswith(("http:", "https:", "//"))], page


def test_mkdocs_serve_rebuilds_when_an_incident_changes(tmp_path: Path, build: Build) -> None:
    import socket
    import time
    import urllib.request

    make_incident(tmp_path, "2026-11-21-a", title="Before the edit")
    build()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/incidents/2026-11-21-a/"

    def page() -> str:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()

    def wait_for(text: str) -> bool:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if text in page():
                    return True
            except OSError:
                pass
            time.sleep(0.3)
        return False

    try:
        assert wait_for("Before the edit")
        make_incident(tmp_path, "2026-11-21-a", title="After the edit")
        assert wait_for("After the edit")
    finally:
        server.terminate()
        server.wait(timeout=10)


def _pagefind_children() -> list[int]:
    """The Pagefind processes this test process started that are still running."""
    children = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :]
        state, parent = rest.split()[:2]
        if name.startswith("pagefind") and int(parent) == os.getpid() and state != "Z":
            children.append(int(entry.name))
    return children


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_pagefind_is_stopped_after_a_build_that_succeeds_or_fails(
    tmp_path: Path, build: Build
) -> None:
    """Pagefind runs beside MkDocs while pages are written; it never outlives the build."""
    make_incident(tmp_path, "2026-11-21-a")
    site = build()
    assert (site / "pagefind" / "pagefind.js").exists()
    assert _pagefind_children() == []
    write(tmp_path / "docs" / "index.md", "# Home\n\nSee [the plan](missing.md).\n")
    with pytest.raises(BuildFailed):
        build()  # strict: the broken link fails the build after every page was written
    assert _pagefind_children() == []


@pytest.mark.parametrize(
    ("binary", "message"),
    [
        ("missing", r"search: Pagefind's binary .*missing cannot be started: No such file"),
        ("exits", r"search: Pagefind's binary stopped while indexing \(exit code 3\)"),
    ],
)
def test_a_pagefind_that_cannot_run_fails_the_build_clearly_and_leaves_the_last_site(
    tmp_path: Path, build: Build, monkeypatch: pytest.MonkeyPatch, binary: str, message: str
) -> None:
    make_incident(tmp_path, "2026-11-21-a")
    site = build()
    before = _all_files(site)
    script = write(tmp_path / "bin" / "exits", "#!/bin/sh\nexit 3\n")
    script.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "bin" / binary))
    with pytest.raises(BuildFailed, match=message) as failed:
        build()
    assert "Traceback" not in str(failed.value)
    assert _all_files(site) == before


def test_the_site_folder_is_readable_by_others_as_mkdocs_would_make_it(
    tmp_path: Path, build: Build
) -> None:
    """The build is written into a temporary folder first, which is private when made; the
    site that takes its place has the usual permissions, so that a web server can read it."""
    make_incident(tmp_path, "2026-11-21-a")
    mask = os.umask(0o022)
    try:
        site = build()
    finally:
        os.umask(mask)
    assert site.stat().st_mode & 0o777 == 0o755
    assert (site / "incidents").stat().st_mode & 0o777 == 0o755


def test_results_are_titled_and_addressed_as_pagefind_itself_would(
    tmp_path: Path, build: Build
) -> None:
    """Pagefind is given only part of each page: a page without a heading of its own still has
    its title (not the site's name) as the result's, and with ``use_directory_urls: false``
    the addresses leave ``index.html`` off, as Pagefind does when it reads the site itself."""
    make_incident(tmp_path, "2026-11-21-a")
    write(tmp_path / "docs" / "notes.md", "Pool sizes are set per service.\n")
    fragments = _fragments(build(strict=False))
    notes = fragments["/notes/"]
    assert notes["meta"]["title"] == "Notes"  # type: ignore[index]
    assert "archive" not in notes["content"]  # type: ignore[operator]
    flat = _fragments(build(MKDOCS_YML + "use_directory_urls: false\n", strict=False))
    assert {"/", "/incidents/2026-11-21-a/", "/notes.html"} <= set(flat)
    assert not [url for url in flat if url.endswith("index.html")]


def test_a_pagefind_that_stops_answering_fails_the_build_instead_of_hanging(
    tmp_path: Path, build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hindsight.site import search

    make_incident(tmp_path, "2026-11-21-a")
    silent = write(tmp_path / "bin" / "silent", "#!/bin/sh\nexec sleep 600\n")
    silent.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(silent))
    monkeypatch.setattr(search, "STALLED", 1)
    with pytest.raises(BuildFailed, match=r"search: Pagefind's binary stopped answering \(0 of 1"):
        build()
    assert not (tmp_path / "site").exists()


def test_a_comment_above_the_title_does_not_show_the_title_twice(
    tmp_path: Path, build: Build
) -> None:
    """``hindsight import`` writes where the text came from above the title: the page still
    shows one title, the card's."""
    comment = "<!-- Imported from notes.md on 2026-11-21 by hindsight import. -->\n"
    make_incident(tmp_path, "2026-11-21-a", body=comment + BODY)
    page = (build() / "incidents" / "2026-11-21-a" / "index.html").read_text()
    assert page.count("<h1") == 1


def test_a_restricted_id_put_in_the_sitemap_by_a_theme_override_fails_the_build(
    tmp_path: Path, build: Build
) -> None:
    """The last line of defence: what the plugin did not write (here a theme override of the
    sitemap) is read after the build, and the message names the page it was on."""
    make_incident(tmp_path, "2026-11-21-secret", visibility="restricted")
    make_incident(tmp_path, "2026-11-20-public")
    write(
        tmp_path / "overrides" / "sitemap.xml",
        "<urlset><url><loc>https://example.com/notes/2026-11-21-secret/</loc></url></urlset>\n",
    )
    themed = MKDOCS_YML.replace("  font: false\n", "  font: false\n  custom_dir: overrides\n")
    with pytest.raises(
        BuildFailed,
        match=r"sitemap.xml names the restricted incident 2026-11-21-secret on the page "
        r"https://example.com/notes/2026-11-21-secret/: something outside the hindsight plugin",
    ):
        build(mkdocs_yml=themed)
    assert not (tmp_path / "site").exists()


def test_the_build_refuses_what_check_calls_a_front_matter_error(
    tmp_path: Path, build: Build, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 29: an incident without a severity (HS112) is not published, as check fails it;
    broken: skip publishes the others with a warning, which --strict refuses."""
    make_incident(tmp_path, "2026-11-21-good")
    folder = make_incident(tmp_path, "2026-11-20-no-severity", title="No severity here")
    postmortem = folder / "postmortem.md"
    postmortem.write_text(postmortem.read_text().replace("severity: SEV2\n", ""))
    with pytest.raises(
        BuildFailed,
        match=r"(?s)1 incident cannot be read, or has errors in the front matter.*"
        r"2026-11-20-no-severity/postmortem.md:\d+: HS112",
    ):
        build()
    with pytest.raises(BuildFailed):
        build(mkdocs_yml=SKIP_BROKEN)
    caplog.set_level(logging.INFO)
    site = build(mkdocs_yml=SKIP_BROKEN, strict=False)
    assert (site / "incidents" / "2026-11-21-good" / "index.html").is_file()
    assert not (site / "incidents" / "2026-11-20-no-severity").exists()
    assert "skipped: incidents/2026-11-20-no-severity/postmortem.md" in caplog.text
    # what hindsight.yml re-levels, the build follows as check does
    relevelled = HINDSIGHT_YML + "rules:\n  required-key: warning\n"
    site = build(hindsight_yml=relevelled)
    assert (site / "incidents" / "2026-11-20-no-severity" / "index.html").is_file()


def test_an_example_block_in_a_guide_is_not_searchable_and_headers_end_a_sentence(
    tmp_path: Path, build: Build
) -> None:
    """A guide's `!!! example` (a made-up action item) is not found as if it were real; the
    prose around it is; a table's header cells do not run into its first row in excerpts."""
    make_incident(tmp_path, "2026-11-21-a")
    write(
        tmp_path / "docs" / "guide.md",
        "# Guide\n\nWrite the action items as a table:\n\n"
        '!!! example "An action item"\n\n'
        "    | Action | Owner |\n    | --- | --- |\n    | Alert on narwhal lag | priya |\n\n"
        "Okapi prose after it.\n\n| Setting | Meaning |\n| --- | --- |\n| pins | the reactions |\n",
    )
    site = build(MKDOCS_YML + "nav: [index.md, guide.md]\n", strict=False)
    fragments = _fragments(site)
    guide = str(fragments["/guide/"]["content"])
    assert "Okapi" in guide and "narwhal" not in guide
    assert "Setting. Meaning. pins" in guide
    incident = str(fragments["/incidents/2026-11-21-a/"]["content"])
    assert "Action. Owner. Due. Ticket. Status. Validate pool size" in incident
    page = (site / "guide" / "index.html").read_text()
    assert "narwhal" in page  # still shown to readers
    # the packaged writing guide marks its own example the same way
    writing = (REPO / "docs" / "guide" / "writing.md").read_text()
    assert '!!! example "An action item"' in writing


def test_links_in_timeline_events_are_links_and_only_safe_ones(
    tmp_path: Path, build: Build
) -> None:
    """A Markdown link, an autolink or a bare URL in an event is a link on the page; a
    javascript:, data: or protocol-relative one stays as text, and markup stays text."""
    timeline = TIMELINE + (
        "2026-11-21T14:50Z Lee: see [the dashboard](https://grafana.example.com/d/1) and "
        "https://status.example.com/incidents/42.\n"
        "2026-11-21T14:51Z Lee: notes in [the doc](notes.md#pool) and <https://x.example.com/y>\n"
        '2026-11-21T14:52Z Eve: [click](javascript:alert(1)) [x](data:text/html,hi) [y](//evil.example) <img src=x onerror="alert(2)">\n'
    )
    make_incident(tmp_path, "2026-11-21-a", timeline=timeline)
    site = build(strict=False)
    page = (site / "incidents" / "2026-11-21-a" / "index.html").read_text()
    rows = page[page.index('class="hs-timeline"') :]
    rows = rows[: rows.index("</table>")]
    assert '<a href="https://grafana.example.com/d/1">the dashboard</a>' in rows
    assert (
        '<a href="https://status.example.com/incidents/42">'
        "https://status.example.com/incidents/42</a>." in rows
    )
    assert '<a href="notes.md#pool">the doc</a>' in rows
    assert '<a href="https://x.example.com/y">https://x.example.com/y</a>' in rows
    assert "](" not in rows.split("Eve:")[0]  # no raw Markdown left for the safe links
    assert 'href="javascript' not in rows and 'href="data' not in rows
    assert 'href="//evil' not in rows and "<img" not in rows
    assert "[click](javascript:alert(1))" in rows and "&lt;img src=x" in rows
