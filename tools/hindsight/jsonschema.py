"""The JSON Schema of the front matter, generated from the declaration the checker uses.

Editors with a YAML language server read it through the first line of the template's front
matter (``# yaml-language-server: $schema=…``) and complete and validate keys as people
type. ``hindsight schema`` prints it for the archive's own severities.
"""

from __future__ import annotations

import json
from typing import Any

from hindsight.config import Settings
from hindsight.model import HANDLE, Status, Visibility

SCHEMA_PATH = "docs/schema/incident.schema.json"
_ID = r"^\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$"


def _kinds(settings: Settings) -> dict[str, dict[str, Any]]:
    handle = {"type": "string", "pattern": HANDLE.pattern}
    return {
        "id": {"type": "string", "pattern": _ID},
        "text": {"type": "string", "minLength": 1},
        "line": {"type": "string", "minLength": 1, "pattern": "^[^\\r\\n\\u2028\\u2029]+$"},
        "texts": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "handle": {"type": ["string", "null"], "pattern": HANDLE.pattern},
        "handles": {"type": "array", "items": handle},
        "status": {"enum": [s.value for s in Status]},
        "severity": {
            "enum": list(settings.severities),
            "markdownEnumDescriptions": list(settings.severities.values()),
        },
        "visibility": {"enum": [v.value for v in Visibility]},
        "bool": {"type": "boolean"},
        "ids": {"type": "array", "items": {"type": "string", "pattern": _ID}},
        "approvals": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["by", "date"],
                "additionalProperties": False,
                "properties": {"by": handle, "date": {"type": "string", "format": "date"}},
            },
        },
    }


def incident_schema(settings: Settings) -> dict[str, Any]:
    """The schema of an incident's front matter under ``settings``."""
    from hindsight.rules.schema import FIELDS

    kinds = _kinds(settings)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://hindsight.invalid/schema/incident.schema.json",
        "title": "Hindsight incident front matter",
        "description": "The YAML front matter of incidents/<id>/postmortem.md (SPEC §2.1).",
        "type": "object",
        "required": [key for key, field in FIELDS.items() if field.required],
        "additionalProperties": False,
        "properties": {
            key: {"description": field.doc, **kinds[field.kind]} for key, field in FIELDS.items()
        },
    }


def schema_text(settings: Settings) -> str:
    """The schema as the file ``docs/schema/incident.schema.json`` holds it."""
    return json.dumps(incident_schema(settings), indent=2, ensure_ascii=False) + "\n"
