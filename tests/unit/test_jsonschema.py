"""The front matter's JSON Schema: generated from the checker's declaration, kept in the repo."""

from __future__ import annotations

import json
from pathlib import Path

from hindsight.config import Settings, load_settings, parse_settings
from hindsight.jsonschema import SCHEMA_PATH, incident_schema, schema_text
from hindsight.load.frontmatter import split
from hindsight.rules.schema import FIELDS
from hindsight.scaffold import DEFAULTS

REPO = Path(__file__).parents[2]


def test_committed_schemas_are_up_to_date() -> None:
    """Regenerate with: hindsight schema > docs/schema/incident.schema.json"""
    assert (REPO / SCHEMA_PATH).read_text() == schema_text(load_settings(REPO))
    defaults = parse_settings((DEFAULTS / "archive" / "hindsight.yml").read_text(), REPO)
    assert (DEFAULTS / "archive" / SCHEMA_PATH).read_text() == schema_text(defaults)


def test_schema_follows_the_declaration_and_the_severities() -> None:
    schema = incident_schema(Settings(root=REPO, severities={"P1": "Page", "P2": "Ticket"}))
    assert set(schema["properties"]) == set(FIELDS)
    assert schema["required"] == [k for k, f in FIELDS.items() if f.required]
    assert schema["properties"]["severity"]["enum"] == ["P1", "P2"]
    assert schema["additionalProperties"] is False


def test_example_incidents_fit_the_schema() -> None:
    schema = incident_schema(load_settings(REPO))
    for path in (REPO / "incidents").glob("*/postmortem.md"):
        meta = split(path.read_bytes(), str(path)).meta
        assert set(meta) <= set(schema["properties"]), path
        assert set(schema["required"]) <= set(meta), path
        assert meta["status"] in schema["properties"]["status"]["enum"]
        assert meta["severity"] in schema["properties"]["severity"]["enum"]


def test_the_template_points_at_the_schema_from_an_incident_folder() -> None:
    for template in (
        REPO / "templates" / "incident" / "postmortem.md.j2",
        DEFAULTS / "templates" / "incident" / "postmortem.md.j2",
    ):
        line = template.read_text().split("\n")[1]
        assert line.startswith("# yaml-language-server: $schema=")
        target = (REPO / "incidents" / "2026-11-21-x" / line.split("=", 1)[1]).resolve()
        assert target == (REPO / SCHEMA_PATH).resolve()


def test_schema_command_prints_it(archive: Path, run) -> None:  # type: ignore[no-untyped-def]
    result = run("schema")
    assert result.code == 0 and json.loads(result.out)["title"] == "Hindsight incident front matter"
    assert (archive / SCHEMA_PATH).read_text() == result.out  # hindsight init wrote it
