"""``hindsight.yml``: the archive's settings, declared once and validated with file lines.

Every problem is collected, then reported together (``ConfigError``, exit 2), each as
``hindsight.yml:LINE: message``, with "did you mean …" for a misspelt key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from hindsight.errors import ConfigError
from hindsight.load.yamlsafe import YMap, read_yaml
from hindsight.model import Status

CONFIG_NAME = "hindsight.yml"

DEFAULT_SEVERITIES: Mapping[str, str] = MappingProxyType(
    {
        "SEV1": "Critical: most customers cannot use a core product, data is lost or exposed.",
        "SEV2": "Major: a core feature is down or badly degraded for many customers.",
        "SEV3": "Minor: a feature is degraded for some customers, or a workaround exists.",
        "SEV4": "Low: little or no customer impact; worth learning from.",
    }
)

DEFAULT_SECTIONS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "Summary": ("Overview",),
        "Impact": ("Customer impact",),
        "Root cause": ("Root causes", "Contributing factors", "Causes"),
        "Resolution": ("Mitigation", "Recovery"),
        "Action items": ("Follow-ups", "Corrective actions"),
        "Lessons learned": ("What went well", "What went wrong", "Learnings"),
    }
)

LEVELS = ("error", "warning", "off")


class Settings(NamedTuple):
    """The archive's settings; every field has a default, so an empty file is valid."""

    root: Path
    incidents_dir: str = "incidents"
    severities: Mapping[str, str] = DEFAULT_SEVERITIES
    sections: Mapping[str, tuple[str, ...]] = DEFAULT_SECTIONS
    people: Mapping[str, str] = MappingProxyType({})
    blame_phrases: tuple[str, ...] = ()
    blame_allow: tuple[str, ...] = ()
    blame_warning_threshold: float = 0.95
    rules: Mapping[str, str] = MappingProxyType({})
    publish: tuple[str, ...] = ("investigating", "draft", "in-review", "approved")
    tracker_url: str | None = None
    repo_url: str | None = None
    edit_uri: str = "edit/main/"
    comms_cadence_minutes: int = 30
    comms_public_names: Mapping[str, str] = MappingProxyType({})
    review_sev1_days: int = 3
    review_sev2_business_days: int = 5
    security_allow: tuple[str, ...] = ()
    security_deny: tuple[str, ...] = ()
    site_secrets: str = "refuse"
    tracker_kind: str | None = None
    tracker_repo: str | None = None
    tracker_jira_url: str | None = None
    tracker_project: str | None = None
    tracker_issue_type: str = "Task"
    tracker_labels: tuple[str, ...] = ("postmortem-action",)
    tracker_template: str = "tracker/issue.md.j2"
    tracker_accounts: Mapping[str, str] = MappingProxyType({})
    chat_pins: tuple[str, ...] = ("pushpin", "round_pushpin")
    chat_alert_bots: tuple[str, ...] = (
        "pagerduty",
        "opsgenie",
        "alertmanager",
        "grafana",
        "datadog",
        "prometheus",
        "sentry",
        "new relic",
        "incident.io",
        "firehydrant",
        "splunk",
    )

    def severity_rank(self, name: object) -> int:
        """Position of severity ``name`` on the scale, most severe first; unknown ones after all."""
        for rank, known in enumerate(self.severities):
            if known == name:
                return rank
        return len(self.severities)

    @property
    def incidents_path(self) -> Path:
        """Absolute folder of the incidents."""
        return self.root / self.incidents_dir


Check = Callable[[Any], "tuple[Any, str | None]"]


def _str(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, str) and value.strip():
        return value, None
    return None, "must be a non-empty text"


def _relative_dir(value: Any) -> tuple[Any, str | None]:
    text, error = _str(value)
    if error:
        return None, error
    if Path(text).is_absolute() or ".." in Path(text).parts:
        return None, "must be a folder inside the repository (no '..', not absolute)"
    return text.strip("/"), None


def _optional_url(value: Any) -> tuple[Any, str | None]:
    if value is None:
        return None, None
    if isinstance(value, str) and value.startswith(("https://", "http://")):
        return value, None
    return None, "must be an http(s) URL"


