"""Passwords given on a command line, pasted in an incident channel, reach neither the timeline
(``log --from-chat`` redacts them as it does every secret) nor a status update (``comms``)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from tests.cli.test_log_chat import ID, incident, pin, ts  # noqa: F401 (incident: a fixture)
from tests.conftest import write

PASSWORD = "Canary" + "-Hindsight-7"
COMMANDS = (
    f"mysql -uroot -p{PASSWORD} orders",
    f"redis-cli -h cache -a {PASSWORD} ping",
    f"curl -u admin:{PASSWORD} https://api.internal/health",
    f"deploy --password {PASSWORD}",
    f"mysql --password={PASSWORD} orders",
    "Authorization: Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode(),
)


def test_chat_import_redacts_command_line_passwords_and_comms_never_prints_them(
    incident: Path,  # noqa: F811
    tmp_path: Path,
    run,  # type: ignore[no-untyped-def]
) -> None:
    day = [
        {
            "type": "message",
            "user": "U2",
            "text": f"ran `{command}`",
            "ts": ts(f"14:{30 + number}"),
            "reactions": pin(),
        }
        for number, command in enumerate(COMMANDS)
    ]
    write(tmp_path / "chat" / "2026-11-21.json", json.dumps(day))
    result = run("log", "--from-chat", str(tmp_path / "chat"))
    assert result.code == 0, result.err
    written = incident.read_text()
    assert PASSWORD not in written and PASSWORD not in result.out + result.err
    assert written.count("REDACTED(") == len(COMMANDS)
    # one typed into the timeline by hand: comms redacts it, and sends nothing
    with incident.open("a") as timeline:
        timeline.write(f"2026-11-21T14:50Z Ran mysql -uroot -p{PASSWORD} by hand\n")
    for audience in ("internal", "external", "summary"):
        shown = run("comms", ID, "-a", audience)
        assert PASSWORD not in shown.out + shown.err, audience
        if audience == "internal":  # it lists the latest events: the one by hand, redacted
            assert "REDACTED(command-line-password) by hand" in shown.out
