"""hindsight.yml is validated with every problem at its line, and misspellings get a suggestion."""

from __future__ import annotations

from pathlib import Path

import pytest

from hindsight.config import find_root, load_settings, parse_settings
from hindsight.errors import ConfigError


def test_empty_file_gives_defaults(tmp_path: Path) -> None:
    """An empty hindsight.yml is valid and means the defaults."""
    settings = parse_settings("", tmp_path)
    assert list(settings.severities) == ["SEV1", "SEV2", "SEV3", "SEV4"]
    assert settings.comms_cadence_minutes == 30 and settings.incidents_dir == "incidents"


def test_values_are_read(tmp_path: Path) -> None:
    """Declared keys land in Settings, converted."""
    settings = parse_settings(
        "severities: [P1, P2]\npeople: {dana: Dana W}\nrules: {HS301: off}\n"
        "comms: {cadence_minutes: 15}\nsite: {publish: [approved]}\n",
        tmp_path,
    )
    assert dict(settings.severities) == {"P1": "", "P2": ""}
    assert settings.rules == {"HS301": "off"} and settings.publish == ("approved",)
    assert settings.comms_cadence_minutes == 15 and settings.people == {"dana": "Dana W"}


def test_every_problem_is_reported_with_line_and_suggestion(tmp_path: Path) -> None:
    """Unknown keys get 'did you mean'; wrong types name their line; all come at once."""
    text = "severites: [SEV1]\ncomms:\n  cadence_minutes: soon\nsite:\n  publsh: [draft]\n"
    with pytest.raises(ConfigError) as info:
        parse_settings(text, tmp_path)
    message = info.value.format_message()
    assert "hindsight.yml:1: 'severites' is not a known key; did you mean 'severities'?" in message
    assert "hindsight.yml:3: 'comms.cadence_minutes' must be a whole number above 0" in message
    assert (
        "hindsight.yml:5: 'site.publsh' is not a known key; did you mean 'site.publish'?" in message
    )
    assert info.value.exit_code == 2


def test_yaml_errors_and_forbidden_constructs_name_the_line(tmp_path: Path) -> None:
    """Syntax errors and anchors in hindsight.yml are config errors at their line."""
    with pytest.raises(ConfigError, match=r"hindsight.yml:2: YAML syntax"):
        parse_settings("people:\n\t dana: x\n", tmp_path)
    with pytest.raises(ConfigError, match=r"hindsight.yml:1: anchor"):
        parse_settings("people: &p {a: b}\n", tmp_path)


def test_incidents_dir_stays_inside_the_repository(tmp_path: Path) -> None:
    """An incidents_dir with '..' or an absolute path is refused."""
    with pytest.raises(ConfigError, match="inside the repository"):
        parse_settings("incidents_dir: ../elsewhere\n", tmp_path)


def test_bad_utf8_names_the_line(tmp_path: Path) -> None:
    """A non-UTF-8 hindsight.yml is an error naming its line."""
    (tmp_path / "hindsight.yml").write_bytes(b"people:\n  dana: Dan\xe9\n")
    with pytest.raises(ConfigError, match=r"hindsight.yml:2: not valid UTF-8"):
        load_settings(tmp_path)


def test_root_is_found_from_a_subfolder(tmp_path: Path) -> None:
    """The archive root is the nearest folder above with hindsight.yml."""
    (tmp_path / "hindsight.yml").write_text("")
    deep = tmp_path / "incidents" / "x"
    deep.mkdir(parents=True)
    assert find_root(deep) == tmp_path.resolve()


def test_chat_settings_are_read_without_colons_or_case(tmp_path: Path) -> None:
    """chat.pins and chat.alert_bots take ':eyes:' or 'Eyes' alike; a wrong type names its line."""
    settings = parse_settings(
        "chat:\n  pins: [':Eyes:', pushpin]\n  alert_bots: [VictorOps]\n", tmp_path
    )
    assert settings.chat_pins == ("eyes", "pushpin") and settings.chat_alert_bots == ("victorops",)
    assert parse_settings("", tmp_path).chat_pins == ("pushpin", "round_pushpin")
    with pytest.raises(ConfigError, match=r"hindsight.yml:2: 'chat.pins' must be a list of texts"):
        parse_settings("chat:\n  pins: pushpin\n", tmp_path)


def test_the_blame_warning_threshold_is_a_number_from_a_half_to_one(tmp_path: Path) -> None:
    """blame.warning_threshold is read as a float; anything else names the line and the range."""
    assert parse_settings("", tmp_path).blame_warning_threshold == 0.95
    assert parse_settings("blame:\n  warning_threshold: 1\n", tmp_path).blame_warning_threshold == 1
    for bad in ("0.2", "high", "true", "1.5"):
        with pytest.raises(ConfigError) as info:
            parse_settings(f"blame:\n  phrases: []\n  warning_threshold: {bad}\n", tmp_path)
        assert (
            "hindsight.yml:3: 'blame.warning_threshold' must be a number from 0.5 to 1"
            in info.value.format_message()
        )