def _positive_int(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value, None
    return None, "must be a whole number above 0"


def _threshold(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0.5 <= value <= 1:
        return float(value), None
    return None, (
        "must be a number from 0.5 to 1: how likely a sentence must read as blame to be a "
        "warning (1 turns these warnings off)"
    )


def _choice(*choices: str) -> Check:
    def check(value: Any) -> tuple[Any, str | None]:
        if value in choices:
            return value, None
        return None, f"must be one of: {', '.join(choices)}"

    return check


def _str_list(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(value), None
    return None, "must be a list of texts, like [a, b]"


def _names(value: Any) -> tuple[Any, str | None]:
    """Reaction or bot names: compared without colons and case, as chats vary in both."""
    items, error = _str_list(value)
    if error:
        return None, error
    return tuple(v.strip().strip(":").lower() for v in items), None


def _str_map(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return dict(value), None
    return None, "must map each name to a text, one 'name: text' per line"


def _severities(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return {v: "" for v in value}, None
    mapping, error = _str_map(value)
    if error or not mapping:
        return None, "must map each severity to its description, like 'SEV1: Critical …'"
    return mapping, None


def _sections(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, dict) or not value:
        return None, "must map each required section to its aliases, like 'Summary: [Overview]'"
    result = {}
    for name, aliases in value.items():
        aliases = [] if aliases is None else aliases
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            return None, f"the aliases of '{name}' must be a list of texts"
        result[name] = tuple(aliases)
    return result, None


def _rule_levels(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, dict):
        return None, "must map rule codes or names to error, warning or off"
    for key, level in value.items():
        if level is False:  # YAML reads a bare `off` as false
            value[key] = level = "off"
        if level not in LEVELS:
            return None, f"'{key}' must be error, warning or off, not {level!r}"
    return dict(value), None


def _repo(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", value.strip()):
        return value.strip(), None
    return None, "must be the repository as OWNER/NAME, like example/incident-archive"


def _project_key(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, str) and re.fullmatch(r"[A-Z][A-Z0-9_]+", value.strip()):
        return value.strip(), None
    return None, "must be a Jira project key in capitals, like OPS"


def _labels(value: Any) -> tuple[Any, str | None]:
    items, error = _str_list(value)
    if error or not items:
        return None, "must be a list of one or more labels, like [postmortem-action]"
    if any("," in v or (v != v.strip()) for v in items):
        return None, "labels cannot contain commas or start or end with a space"
    return items, None


def _statuses(value: Any) -> tuple[Any, str | None]:
    items, error = _str_list(value)
    if error:
        return None, error
    unknown = [s for s in items if Status.parse(s) is None]
    if unknown:
        return None, f"unknown status {unknown[0]!r}; use {', '.join(s.value for s in Status)}"
    return items, None


#: key path -> (Settings field, check). A mapping value is a group of further keys.
SCHEMA: Mapping[str, Any] = {
    "incidents_dir": ("incidents_dir", _relative_dir),
    "severities": ("severities", _severities),
    "sections": ("sections", _sections),
    "people": ("people", _str_map),
    "blame": {
        "phrases": ("blame_phrases", _str_list),
        "allow": ("blame_allow", _str_list),
        "warning_threshold": ("blame_warning_threshold", _threshold),
    },
    "rules": ("rules", _rule_levels),
    "site": {
        "publish": ("publish", _statuses),
        "tracker_url": ("tracker_url", _optional_url),
        "repo_url": ("repo_url", _optional_url),
        "edit_uri": ("edit_uri", _str),
        "secrets": ("site_secrets", _choice("refuse", "redact")),
    },
    "comms": {
        "cadence_minutes": ("comms_cadence_minutes", _positive_int),
        "public_names": ("comms_public_names", _str_map),
    },
    "security": {"allow": ("security_allow", _str_list), "deny": ("security_deny", _str_list)},
    "tracker": {
        "kind": ("tracker_kind", _choice("github", "jira")),
        "repo": ("tracker_repo", _repo),
        "url": ("tracker_jira_url", _optional_url),
        "project": ("tracker_project", _project_key),
        "issue_type": ("tracker_issue_type", _str),
        "labels": ("tracker_labels", _labels),
        "template": ("tracker_template", _str),
        "accounts": ("tracker_accounts", _str_map),
    },
    "chat": {"pins": ("chat_pins", _names), "alert_bots": ("chat_alert_bots", _names)},
    "review": {
        "sev1_days": ("review_sev1_days", _positive_int),
        "sev2_business_days": ("review_sev2_business_days", _positive_int),
    },
}


def suggest(word: str, choices: list[str]) -> str:
    """``; did you mean 'x'?`` for the closest choice, or an empty string."""
    import difflib

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _validate(
    node: YMap,
    schema: Mapping[str, Any],
    prefix: str,
    values: dict[str, Any],
    errors: list[tuple[int, str]],
) -> None:
    for key, value in node.items():
        line = node.key_pos[key].line
        if key not in schema:
            hint = suggest(key, list(schema)).replace("'", f"'{prefix}", 1)
            errors.append((line, f"'{prefix}{key}' is not a known key{hint}"))
            continue
        spec = schema[key]
        if isinstance(spec, dict):
            if isinstance(value, YMap):
                _validate(value, spec, f"{prefix}{key}.", values, errors)
            elif value is not None:
                errors.append((line, f"'{prefix}{key}' must be a group of keys: {', '.join(spec)}"))
            continue
        name, check = spec
        converted, error = check(value)
        if error:
            errors.append(
                (node.value_pos.get(key, node.key_pos[key]).line, f"'{prefix}{key}' {error}")
            )
        else:
            values[name] = converted


def parse_settings(text: str, root: Path, label: str = CONFIG_NAME) -> Settings:
    """Settings from the text of ``hindsight.yml``; raises ConfigError listing every problem."""
    parsed = read_yaml(text, label)
    errors = [(p.line or 1, p.message) for p in parsed.problems]
    values: dict[str, Any] = {}
    if isinstance(parsed.value, YMap):
        _validate(parsed.value, SCHEMA, "", values, errors)
    elif parsed.value is not None and not errors:
        errors.append((1, "must be a mapping of settings, like 'incidents_dir: incidents'"))
    if errors:
        lines = "\n".join(f"  {label}:{line}: {msg}" for line, msg in sorted(errors))
        raise ConfigError(f"{label} has {len(errors)} problem(s):\n{lines}")
    return Settings(root=root, **values)


def load_settings(root: Path) -> Settings:
    """Settings of the archive at ``root``; defaults when it has no ``hindsight.yml``."""
    path = root / CONFIG_NAME
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Settings(root=root)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            f"{CONFIG_NAME}:{line}: not valid UTF-8; save the file as UTF-8"
        ) from None
    return parse_settings(text.replace("\r\n", "\n"), root)


def find_root(start: Path) -> Path | None:
    """The nearest folder from ``start`` up holding ``hindsight.yml`` (else an ``incidents/``)."""
    start = start.resolve()
    candidates = [start, *start.parents]
    for folder in candidates:
        if (folder / CONFIG_NAME).is_file():
            return folder
    for folder in candidates:
        if (folder / "incidents").is_dir():
            return folder
    return None
