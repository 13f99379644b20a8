"""A small archive in tmp_path, its incidents loaded, and a real ``mkdocs build`` of it."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from hindsight.config import parse_settings
from hindsight.load.incident import load_incident
from hindsight.model import Incident
from hindsight.site.pages import SiteData, site_data
from tests.conftest import write
from tests.rules.conftest import BODY, META, TIMELINE

TODAY = date(2026, 11, 21)
MKDOCS_YML = """\
site_name: Test archive
theme:
  name: material
  font: false
plugins:
  - hindsight:
      today: "2026-11-21"
markdown_extensions:
  - admonition
  - tables
  - toc:
      permalink: true
validation:
  nav: {omitted_files: warn, not_found: warn, absolute_links: warn}
  links: {not_found: warn, anchors: warn, unrecognized_links: warn}
"""
HINDSIGHT_YML = """\
people:
  dana: Dana Whitfield
  lee: Lee Okafor
site:
  tracker_url: https://tracker.example.com/browse/{key}
  repo_url: https://code.example.com/org/archive
"""


def make_incident(
    root: Path, incident_id: str, *, body: str = BODY, timeline: str | None = TIMELINE, **meta: Any
) -> Path:
    """Write ``incidents/<id>/`` with the test front matter (overridden by ``meta``)."""
    folder = root / "incidents" / incident_id
    front = yaml.safe_dump(
        dict(META, id=incident_id, **meta),
        sort_keys=False,
        default_flow_style=None,
        allow_unicode=True,
    )
    write(folder / "postmortem.md", f"---\n{front}---\n{body}")
    if timeline is not None:
        write(folder / "timeline.log", timeline)
    return folder


def load(root: Path, incident_id: str, config: str = HINDSIGHT_YML) -> Incident:
    """The incident as the plugin reads it."""
    loaded = load_incident(root / "incidents" / incident_id, parse_settings(config, root))
    assert loaded.incident is not None, loaded.problems
    return loaded.incident


def data_of(
    root: Path, *incidents: Incident, config: str = HINDSIGHT_YML, today: date = TODAY
) -> SiteData:
    """SiteData for ``incidents`` with the test settings."""
    return site_data(incidents, parse_settings(config, root), today)


def href(path: str) -> str:
    """Links as the tests read them: the site path itself, from the site's root."""
    return "/" + path


Build = Callable[..., Path]


class BuildFailed(Exception):
    """``mkdocs build`` aborted; the message is what it logged as errors."""


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Build:
    """``build(mkdocs_yml=…, hindsight_yml=…)``: a real ``mkdocs build`` of tmp_path; the site dir."""
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")

    def _build(
        mkdocs_yml: str = MKDOCS_YML, hindsight_yml: str = HINDSIGHT_YML, strict: bool = True
    ) -> Path:
        from mkdocs.commands.build import build as mkdocs_build
        from mkdocs.config import load_config
        from mkdocs.exceptions import Abort

        write(tmp_path / "mkdocs.yml", mkdocs_yml)
        write(tmp_path / "hindsight.yml", hindsight_yml)
        if not (tmp_path / "docs" / "index.md").exists():
            write(tmp_path / "docs" / "index.md", "# Test archive\n\n<!-- hindsight:recent -->\n")
        site = tmp_path / "site"
        config = load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(site), strict=strict)
        cwd = os.getcwd()
        errors = _Errors()
        logging.getLogger("mkdocs").addHandler(errors)
        os.chdir(tmp_path)
        try:
            mkdocs_build(config)
        except Abort as exc:
            raise BuildFailed("\n".join([*errors.messages, str(exc)])) from None
        finally:
            os.chdir(cwd)
            logging.getLogger("mkdocs").removeHandler(errors)
        return site

    return _build


def pdf_with(text: str) -> bytes:
    """A minimal valid one-page PDF whose page shows ``text``, split in two strings of a TJ
    array, in a Flate-compressed content stream (as PDF writers store a page's text)."""
    import zlib

    half = len(text) // 2
    content = f"BT /F1 12 Tf 72 712 Td [({text[:half]}) -20 ({text[half:]})] TJ ET\n".encode()
    stream = zlib.compress(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>"
        ),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )


def docx_with(text: str) -> bytes:
    """A minimal Word document whose one paragraph is ``text`` split across two runs (the
    second in bold), as Word stores a word it formatted in part."""
    import io
    import zipfile

    half = len(text) // 2
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{w}">'
        f"<w:body><w:p><w:r><w:t>{text[:half]}</w:t></w:r><w:r><w:rPr><w:b/></w:rPr>"
        f"<w:t>{text[half:]}</w:t></w:r></w:p></w:body></w:document>"
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()
