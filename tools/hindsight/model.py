"""The incident model: what a folder under ``incidents/`` means once it is read.

Nothing here touches the disk or imports from the rest of the package.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, NamedTuple

# Records are NamedTuples, not frozen dataclasses: just as immutable and typed, and about
# five times cheaper to define, which `hindsight log` pays at every start (benchmarks/).


#: A person's handle, as on the code host: ``dana``, ``lee-o``, ``sam.f``.
HANDLE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,38})$")


class Status(str, enum.Enum):
    """The lifecycle of a postmortem, in order (SPEC §3)."""

    INVESTIGATING = "investigating"
    DRAFT = "draft"
    IN_REVIEW = "in-review"
    APPROVED = "approved"

    @property
    def rank(self) -> int:
        """Position in the lifecycle: investigating is 0, approved is 3."""
        return _STATUS_RANK[self]

    @classmethod
    def parse(cls, value: object) -> Status | None:
        """The status named by ``value``, or None when it names none."""
        try:
            return cls(value)
        except ValueError:
            return None


_STATUS_RANK = {status: rank for rank, status in enumerate(Status)}


class Visibility(str, enum.Enum):
    """Who may read an incident: the whole company, or only its responders."""

    INTERNAL = "internal"
    RESTRICTED = "restricted"


class Level(str, enum.Enum):
    """How serious a finding is."""

    ERROR = "error"
    WARNING = "warning"


class Category(str, enum.Enum):
    """The nine finding categories of SPEC §4.1; the rule code's first digit is the position."""

    SCHEMA = "schema"
    STRUCTURE = "structure"
    BLAME = "blame"
    ACTION_ITEMS = "action-items"
    IMPACT = "impact"
    TIMELINE = "timeline"
    REVIEW = "review"
    SECURITY = "security"
    REPO = "repo"

    @property
    def digit(self) -> int:
        """The first digit of the codes of this category (schema is 1)."""
        return list(Category).index(self) + 1


class Milestone(str, enum.Enum):
    """Bracketed markers in ``timeline.log``: the six milestones, then three tags."""

    START = "start"
    DETECTED = "detected"
    ACKNOWLEDGED = "acknowledged"
    ESCALATED = "escalated"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"
    COMMS = "comms"
    DECISION = "decision"
    ACTION = "action"

    @property
    def once(self) -> bool:
        """True for the milestones a timeline may hold at most once."""
        return self not in _TAGS


_TAGS = frozenset({Milestone.COMMS, Milestone.DECISION, Milestone.ACTION})

#: how ``hindsight new`` begins the event that declares an incident
DECLARED = "Incident declared: "


class Finding(NamedTuple):
    """One problem in one place: ``path:line:col: CODE message``."""

    path: str
    line: int | None
    column: int | None
    code: str
    category: Category
    level: Level
    message: str
    incident: str | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order findings by place, then by code."""
        return (self.path, self.line or 0, self.column or 0, self.code)


class TimelineEvent(NamedTuple):
    """One line of ``timeline.log``."""

    line: int
    time: datetime
    milestone: Milestone | None
    text: str


class Section(NamedTuple):
    """A level-2 section of the postmortem body."""

    title: str
    line: int
    end_line: int
    text: str
    text_line: int
    key: str | None = None


class ActionItem(NamedTuple):
    """A row of the action-items table; cells are kept as written."""

    line: int
    action: str
    owner: str
    due: str
    ticket: str
    status: str
    kind: str
    #: where each cell's text starts in the line (1-based), by column name ('owner', 'due', …)
    at: Mapping[str, int] = MappingProxyType({})


class Incident(NamedTuple):
    """An incident folder as read from disk, tolerant of what could not be read."""

    id: str
    folder: str
    meta: Mapping[str, Any]
    key_lines: Mapping[str, int]
    body: str
    body_line: int
    sections: tuple[Section, ...] = ()
    action_items: tuple[ActionItem, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    ignores: Mapping[int, frozenset[str]] = MappingProxyType({})
    unreadable_keys: frozenset[str] = frozenset()
    head: str = ""
    timeline_text: str = ""
    #: where each column the action items table has (``ticket``, ``owner`` …) stands in its rows
    action_columns: Mapping[str, int] = MappingProxyType({})

    @property
    def postmortem_path(self) -> str:
        """Repository-relative path of ``postmortem.md``."""
        return f"{self.folder}/postmortem.md"

    @property
    def timeline_path(self) -> str:
        """Repository-relative path of ``timeline.log``."""
        return f"{self.folder}/timeline.log"

    @property
    def title(self) -> str:
        """The title, or the id when the title is missing."""
        value = self.meta.get("title")
        return value if isinstance(value, str) and value.strip() else self.id

    @property
    def status(self) -> Status | None:
        """The lifecycle status, or None when it is missing or unknown."""
        return Status.parse(self.meta.get("status"))

    @property
    def severity(self) -> str | None:
        """The severity as written, when it is a string."""
        value = self.meta.get("severity")
        return value if isinstance(value, str) else None

    @property
    def restricted(self) -> bool:
        """True unless the front matter says plainly ``visibility: internal`` (fail closed)."""
        if "visibility" in self.unreadable_keys:
            return True
        return self.meta.get("visibility") != Visibility.INTERNAL.value

    def listed(self, key: str) -> tuple[str, ...]:
        """Texts listed under ``key`` (``authors``, ``services``), or the one text written there."""
        value = self.meta.get(key)
        if isinstance(value, str):
            return (value,)
        if isinstance(value, list):
            return tuple(v for v in value if isinstance(v, str))
        return ()

    @property
    def services(self) -> tuple[str, ...]:
        """Services affected, as written."""
        return self.listed("services")

    def section(self, key: str) -> Section | None:
        """The first section matched to the required section ``key``."""
        return next((s for s in self.sections if s.key == key), None)

    def milestone(self, milestone: Milestone) -> TimelineEvent | None:
        """The first event carrying ``milestone``."""
        return next((e for e in self.timeline if e.milestone is milestone), None)

    def _since_start(self, milestone: Milestone) -> timedelta | None:
        start, end = self.milestone(Milestone.START), self.milestone(milestone)
        if start is None or end is None:
            return None
        return end.time - start.time

    @property
    def time_to_detect(self) -> timedelta | None:
        """From ``start`` to ``detected``."""
        return self._since_start(Milestone.DETECTED)

    @property
    def time_to_mitigate(self) -> timedelta | None:
        """From ``start`` to ``mitigated``."""
        return self._since_start(Milestone.MITIGATED)

    @property
    def duration(self) -> timedelta | None:
        """From ``start`` to ``resolved``."""
        return self._since_start(Milestone.RESOLVED)


class LoadedIncident(NamedTuple):
    """What loading a folder gave: the incident (None if nothing was readable) and problems."""

    folder: str
    incident: Incident | None
    problems: tuple[Finding, ...]
