"""One obviously fake value of every kind of secret that :mod:`hindsight.leaks` knows.

Each is built from pieces at run time, so that no secret scanner on the way to a code host
takes the test files for a leak; each holds ``Canary`` or ``deadbeef`` so that a human reading
a failure sees at once that it is not real. ``SECRET`` is how each appears in a sentence, the
canary is the part that must never be published.

Each canary has a near miss: a line that looks like its kind and is not one (a placeholder,
a value too short, a test key), which must not be taken for that kind. Together they are
the catalogue's true and false example of every kind.
"""

from __future__ import annotations

import base64
from typing import NamedTuple

_C = "Canary" + "Hindsight"
_HEX = "dead" + "beef"
_AKIA = "AKIA" + "CANARYHINDSIGHT7"
_AWS_SECRET = _C + "Fake/q8W2e4R6t8Y0u2I4o6P8"


class Canary(NamedTuple):
    kind: str  #: the kind's id in hindsight.leaks
    line: str  #: a line of text holding it
    value: str  #: what must never be printed or published
    near: str = ""  #: a line that looks like this kind and is not one
    also: tuple[str, ...] = ()  #: the other kinds the line holds, found too


def _canary(
    kind: str, before: str, value: str, after: str = "", *, near: str, also: tuple[str, ...] = ()
) -> Canary:
    return Canary(kind, before + value + after, value, near, also)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


