"""The one secret scanner: every kind found, redacted the same way, placeholders let be."""

from __future__ import annotations

import pytest

from hindsight import leaks
from tests.canaries import CANARIES


def test_every_kind_has_a_canary() -> None:
    assert {c.kind for c in CANARIES} == {k.id for k in leaks.KINDS}


@pytest.mark.parametrize("canary", CANARIES, ids=[c.kind for c in CANARIES])
def test_each_kind_is_found_with_its_value_and_redacted(canary) -> None:  # type: ignore[no-untyped-def]
    text = f"Intro line.\n\n{canary.line}\n\nLast line.\n"
    found = leaks.scan(text)
    assert sorted(s.kind.id for s in found) == sorted([canary.kind, *canary.also])
    secret = next(s for s in found if s.kind.id == canary.kind)
    assert text[secret.start : secret.end] == canary.value
    assert secret.line == 3 + canary.line[: canary.line.index(canary.value)].count("\n")
    assert canary.value not in secret.describe()
    redacted = leaks.redact(text, found)
    assert canary.value not in redacted
    assert f"REDACTED({canary.kind})" in redacted
    assert redacted.count("\n") == text.count("\n"), "lines stay where they were"
    assert leaks.scan(redacted) == []


@pytest.mark.parametrize("canary", CANARIES, ids=[c.kind for c in CANARIES])
def test_each_kind_lets_its_near_miss_be(canary) -> None:  # type: ignore[no-untyped-def]
    """The catalogue's false example of each kind: a placeholder, a value too short, a test key."""
    assert canary.near and canary.kind not in {s.kind.id for s in leaks.scan(canary.near)}


_PASSWORD = "Canary" + "-Hindsight-7"


@pytest.mark.parametrize(
    "line",
    [
        f"mysql -uroot -p{_PASSWORD} orders",
        f"mysqldump -h db -u app -p'{_PASSWORD}' orders > dump.sql",
        f"mariadb -uroot -p{_PASSWORD}",
        f"redis-cli -h cache -a {_PASSWORD} ping",
        f"redis-cli --pass {_PASSWORD} info",
        f"sshpass -p {_PASSWORD} ssh deploy@host",
        f"curl -u admin:{_PASSWORD} https://api.internal/",
        f'curl -s --user "admin:{_PASSWORD}" https://api.internal/',
        f"wget --http-password={_PASSWORD} https://files.internal/x",
        f"mysql --password={_PASSWORD} orders",
        f"tool --password {_PASSWORD} --verbose",
        f"psql postgres://app:{_PASSWORD}@db.internal/orders",
        "Authorization: Basic " + __import__("base64").b64encode(b"app:pw4orders").decode(),
    ],
)
def test_passwords_on_a_command_line_are_secrets(line: str) -> None:
    found = leaks.scan(f"The runbook said to run {line} by hand.")
    assert len(found) == 1, line
    assert "REDACTED(" in leaks.redact(line)


@pytest.mark.parametrize(
    "placeholder", ["****", "<password>", "$PASSWORD", "${DB_PASS}", "example", "xxxx", "PASSWORD"]
)
@pytest.mark.parametrize(
    "command",
    [
        "mysql -uroot -p{}",
        "redis-cli -a {} ping",
        "curl -u admin:{} https://api.internal/",
        "tool --password {}",
        "mysql --password={}",
        "https://admin:{}@db.internal/",
        "sshpass -p {} ssh host",
    ],
)
def test_placeholders_on_a_command_line_are_not_secrets(command: str, placeholder: str) -> None:
    assert leaks.scan(command.format(placeholder)) == [], command.format(placeholder)


@pytest.mark.parametrize(
    "line",
    [
        "mysql -uroot -p orders",  # prompts for it
        "mysql -u root -p -h db.internal",
        "mysql -P 3306 -h db",
        "curl -u admin https://api.internal/",  # prompts for it
        "redis-cli -h cache ping",
        "Use the --password option to set it.",
        "Basic authentication was turned off.",
        "Authorization: Basic " + __import__("base64").b64encode(b"app:<password>").decode(),
        f"The access key {'AKIA' + 'CANARYHINDSIGHT7'} was used by commit {'deadbeef' * 5}.",
        "pg_dump --password --host db1 app > app.sql",  # the next option is no password
        "mysql --password --user=root orders",
        "openssl enc -d -aes256 -pass env:BACKUP_KEY -in backup.enc",  # openssl's sources
        "openssl enc -d -aes256 -pass file:/etc/backup.key -in backup.enc",
        "openssl enc -d -aes256 -pass fd:3 -in backup.enc",
        "openssl enc -d -aes256 -pass stdin -in backup.enc",
    ],
)
def test_command_lines_without_a_password_are_not_secrets(line: str) -> None:
    kinds = {s.kind.id for s in leaks.scan(line)}
    assert not kinds - {"aws-access-key-id", "authorization-header"}, line


