"""Run the rules over loaded incidents: lifecycle, levels from hindsight.yml, ignore comments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from hindsight.errors import HindsightError
from hindsight.model import Finding, Incident, Level, LoadedIncident, Status
from hindsight.rules import Archive, CheckContext, Rule, by_code
from hindsight.rules._base import Facts, History


class Report(NamedTuple):
    """Every finding, sorted by place, with the counts the reporters print."""

    findings: tuple[Finding, ...]
    incidents_checked: int
    checked_as: Status | None = None

    @property
    def errors(self) -> int:
        """Findings at error level."""
        return sum(f.level is Level.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        """Findings at warning level."""
        return sum(f.level is Level.WARNING for f in self.findings)

    @property
    def exit_code(self) -> int:
        """1 when anything is at error level, else 0."""
        return 1 if self.errors else 0


def levels_for(ctx: CheckContext, rules: Iterable[Rule]) -> dict[str, str]:
    """Rule code -> level or 'off', from hindsight.yml's `rules:` (by code or by name)."""
    names = {r.name: r.code for r in rules}
    return {names.get(key, key).upper(): level for key, level in ctx.settings.rules.items()}


def _relevel(finding: Finding, levels: dict[str, str]) -> Finding | None:
    level = levels.get(finding.code)
    if level is None:
        return finding
    if level == "off":
        return None
    return finding._replace(level=Level(level))


class Outcome(NamedTuple):
    """One incident checked as far as its own files and the settings decide: what the cache keeps.

    ``findings`` are final (levels and ignore comments applied). The rules that judge against
    today or the archive's ids left their ``facts`` instead, with the ``(line, code)`` pairs
    their findings are silenced on; :func:`judge` finishes them on every run.
    """

    findings: tuple[Finding, ...]
    facts: tuple[tuple[str, Facts], ...] = ()
    ignored: tuple[tuple[int, str], ...] = ()


def checked_status(incident: Incident, checked_as: Status | None) -> Status:
    """The status ``incident`` is checked at: its own, or ``checked_as`` when that is later.

    Raises HindsightError when ``checked_as`` is earlier than the incident's own status:
    checking a reviewed postmortem as a draft would only hide findings.
    """
    own = incident.status or Status.INVESTIGATING
    if checked_as is None or checked_as is own:
        return own
    if checked_as.rank < own.rank:
        later = [s.value for s in Status if s.rank >= own.rank]
        raise HindsightError(
            f"--as {checked_as.value}: {incident.id} is already {own.value}; "
            f"--as takes its status or a later one: {', '.join(later)}"
        )
    return checked_as


def outcome(
    item: LoadedIncident,
    ctx: CheckContext,
    rules: Iterable[Rule],
    levels: dict[str, str],
    checked_as: Status | None = None,
) -> Outcome:
    """Loader problems plus every rule that applies at the incident's status and is not off.

    Rules other than the judged ones see the context sealed: no today, no ids. With
    ``checked_as``, the incident is checked as if it were at that later status.
    """
    found = list(item.problems)
    facts: list[tuple[str, Facts]] = []
    incident = item.incident
    ignored: tuple[tuple[int, str], ...] = ()
    if incident is not None:
        status = checked_status(incident, checked_as)
        sealed = ctx.sealed()
        for rule in rules:
            if not rule.per_incident or not rule.runs_at(status) or levels.get(rule.code) == "off":
                continue
            if rule.facts is None:
                if rule.warns_only_at(status):
                    found.extend(
                        f._replace(level=Level.WARNING) for f in rule.check(incident, sealed)
                    )
                else:
                    found.extend(rule.check(incident, sealed))
            else:
                facts.append((rule.code, rule.facts_of(incident)))
        judged = {code for code, _ in facts}
        ignored = tuple(
            sorted(
                (line, code)
                for line, codes in incident.ignores.items()
                for code in codes
                if code in judged
            )
        )
    kept = (_relevel(f, levels) for f in found)
    return Outcome(
        tuple(f for f in kept if f is not None and not _ignored(f, incident)), tuple(facts), ignored
    )


def judge(done: Outcome, ctx: CheckContext, levels: dict[str, str]) -> list[Finding]:
    """The incident's findings: ``done.findings`` and those of its judged rules as of ``ctx``."""
    found = list(done.findings)
    if done.facts:
        rules = by_code()
        silenced = set(done.ignored)
        for code, facts in done.facts:
            for finding in rules[code].check(facts, ctx):
                relevelled = _relevel(finding, levels)
                if relevelled is not None and (relevelled.line, relevelled.code) not in silenced:
                    found.append(relevelled)
    return found


def _ignored(finding: Finding, incident: Incident | None) -> bool:
    if incident is None or finding.line is None or finding.path != incident.postmortem_path:
        return False
    return finding.code in incident.ignores.get(finding.line, ())


def incident_findings(
    item: LoadedIncident,
    ctx: CheckContext,
    rules: tuple[Rule, ...],
    levels: dict[str, str],
    checked_as: Status | None = None,
) -> list[Finding]:
    """The findings of one incident after hindsight.yml's levels and the ignore comments."""
    return judge(outcome(item, ctx, rules, levels, checked_as), ctx, levels)


def archive_findings(
    archive: Archive, ctx: CheckContext, rules: tuple[Rule, ...], levels: dict[str, str]
) -> list[Finding]:
    """The findings of the archive-wide rules, after hindsight.yml's levels."""
    found = (
        _relevel(f, levels) for rule in rules if rule.archive for f in rule.check(archive, ctx)
    )
    return [f for f in found if f is not None]


def history_findings(
    history: History, ctx: CheckContext, rules: tuple[Rule, ...], levels: dict[str, str]
) -> list[Finding]:
    """The findings of the history rules in what the commits added, after hindsight.yml's levels."""
    found = (
        _relevel(f, levels)
        for rule in rules
        if rule.history and levels.get(rule.code) != "off"
        for f in rule.check(history, ctx)
    )
    return [f for f in found if f is not None]


def report(findings: Iterable[Finding], count: int, checked_as: Status | None = None) -> Report:
    """A Report of ``findings`` sorted by place."""
    return Report(tuple(sorted(findings, key=Finding.sort_key)), count, checked_as)
