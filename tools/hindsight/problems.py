"""Codes for what the loaders find while reading; the checker documents them as rules.

Codes are stable once released: a retired code is never given to another problem.
"""

from __future__ import annotations

from hindsight.model import Category, Finding, Level

#: code -> (name, category, default level)
LOADER_CODES: dict[str, tuple[str, Category, Level]] = {
    "HS101": ("front-matter-missing", Category.SCHEMA, Level.ERROR),
    "HS102": ("front-matter-unterminated", Category.SCHEMA, Level.ERROR),
    "HS103": ("yaml-syntax", Category.SCHEMA, Level.ERROR),
    "HS104": ("front-matter-not-mapping", Category.SCHEMA, Level.ERROR),
    "HS105": ("yaml-construct-forbidden", Category.SCHEMA, Level.ERROR),
    "HS106": ("duplicate-key", Category.SCHEMA, Level.ERROR),
    "HS107": ("key-not-string", Category.SCHEMA, Level.ERROR),
    "HS108": ("invalid-date", Category.SCHEMA, Level.ERROR),
    "HS109": ("text-encoding", Category.SCHEMA, Level.ERROR),
    "HS110": ("too-large", Category.SCHEMA, Level.ERROR),
    "HS111": ("ambiguous-value", Category.SCHEMA, Level.ERROR),
    "HS201": ("postmortem-missing", Category.STRUCTURE, Level.ERROR),
    "HS601": ("timeline-syntax", Category.TIMELINE, Level.ERROR),
    "HS602": ("timeline-zone-missing", Category.TIMELINE, Level.ERROR),
    "HS603": ("timeline-partial-line", Category.TIMELINE, Level.ERROR),
    "HS604": ("timeline-missing", Category.TIMELINE, Level.WARNING),
}


def problem(
    code: str,
    path: str,
    line: int | None,
    message: str,
    *,
    column: int | None = None,
    incident: str | None = None,
    level: Level | None = None,
) -> Finding:
    """A Finding for loader problem ``code`` at ``path:line:column``."""
    _name, category, default = LOADER_CODES[code]
    return Finding(path, line, column, code, category, level or default, message, incident)
