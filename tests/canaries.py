"""One obviously fake value of every kind of secret that :mod:`hindsight.leaks` knows.

Each is built from pieces at run time, so that no secret scanner on the way to a code host
takes the test files for a leak; each holds ``Canary`` or ``deadbeef`` so that a human reading
a failure sees at once that it is not real. ``SECRET`` is how each appears in a sentence, the
canary is the part that must never be published.
"""

from __future__ import annotations

from typing import NamedTuple

_C = "Canary" + "Hindsight"


class Canary(NamedTuple):
    kind: str  #: the kind's id in hindsight.leaks
    line: str  #: a line of text holding it
    value: str  #: what must never be printed or published


def _canary(kind: str, before: str, value: str, after: str = "") -> Canary:
    return Canary(kind, before + value + after, value)


CANARIES: tuple[Canary, ...] = (
    _canary(
        "private-key",
        "The key was pasted in the ticket:\n",
        "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIE" + _C + "0000\n" + "q8W2e4R6t8Y0u2I4o6P8"
        "\n-----END RSA PRIVATE KEY-----",
    ),
    _canary("aws-access-key-id", "The job used ", "AKIA" + "CANARYHINDSIGHT7", " to write."),
    _canary(
        "aws-secret-access-key",
        "aws_secret_access_key = ",
        _C + "Fake/q8W2e4R6t8Y0u2I4o6P8",
    ),
    _canary("github-token", "The runner used ", "ghp_" + _C + "Fake0123456789abcdefg", "."),
    _canary("gitlab-token", "Token ", "glpat-" + _C + "Fake01", " leaked."),
    _canary("slack-token", "Bot token ", "xoxb-" + "0000000000-" + _C, " in the log."),
    _canary(
        "slack-app-token", "App token ", "xapp-1-A0CANARY-0000000000-" + "canaryhindsight00000"
    ),
    _canary(
        "slack-webhook",
        "Alerts went to ",
        "https://hooks.slack.com/" + "services/T00CANARY/B00CANARY/" + _C + "Fake00",
    ),
    _canary(
        "discord-webhook",
        "Posted to ",
        "https://discord.com/api/" + "webhooks/000000000000000000/" + _C + "Fake0000",
    ),
    _canary("stripe-key", "Payments used ", "sk_" + "live_" + _C + "Fake00000", "."),
    _canary("google-api-key", "Maps key ", "AIza" + _C + "Fake0000000000000000", " leaked."),
    _canary(
        "openai-key",
        "The bot's key ",
        "sk-proj-" + _C + "Fake00" + "T3Blbk" + "FJ" + _C + "Fake00",
    ),
    _canary("anthropic-key", "Key ", "sk-ant-" + "api03-" + (_C + "Fake") * 5),
    _canary("npm-token", "Publish token ", "npm_" + _C + "Fake" + "0" * 17),
    _canary("pypi-token", "Upload token ", "pypi-" + "AgEIcHlwaS5vcmc" + (_C + "Fake") * 3),
    _canary(
        "sendgrid-key", "Mail key ", "SG." + _C + "Fake000" + "." + (_C + "Fake") * 2 + "00000"
    ),
    _canary("shopify-token", "Store token ", "shp" + "at_" + "deadbeef" * 4),
    _canary("digitalocean-token", "Droplet token ", "dop" + "_v1_" + "deadbeef" * 8),
    _canary("vault-token", "Vault token ", "hvs." + _C + "Fake000000"),
    _canary(
        "azure-storage-key",
        "DefaultEndpointsProtocol=https;AccountName=canary;AccountKey=",
        ((_C + "Fake") * 5)[:86] + "==",
    ),
    _canary(
        "jwt",
        "The session cookie was ",
        "eyJ" + "hbGciOiJIUzI1NiJ9" + ".eyJ" + "zdWIiOiJjYW5hcnkifQ" + "." + _C,
    ),
    _canary("url-password", "Cloned from https://deploy:", "Canary-Hindsight-7", "@git.internal/r"),
    _canary("authorization-header", "curl -H 'Authorization: Bearer ", _C + "q8W2e4R6t8Y0", "'"),
    _canary("password", "The old one was password=", "Canary-Hindsight-7", " until today."),
    _canary("generic-secret", "client_secret: ", _C + "q8W2e4R6", ""),
)