CANARIES: tuple[Canary, ...] = (
    _canary(
        "private-key",
        "The key was pasted in the ticket:\n",
        "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIE" + _C + "0000\n" + "q8W2e4R6t8Y0u2I4o6P8"
        "\n-----END RSA PRIVATE KEY-----",
        near="-----BEGIN PUBLIC KEY-----",
    ),
    _canary("aws-access-key-id", "The job used ", _AKIA, " to write.", near="Id AKIACANARYHIND."),
    _canary(
        "aws-secret-access-key",
        "aws_secret_access_key = ",
        _AWS_SECRET,
        near="aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}",
    ),
    _canary(
        "github-token",
        "The runner used ",
        "ghp_" + _C + "Fake0123456789abcdefg",
        ".",
        near="The runner used ghp_tokens.",
    ),
    _canary("gitlab-token", "Token ", "glpat-" + _C + "Fake01", " leaked.", near="glpat-short"),
    _canary(
        "slack-token", "Bot token ", "xoxb-" + "0000000000-" + _C, " in the log.", near="xoxb-123"
    ),
    _canary(
        "slack-app-token",
        "App token ",
        "xapp-1-A0CANARY-0000000000-" + "canaryhindsight00000",
        near="xapp-1-<app-token>",
    ),
    _canary(
        "slack-webhook",
        "Alerts went to ",
        "https://hooks.slack.com/" + "services/T00CANARY/B00CANARY/" + _C + "Fake00",
        near="Alerts went to https://hooks.slack.com/services/<webhook>.",
    ),
    _canary(
        "discord-webhook",
        "Posted to ",
        "https://discord.com/api/" + "webhooks/000000000000000000/" + _C + "Fake0000",
        near="Posted to https://discord.com/api/webhooks/<id>/<token>.",
    ),
    _canary(
        "stripe-key",
        "Payments used ",
        "sk_" + "live_" + _C + "Fake00000",
        ".",
        near="Tests use sk_" + "test_" + _C + "Fake00000.",
    ),
    _canary(
        "google-api-key",
        "Maps key ",
        "AIza" + _C + "Fake0000000000000000",
        " leaked.",
        near="Maps key AIza<key>.",
    ),
    _canary(
        "openai-key",
        "The bot's key ",
        "sk-proj-" + _C + "Fake00" + "T3Blbk" + "FJ" + _C + "Fake00",
        near="The bot's key sk-proj-<key>.",
    ),
    _canary(
        "anthropic-key",
        "Key ",
        "sk-ant-" + "api03-" + (_C + "Fake") * 5,
        near="Key sk-ant-api03-<key>",
    ),
    _canary(
        "npm-token", "Publish token ", "npm_" + _C + "Fake" + "0" * 17, near="npm_config_cache"
    ),
    _canary(
        "pypi-token",
        "Upload token ",
        "pypi-" + "AgEIcHlwaS5vcmc" + (_C + "Fake") * 3,
        near="pypi-AgEIcHlwaS5vcmc<rest>",
    ),
    _canary(
        "sendgrid-key",
        "Mail key ",
        "SG." + _C + "Fake000" + "." + (_C + "Fake") * 2 + "00000",
        near="See SG.example for the mail key.",
    ),
    _canary("shopify-token", "Store token ", "shp" + "at_" + _HEX * 4, near="shpat_<token>"),
    _canary(
        "digitalocean-token", "Droplet token ", "dop" + "_v1_" + _HEX * 8, near="dop_v1_<token>"
    ),
    _canary("vault-token", "Vault token ", "hvs." + _C + "Fake000000", near="hvs.<token>"),
    _canary(
        "azure-storage-key",
        "DefaultEndpointsProtocol=https;AccountName=canary;AccountKey=",
        ((_C + "Fake") * 5)[:86] + "==",
        near="DefaultEndpointsProtocol=https;AccountName=canary;AccountKey=<key>",
    ),
    _canary(
        "jwt",
        "The session cookie was ",
        "eyJ" + "hbGciOiJIUzI1NiJ9" + ".eyJ" + "zdWIiOiJjYW5hcnkifQ" + "." + _C,
        near="The header was eyJhbGciOiJIUzI1NiJ9 alone.",
    ),
    _canary(
        "url-password",
        "Cloned from https://deploy:",
        "Canary-Hindsight-7",
        "@git.internal/r",
        near="Cloned from https://deploy:${DEPLOY_TOKEN}@git.internal/r",
    ),
    _canary(
        "authorization-header",
        "curl -H 'Authorization: Bearer ",
        _C + "q8W2e4R6t8Y0",
        "'",
        near="curl -H 'Authorization: Bearer $TOKEN'",
    ),
    _canary(
        "password",
        "The old one was password=",
        "Canary-Hindsight-7",
        " until today.",
        near="The old one was password=${DB_PASS} until today.",
    ),
    _canary(
        "generic-secret", "client_secret: ", _C + "q8W2e4R6", "", near="client_secret: <redacted>"
    ),
    # the kinds gitleaks has that postmortems meet, and passwords given on a command line
    _canary(
        "putty-key",
        "The key file was attached:\n",
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: canary\n"
        "Public-Lines: 1\nAAAAC3NzaC1lZDI1NTE5AAAA" + _C + "\nPrivate-Lines: 1\n"
        "AAAAI" + _C + "Fake0000\nPrivate-MAC: " + _HEX * 8,
        near="PuTTY key files end in .ppk; convert them with puttygen.",
    ),
    _canary(
        "aws-secret-beside-key-id",
        f"Keys: {_AKIA} ",
        _AWS_SECRET,
        near=f"Keys: {_AKIA} deployed at commit {_HEX * 5}",
        also=("aws-access-key-id",),
    ),
    _canary(
        "stripe-webhook-secret",
        "Signing secret ",
        "whsec_" + _C + "Fake0000000000",
        near="The signing secret (whsec_...) is in the vault.",
    ),
    _canary(
        "google-oauth-secret",
        "client_id=x&client_secret=",
        "GOCSPX-" + _C + "Fake" + "0" * 9,
        near="client secrets start with GOCSPX-; ours is in the vault.",
    ),
    _canary(
        "google-oauth-token", "Token ", "ya29." + _C + "Fake" + "0" * 12, near="Token ya29.<token>"
    ),
    _canary(
        "twilio-key",
        "SMS went out with ",
        "SK" + _HEX * 4,
        near="Order SK" + _HEX.upper() * 4 + " was sent.",
    ),
    _canary("mailgun-key", "Mail ", "key-" + _HEX * 4, near="Mail key-rotation-runbook"),
    _canary("mailchimp-key", "List ", _HEX * 4 + "-us6", near="List " + _HEX * 4 + "-usa"),
    _canary(
        "telegram-bot-token",
        "Bot ",
        "123456789:AA" + _C + "Fake" + "0" * 14,
        near="Bot 123456789:AAshort",
    ),
    _canary("square-token", "Pay ", "sq0atp-" + _C + "Fake000", near="Pay sq0atp-short"),
    _canary(
        "new-relic-key", "APM ", "NRAK-" + _C.upper() + "FAKE" + "0" * 8, near="APM NRAK-short"
    ),
    _canary(
        "grafana-token",
        "Dashboards ",
        "glsa_" + _C + "Fake" + "0" * 13 + "_" + _HEX,
        near="Dashboards glsa_short_" + _HEX,
    ),
    _canary(
        "sentry-token", "Errors ", "sntrys_" + "eyJ" + _C * 2 + "Fake0000", near="sntrys_short"
    ),
    _canary(
        "dynatrace-token",
        "APM ",
        "dt0c01." + _C.upper() + "0" * 9 + "." + (_C + "Fake") * 3 + "0" * 7,
        near="APM dt0c01.short.short",
    ),
    _canary("databricks-token", "Jobs ", "dapi" + _HEX * 4, near="Jobs dapi" + _HEX * 3),
    _canary("atlassian-token", "Jira ", "ATATT3" + (_C + "Fake") * 8, near="Jira ATATT3<token>"),
    _canary("linear-key", "Issues ", "lin_api_" + (_C + "Fake") * 2 + "00", near="lin_api_short"),
    _canary(
        "postman-key",
        "Collections ",
        "PMAK-" + _HEX * 3 + "-" + _HEX * 4 + "de",
        near="Collections PMAK-" + _HEX * 3,
    ),
    _canary("doppler-token", "Config ", "dp.pt." + (_C + "Fake") * 2 + "00", near="dp.pt.short"),
    _canary(
        "terraform-token",
        "Plan ",
        "Canary0000000a" + ".atlasv1." + (_C + "Fake") * 3 + "000",
        near="Plan app.atlasv1.short",
    ),
    _canary("pulumi-token", "Stack ", "pul-" + _HEX * 5, near="Stack pul-" + _HEX),
    _canary(
        "planetscale-token", "DB ", "pscale_pw_" + (_C + "Fake") * 2, near="DB pscale_pw_short"
    ),
    _canary("flyio-token", "Deploy ", "fo1_" + (_C + "Fake") * 2 + "Fake0", near="fo1_short"),
    _canary("heroku-key", "Dyno ", "HRKU-" + (_C + "Fake") * 3 + "0" * 5, near="HRKU-short"),
    _canary(
        "huggingface-token", "Model ", "hf_" + _C * 2 + "Fake", near="Model hf_" + _C + " cache"
    ),
    _canary(
        "docker-token", "Registry ", "dckr_pat_" + _C + "Fake" + "0" * 8, near="dckr_pat_short"
    ),
    _canary("rubygems-key", "Gems ", "rubygems_" + _HEX * 6, near="rubygems_" + _HEX),
    _canary("artifactory-key", "Maven ", "AKCp" + (_C + "Fake") * 3 + "0" * 12, near="Maven AKCp5"),
    _canary("onepassword-token", "Vault ", "ops_eyJ" + (_C + "Fake") * 14, near="ops_eyJshort"),
    _canary(
        "age-secret-key",
        "Backups ",
        "AGE-SECRET-KEY-1" + ("CANARY" * 10)[:58],
        near="Backups AGE-SECRET-KEY-1CANARY",
    ),
    _canary(
        "azure-ad-client-secret",
        "App secret ",
        "Can8Q~" + _C + "Fake" + "0" * 12,
        near="App secret abc8Q~short",
    ),
    _canary(
        "azure-sas-signature",
        "https://canary.blob.core.windows.net/c/f?sv=2022-11-02&sp=r&sig=",
        _C + "Fake" + "q8W2e4R6t8Y0u2I4o6P8" + "%3D",
        near="https://canary.blob.core.windows.net/c/f?sv=2022-11-02&sp=r&sig=<signature>",
    ),
    _canary(
        "command-line-password",
        "mysql -uroot -p",
        "Canary-Hindsight-7",
        " orders",
        near="mysql -uroot -p orders",
    ),
    _canary(
        "password-option",
        "deploy --password ",
        "Canary-Hindsight-7",
        near="deploy --password $DEPLOY_PASSWORD",
    ),
    _canary(
        "basic-credentials",
        "curl -H 'Authorization: Basic ",
        _b64("canary:Canary-Hindsight-7"),
        "'",
        near="Basic authentication was on.",
    ),
)

#: how many secrets the canaries' lines hold, all kinds counted
FINDINGS = sum(1 + len(c.also) for c in CANARIES)
