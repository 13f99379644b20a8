"""Rules as values: code, name, category, default level, lifecycle start, docs and check together."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any, NamedTuple

from hindsight.config import Settings
from hindsight.model import Category, Finding, Incident, Level, Status

_CODE = re.compile(r"^HS[1-9]\d{2}$")


class CheckContext(NamedTuple):
    """What a rule may consult besides the incident: settings, today, and every id in the archive.

    Only archive rules and rules that read ``facts`` see ``today`` and ``ids``: every other
    rule gets :meth:`sealed`, so that its findings depend on nothing but the incident's files
    and the settings, and can be kept between runs (``hindsight.cache``).
    """

    settings: Settings
    today: date
    ids: frozenset[str] = frozenset()

    def sealed(self) -> CheckContext:
        """This context without ``today`` and ``ids`` (None: a rule that reads them fails its tests)."""
        return self._replace(today=None, ids=None)


class Facts(NamedTuple):
    """What a rule judged against the world (today, the archive's ids) takes from one incident.

    ``data`` holds only JSON values (str, int, float, bool, None, lists, string-keyed
    dicts), so that it is kept in the check cache as it is and judged again on every run.
    """

    postmortem_path: str
    id: str
    data: Any


class Archive(NamedTuple):
    """What archive-wide rules see: every entry under the incidents folder, and those being checked.

    With a check cache, ``cache`` is it (a rule may keep what it found there, by the files'
    digest) and ``digests`` collects the digests of the incidents a rule read whole, so that
    the check does not read them again.
    """

    entries: tuple[tuple[str, str], ...]  # (name, 'dir' | 'file' | 'link'), as paths.listing gives
    checked: tuple[str, ...]
    cache: Any = None  # hindsight.cache.Cache
    digests: dict[str, str | None] | None = None


class Added(NamedTuple):
    """A line that a commit since ``--changed-since``'s base added to a postmortem or timeline."""

    commit: str
    incident: str  # the incident folder's name
    path: str  # relative to the archive's root, as the commit named it
    line: int  # in the file as that commit left it
    text: str
    ignored: frozenset[str]  # codes an ignore comment silences on this line


class History(NamedTuple):
    """What history rules see: added lines that may hold a secret (oldest commit first), and
    those files as they are now in the working tree (None: the file is gone)."""

    added: tuple[Added, ...]
    current: Mapping[str, str | None]


CheckFunction = Callable[[Any, CheckContext], Iterator[Finding]]


class Rule(NamedTuple):
    """One documented rule. Codes are stable once released and never reused."""

    code: str
    name: str
    category: Category
    level: Level
    applies_from: Status
    check: CheckFunction
    doc: str
    archive: bool = False
    loader: bool = False
    facts: Callable[[Incident], Any] | None = None
    history: bool = False
    warns_from: Status | None = None

    @property
    def when(self) -> str:
        """When the rule applies, as the rule listings say it."""
        if self.history:
            return "commits since --changed-since"
        if self.archive:
            return "whole archive"
        if self.early is not None:
            return f"warning from {self.early.value}, {self.level.value} from {self.applies_from.value}"
        return f"from {self.applies_from.value}"

    @property
    def early(self) -> Status | None:
        """The status from which the rule warns ahead of ``applies_from``, if it does.

        A rule that applies from in-review warns from investigating unless it says otherwise
        (SPEC §3: before in-review, what review will demand shows as warnings): it is a
        warning at the line to fix from the first ``check`` after ``hindsight new``, not a
        surprise when the incident moves to in-review.
        Warnings rather than one "before review: N to fix" line, because a warning reads the
        same in every place a writer looks: the terminal lists it with its line, an editor's
        problem matcher underlines the section, and a pull request shows a yellow annotation
        there, while a count alone would say nothing in the editor or the annotations. They
        never fail the check: the exit code stays 0 until in-review.
        """
        if self.warns_from is not None:
            return self.warns_from
        if self.applies_from is Status.IN_REVIEW:
            return Status.INVESTIGATING
        return None

    def runs_at(self, status: Status) -> bool:
        """Whether the rule looks at an incident at ``status`` (at warning level before applies_from)."""
        first = self.early or self.applies_from
        return first.rank <= status.rank

    def warns_only_at(self, status: Status) -> bool:
        """Whether, at ``status``, the rule's findings are warnings whatever its level."""
        return self.early is not None and status.rank < self.applies_from.rank

    @property
    def per_incident(self) -> bool:
        """True for a rule the engine runs on each incident (not archive, loader or history)."""
        return not (self.archive or self.loader or self.history)

    def facts_of(self, incident: Incident) -> Facts:
        """What this judged rule takes from ``incident``."""
        assert self.facts is not None, f"{self.code} is not judged on facts"
        return Facts(incident.postmortem_path, incident.id, self.facts(incident))

    def finding(
        self,
        incident: Incident | Facts,
        line: int | None,
        message: str,
        *,
        path: str | None = None,
        column: int | None = None,
    ) -> Finding:
        """A finding of this rule in ``incident`` (in postmortem.md unless ``path`` says otherwise)."""
        return Finding(
            path or incident.postmortem_path,
            line,
            column,
            self.code,
            self.category,
            self.level,
            message,
            incident.id,
        )

    def at(self, path: str, message: str, incident: str | None = None) -> Finding:
        """A finding of this archive rule about a file or folder, with no line."""
        return Finding(path, None, None, self.code, self.category, self.level, message, incident)


def rule(
    code: str,
    name: str,
    category: Category,
    level: Level = Level.ERROR,
    applies_from: Status = Status.INVESTIGATING,
    archive: bool = False,
    facts: Callable[[Incident], Any] | None = None,
    history: bool = False,
    warns_from: Status | None = None,
) -> Callable[[CheckFunction], Rule]:
    """Turn a documented check function into a Rule (nothing is registered by importing).

    An incident rule is called with ``(Incident, CheckContext)``, the context sealed; an
    ``archive`` rule once per run with ``(Archive, CheckContext)``; a ``history`` rule once
    per ``--changed-since`` run with ``(History, CheckContext)``. A rule whose findings
    depend on today or on the other incidents splits in two: ``facts(incident)`` takes what
    it needs from the incident as JSON values, and the check is called with
    ``(Facts, CheckContext)``, the full context, on every run.
    """
    if not _CODE.match(code) or int(code[2]) != category.digit:
        raise ValueError(f"{code} is not a valid code for category {category.value}")

    def wrap(check: CheckFunction) -> Rule:
        doc = (check.__doc__ or "").strip()
        return Rule(
            code,
            name,
            category,
            level,
            applies_from,
            check,
            _dedent(doc),
            archive,
            facts=facts,
            history=history,
            warns_from=warns_from,
        )

    return wrap


def _dedent(doc: str) -> str:
    first, _, rest = doc.partition("\n")
    import textwrap

    return (first + "\n" + textwrap.dedent(rest)).strip()


Shared = Callable[..., Any]


def per_incident(function: Shared) -> Shared:
    """Compute ``function(incident, *args)`` once per incident and arguments.

    For work several rules share (the body's paragraphs, the blame scan): the engine runs
    every rule on one incident before the next, so only the current incident is kept.
    """
    memo: dict[
        tuple[Any, ...], tuple[tuple[Any, ...], Any]
    ] = {}  # ids -> (the arguments, kept alive; result)
    owner: list[Incident | None] = [None]

    @functools.wraps(function)
    def shared(incident: Incident, *args: Any, **kwargs: Any) -> Any:
        if owner[0] is not incident:
            memo.clear()
            owner[0] = incident
        given = (*args, *sorted(kwargs.items()))
        key = tuple(id(a) for a in args) + tuple((k, id(v)) for k, v in sorted(kwargs.items()))
        if key not in memo:
            memo[key] = (given, function(incident, *args, **kwargs))
        return memo[key][1]

    return shared


@per_incident
def body_prose(incident: Incident, quotes: bool = True) -> list[Any]:
    """``markdown.prose`` of the incident's body, computed once for the rules that read it."""
    from hindsight.load.markdown import prose

    return prose(incident.body, incident.body_line, quotes=quotes)