def test_an_openssl_literal_password_is_a_secret() -> None:
    line = f"openssl enc -d -aes256 -pass pass:{_PASSWORD} -in backup.enc"
    assert [s.kind.id for s in leaks.scan(line)] == ["password-option"]


def test_the_aws_documentation_example_keys_are_not_secrets() -> None:
    """The key pair in AWS's documentation (gitleaks allows it too); a real key id beside it is."""
    key_id = "AKIAIOSFODNN7" + "EXAMPLE"
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"
    assert leaks.scan(f"aws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n") == []
    assert leaks.scan(f"export AWS_ACCESS_KEY_ID={key_id} AWS_SECRET_ACCESS_KEY={secret}") == []
    other = "AKIA" + "CANARYHINDSIGHT7"
    assert [s.kind.id for s in leaks.scan(f"aws_access_key_id = {other}")] == ["aws-access-key-id"]


def test_a_private_key_block_is_redacted_to_its_end_line() -> None:
    key = next(c for c in CANARIES if c.kind == "private-key")
    text = f"```\n{key.value}\n```\nAfter.\n"
    redacted = leaks.redact(text)
    assert "q8W2e4R6" not in redacted and "MIIE" not in redacted
    assert redacted == "```\nREDACTED(private-key)\n\n\n\n```\nAfter.\n"


def test_lines_allowed_by_a_comment_are_let_be() -> None:
    token = next(c for c in CANARIES if c.kind == "github-token")
    text = f"a\n{token.line}\n"
    assert leaks.scan(text, 10, allowed={11}) == []
    assert [s.line for s in leaks.scan(text, 10)] == [11]


@pytest.mark.parametrize(
    "line",
    [
        "Set password=${DB_PASSWORD} and token: <redacted>.",
        "See https://user:***@db.example.",
        "The old password=letmein was rotated.",  # a word: not reported however bad it is
        "password: rotated on 2026-11-21",
        "Passwordless login: enabled",
        "password = os.environ['DB_PASSWORD']",
        "password=settings.db_password",
        "token: tokenRefreshInterval",
        "The API key rotation job (api_key: see vault) ran at 14:02.",
        "aws_secret_access_key = " + "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY",  # AWS's docs
        "secret_key: ********",
        "Bearer tokens expired after 3600 seconds.",
        "Authorization: Bearer $TOKEN",
        "The deploy at 14:02 doubled the error rate for 12 minutes.",
        "pwd=/home/deploy/app",
        "key: value",
    ],
)
def test_placeholders_and_prose_are_not_secrets(line: str) -> None:
    assert leaks.scan(line) == []


def test_a_password_people_chose_is_a_secret() -> None:
    found = leaks.scan("The db had password: Summer2024! and DB_PASS=hunter22")
    assert [s.kind.id for s in found] == ["password", "password"]


def test_the_prefilter_lets_through_every_line_a_kind_can_match() -> None:
    """The prefilters, of a text and of each kind, pass every line a kind's pattern matches."""
    # The prefilter reads a lower-cased line; the patterns ignore case the way ``re`` does,
    # which also takes the dotted and dotless i and the long s for ASCII letters.
    assigned = [
        f"{key}{sep}Zq8vW3mK1pR7tY2u"
        for key in (
            "PASSWORD",
            "Pwd",
            "SeCrEt",
            "API-Key",
            "Auth_Token",
            "CREDENTIALS",
            "pa\u017f\u017fword",
            "credent\u0130al",
            "\u0131dentity token",
        )
        for sep in ("=", ": ")
    ]
    for line in [c.line for c in CANARIES] + assigned:
        sentence = f"In the log: {line}."
        # (an AWS secret beside its key id needs the id, which only its check looks for)
        matching = {
            k.id
            for k in leaks.KINDS
            if k.pattern.search(line)
            and (k.check != "aws-pair" or leaks.kind("aws-access-key-id").pattern.search(line))
        }
        assert matching, line
        assert leaks.may_hold(sentence), line
        assert matching <= {k.id for k in leaks._kinds_for(sentence)}, line
    assert not leaks.may_hold("The deploy at 14:02 doubled the error rate for 12 minutes.")


def test_hints_fall_back_to_every_line_when_folding_changes_a_length(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert list(leaks._hints("a\nb\nc")) == []
    monkeypatch.setattr(leaks, "folded", lambda text: text.lower() + "\u0307")
    assert list(leaks._hints("a\nb\nc")) == [0, 2, 4]
