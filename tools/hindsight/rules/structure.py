"""HS2xx structure: required sections, present and filled in (HS201 comes from the loader)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path

from hindsight.folding import any_of, folded
from hindsight.load.markdown import strip_comments
from hindsight.model import Category, Finding, Incident, Section, Status
from hindsight.rules._base import CheckContext, body_prose, rule

_PLACEHOLDER = re.compile(
    r"\b(?:TODO|TBD|TBC|FIXME|XXX)\b|(?<!\$)\{[^{}\n]{1,60}\}|\[(?:insert|add|fill in|describe|your)\b[^\]\n]*\](?!\()"
    r"|\blorem ipsum\b",
    re.IGNORECASE,
)
#: the words of _PLACEHOLDER; a paragraph with none of them, no brace and no bracket has no placeholder
_PLACEHOLDER_HINT = any_of(("todo", "tbd", "tbc", "fixme", "xxx", "lorem ipsum"))
_TEMPLATE = Path("templates", "incident", "postmortem.md.j2")
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


_TABLE_RULE_CHARS = frozenset("|-: ")


def filled(section: Section) -> bool:
    """Whether a section says anything: text beyond comments, sub-headings and table headers."""
    rows = [line.strip() for line in strip_comments(section.text).split("\n")]
    words = [r for r in rows if r and not r.startswith("#") and not set(r) <= _TABLE_RULE_CHARS]
    if all(r.startswith("|") for r in words):
        return len(words) > 1  # a table needs a row below its header
    return bool(words)


@rule("HS202", "section-missing", Category.STRUCTURE, applies_from=Status.IN_REVIEW)
def section_missing(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a postmortem in review without one of the required sections.

    ## Why is this bad?
    Readers look for the same things in every postmortem: what happened, who was hurt,
    why, how it was fixed and what changes. A missing section is usually a question the
    review has not asked yet. The required sections and the headings accepted for each
    are in `hindsight.yml` under `sections`.

    ## Example
    ```yaml title="hindsight.yml"
    sections:
      Summary: [Overview]
      Impact: [Customer impact]
    ```
    ```markdown
    ## Summary

    The checkout API returned errors for three hours.
    ```

    ## Use instead
    ```yaml title="hindsight.yml"
    sections:
      Summary: [Overview]
      Impact: [Customer impact]
    ```
    ```markdown
    ## Summary

    The checkout API returned errors for three hours.

    ## Impact

    12,400 checkout requests failed (4% of all requests) over 182 minutes.
    ```
    """
    present = {s.key for s in incident.sections}
    for name, aliases in ctx.settings.sections.items():
        if name not in present:
            also = f" (or {', '.join(aliases)})" if aliases else ""
            yield section_missing.finding(
                incident,
                incident.body_line,
                f"no '## {name}' section{also}; add it, written for a reader who was not there",
            )


@rule("HS203", "section-empty", Category.STRUCTURE, applies_from=Status.IN_REVIEW)
def section_empty(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a required section that holds nothing but template guidance or sub-headings.

    ## Why is this bad?
    An empty section passes a glance at the headings but tells the reader nothing; the
    guidance comments from the template do not render on the site.

    ## Example
    ```markdown
    ## Summary

    <!-- Three to five sentences a busy colleague can read. -->
    ```

    ## Use instead
    ```markdown
    ## Summary

    The checkout API returned errors for three hours after a connection-pool change.
    ```
    """
    for section in incident.sections:
        if section.key is not None and not filled(section):
            yield section_empty.finding(
                incident,
                section.line,
                f"section '{section.title}' is empty; write it, or say plainly "
                "why there is nothing to add",
            )


@rule("HS204", "placeholder-left", Category.STRUCTURE, applies_from=Status.IN_REVIEW)
def placeholder_left(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags placeholders left in the text: `TODO`, `TBD`, `FIXME`, `{service}`, `[insert …]`.

    ## Why is this bad?
    A placeholder in a postmortem under review is a question nobody answered yet, and it
    is published as it is. Text in code spans and code blocks is not checked.

    ## Example
    ```markdown
    ## Summary

    The {service} returned errors for TBD minutes.
    ```

    ## Use instead
    ```markdown
    ## Summary

    The checkout API returned errors for 182 minutes.
    ```
    """
    for paragraph in body_prose(incident):
        text = paragraph.text
        if "{" not in text and "[" not in text and not _PLACEHOLDER_HINT.search(folded(text)):
            continue
        for match in _PLACEHOLDER.finditer(text):
            line, column = paragraph.place(match.start())
            yield placeholder_left.finding(
                incident,
                line,
                f"placeholder '{match.group()}' left in the text; replace it with what "
                "you know, or say what is still unknown",
                column=column,
            )


def template_lines(root: Path) -> frozenset[str]:
    """Lines of running text in the incident template (the archive's own, else the default)."""
    path = root / _TEMPLATE
    if not path.is_file():
        path = Path(__file__).resolve().parent.parent / "defaults" / _TEMPLATE
    try:
        stat = path.stat()
    except OSError:
        return frozenset()
    return _template_lines(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _template_lines(path: Path, _mtime: int, _size: int) -> frozenset[str]:
    """``template_lines`` of the file at ``path``, read again when it changes (mkdocs serve, tests)."""
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return frozenset()
    body = source.split("\n---\n", 1)[-1]
    lines = set()
    for line in _JINJA.sub("", strip_comments(body)).split("\n"):
        text = " ".join(line.split())
        if len(text) >= 25 and not text.startswith(("#", "|")):
            lines.add(text)
    return frozenset(lines)


@rule(
    "HS205",
    "template-text-left",
    Category.STRUCTURE,
    applies_from=Status.IN_REVIEW,
    warns_from=Status.DRAFT,
)
def template_text_left(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags text copied unchanged from the incident template, such as the first-30-minutes checklist.

    ## Why is this bad?
    The template's checklists and examples are for the responders during the incident;
    left in a postmortem under review, they are published as if they were what happened.
    While the incident is `investigating`, the checklist is being worked through, so the
    rule starts with a warning at `draft`, once the incident is over.

    ## Example
    ```markdown
    ## Summary

    - [ ] **What changed recently?** Deploys, configuration and feature flags, infrastructure,
    ```

    ## Use instead
    ```markdown
    ## Summary

    A configuration change to the connection pool reached all checkout hosts at 13:58 UTC.
    ```
    """
    known = template_lines(ctx.settings.root)
    if not known:
        return
    reported: set[int] = set()
    lines = incident.body.split("\n")
    for index, line in enumerate(lines):
        # a known line is 25 characters or more, and a line only shortens when spaces fold
        if len(line) >= 25 and " ".join(line.split()) in known:
            number = incident.body_line + index
            section = next((s for s in incident.sections if s.line <= number <= s.end_line), None)
            first = section.line if section else number
            if first in reported:
                continue
            reported.add(first)
            where = f"in section '{section.title}' " if section else ""
            yield template_text_left.finding(
                incident,
                number,
                f'template text left {where}("{" ".join(line.split())[:40]}…"); '
                "replace it with what happened, or delete it",
            )


RULES = (section_missing, section_empty, placeholder_left, template_text_left)
