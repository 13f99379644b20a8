"""HS1xx schema: the front matter's keys, types and values (HS101–HS111 come from the loader)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

from hindsight.config import suggest
from hindsight.model import HANDLE, Category, Finding, Incident, Status, Visibility
from hindsight.rules._base import CheckContext, rule

_ID = re.compile(r"^\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
_BREAK = re.compile("[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


class Field(NamedTuple):
    """One front matter key: what it holds, whether it is required, what it means."""

    kind: str
    required: bool
    doc: str


#: The front matter, declared once: the checker, the docs and the JSON Schema read it.
FIELDS: Mapping[str, Field] = {
    "id": Field("id", True, "The folder name: YYYY-MM-DD-slug."),
    "title": Field("line", True, "What happened, in a sentence."),
    "status": Field("status", True, "investigating, draft, in-review or approved."),
    "severity": Field("severity", True, "One of the severities in hindsight.yml."),
    "visibility": Field(
        "visibility", True, "internal (published) or restricted (never published)."
    ),
    "services": Field("texts", False, "Services affected."),
    "tags": Field("texts", False, "Free tags for finding incidents."),
    "commander": Field("handle", False, "The incident commander's handle."),
    "authors": Field("handles", False, "Who wrote the postmortem."),
    "reviewers": Field("handles", False, "Who must sign the postmortem off."),
    "approvals": Field("approvals", False, "Sign-offs, written by `hindsight approve`."),
    "customer_facing": Field("bool", False, "Whether customers noticed."),
    "data_loss": Field("bool", False, "Whether data was lost."),
    "related": Field("ids", False, "Ids of related incidents."),
}


def _text(value: Any, _: CheckContext) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be a non-empty text"


def _line(value: Any, ctx: CheckContext) -> str | None:
    """A text on one line: a title is a heading, a link and a row in every listing."""
    problem = _text(value, ctx)
    found = None if problem else _BREAK.search(value)
    if found is None:
        return problem
    line = 1 + value.count("\n", 0, found.start())
    return (
        f"must be one line of text, but line {line} of the value ends with a line break; "
        "write it on one line (no '|' or '>' block, no \\n)"
    )


def _texts(value: Any, _: CheckContext) -> str | None:
    ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    return None if ok else "must be a list of texts, like [checkout-api, payments-db]"


def _handle(value: Any, _: CheckContext) -> str | None:
    if value is None:
        return None
    ok = isinstance(value, str) and HANDLE.match(value)
    return None if ok else f"must be a handle like dana, not {value!r}"


def _handles(value: Any, ctx: CheckContext) -> str | None:
    if not isinstance(value, list):
        return "must be a list of handles, like [lee, sam]"
    for item in value:
        if not (isinstance(item, str) and HANDLE.match(item)):
            return f"must be a list of handles, like [lee, sam]; {item!r} is not one"
    return None


def _choice(
    choices: Callable[[CheckContext], list[str]],
) -> Callable[[Any, CheckContext], str | None]:
    def check(value: Any, ctx: CheckContext) -> str | None:
        names = choices(ctx)
        if value in names:
            return None
        return f"must be one of {', '.join(names)}, not {value!r}"

    return check


def _bool(value: Any, _: CheckContext) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _ids(value: Any, _: CheckContext) -> str | None:
    ok = isinstance(value, list) and all(isinstance(v, str) and _ID.match(v) for v in value)
    return None if ok else "must be a list of incident ids, like [2026-10-02-checkout-latency]"


def _approvals(value: Any, ctx: CheckContext) -> str | None:
    if not isinstance(value, list):
        return "must be a list of sign-offs, each with 'by' and 'date'"
    for item in value:
        if not isinstance(item, dict) or set(item) != {"by", "date"}:
            return "each sign-off needs exactly 'by: <handle>' and 'date: YYYY-MM-DD'"
        if _handle(item["by"], ctx) or item["by"] is None:
            return f"sign-off 'by' must be a handle, not {item['by']!r}"
        if type(item["date"]) is not dt.date:
            return f"sign-off date must be YYYY-MM-DD, not {item['date']!r}"
    return None


KINDS: Mapping[str, Callable[[Any, CheckContext], str | None]] = {
    "id": lambda v, _: None if isinstance(v, str) and _ID.match(v) else "must be YYYY-MM-DD-slug",
    "text": _text,
    "line": _line,
    "texts": _texts,
    "handle": _handle,
    "handles": _handles,
    "status": _choice(lambda _: [s.value for s in Status]),
    "severity": _choice(lambda ctx: list(ctx.settings.severities)),
    "visibility": _choice(lambda _: [v.value for v in Visibility]),
    "bool": _bool,
    "ids": _ids,
    "approvals": _approvals,
}


@rule("HS112", "required-key", Category.SCHEMA)
def required_key(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a front matter without one of the keys every incident needs.

    ## Why is this bad?
    The id, title, status, severity and visibility decide where an incident is listed, how
    strictly it is checked and whether it is published at all. Without visibility an
    incident is treated as restricted and disappears from the site.

    ## Example
    ```yaml
    severity: null
    ```

    ## Use instead
    ```yaml
    severity: SEV2
    ```
    """
    if not incident.key_lines:
        return  # the loader already said why the front matter could not be read
    for key, spec in FIELDS.items():
        if spec.required and incident.meta.get(key) is None:
            line = incident.key_lines.get(key, 2)
            yield required_key.finding(incident, line, f"front matter needs '{key}': {spec.doc}")


@rule("HS113", "invalid-value", Category.SCHEMA)
def invalid_value(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a front matter value of the wrong type or outside its allowed values.

    ## Why is this bad?
    A status or severity that is not one of the known names takes the incident out of
    every filter, figure and check that depends on it; a list written as a single text
    is read differently by each tool.

    ## Example
    ```yaml
    status: reviewed
    ```

    ## Use instead
    ```yaml
    status: in-review
    ```
    """
    for key, value in incident.meta.items():
        spec = FIELDS.get(key)
        if spec is None or value is None:
            continue
        message = KINDS[spec.kind](value, ctx)
        if message:
            yield invalid_value.finding(incident, incident.key_lines.get(key), f"'{key}' {message}")


@rule("HS114", "unknown-key", Category.SCHEMA)
def unknown_key(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a front matter key Hindsight does not know, usually a misspelling.

    ## Why is this bad?
    A misspelt key is silently ignored: `reviewer: [sam]` means nobody is asked to sign
    the postmortem off, and `visibilty: restricted` publishes a restricted incident.

    ## Example
    ```yaml
    reviewer: [sam]
    ```

    ## Use instead
    ```yaml
    reviewers: [sam]
    ```
    """
    for key in incident.meta:
        if key not in FIELDS:
            hint = suggest(key, list(FIELDS))
            yield unknown_key.finding(
                incident, incident.key_lines.get(key), f"'{key}' is not a known key{hint}"
            )


@rule("HS115", "id-mismatch", Category.SCHEMA)
def id_mismatch(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags an `id` that differs from the incident's folder name.

    ## Why is this bad?
    Links, related incidents and the site use the folder name; an id that says something
    else points readers at the wrong incident.

    ## Example
    ```yaml
    id: 2026-01-01-another-incident
    ```

    ## Use instead
    ```yaml
    id: 2026-11-21-example
    ```
    """
    value = incident.meta.get("id")
    if isinstance(value, str) and value != incident.id:
        yield id_mismatch.finding(
            incident,
            incident.key_lines.get("id"),
            f"id '{value}' differs from the folder name '{incident.id}'; make them equal",
        )


RULES = (required_key, invalid_value, unknown_key, id_mismatch)
