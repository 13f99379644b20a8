"""Run the rules over loaded incidents: lifecycle, levels from hindsight.yml, ignore comments."""

from __future__ import annotations

from typing import Iterable, NamedTuple

from hindsight.model import Finding, Incident, Level, LoadedIncident, Status
from hindsight.rules import ALL_RULES, Archive, CheckContext, Rule


class Report(NamedTuple):
    """Every finding, sorted by place, with the counts the reporters print."""

    findings: tuple[Finding, ...]
    incidents_checked: int

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


def check_incident(loaded: LoadedIncident, ctx: CheckContext, rules: Iterable[Rule] = ALL_RULES) -> list[Finding]:
    """Loader problems plus the findings of every rule that applies at the incident's status."""
    found = list(loaded.problems)
    incident = loaded.incident
    if incident is not None:
        status = incident.status or Status.INVESTIGATING
        for rule in rules:
            if not (rule.archive or rule.loader) and rule.applies_from.rank <= status.rank:
                found.extend(rule.check(incident, ctx))
    return found


def _ignored(finding: Finding, incident: Incident | None) -> bool:
    if incident is None or finding.line is None or finding.path != incident.postmortem_path:
        return False
    return finding.code in incident.ignores.get(finding.line, ())


def incident_findings(item: LoadedIncident, ctx: CheckContext, rules: tuple[Rule, ...],
                      levels: dict[str, str]) -> list[Finding]:
    """The findings of one incident after hindsight.yml's levels and the ignore comments."""
    kept = []
    for finding in check_incident(item, ctx, rules):
        relevelled = _relevel(finding, levels)
        if relevelled is not None and not _ignored(relevelled, item.incident):
            kept.append(relevelled)
    return kept


def archive_findings(archive: Archive, ctx: CheckContext, rules: tuple[Rule, ...],
                     levels: dict[str, str]) -> list[Finding]:
    """The findings of the archive-wide rules, after hindsight.yml's levels."""
    found = (_relevel(f, levels) for rule in rules if rule.archive for f in rule.check(archive, ctx))
    return [f for f in found if f is not None]


def report(findings: Iterable[Finding], count: int) -> Report:
    """A Report of ``findings`` sorted by place."""
    return Report(tuple(sorted(findings, key=Finding.sort_key)), count)

