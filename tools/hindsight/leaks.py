"""Secrets in text: one scanner for every place text enters or leaves Hindsight.

``check`` (HS801, HS805), the site build, ``comms``, ``log`` and ``import`` all ask
:func:`scan`, so a value is a secret everywhere or nowhere, and all of them redact it the
same way (:func:`redact`). The kinds follow gitleaks' rule set where it is precise: tokens
with a fixed prefix (cloud keys, code hosts, chat, payment and AI providers), private key
blocks, JSON Web Tokens, webhooks; and, like gitleaks' generic rule, a value after a word
such as ``password`` or ``api_key`` when it is not a placeholder, and (but for passwords,
which people choose) when it looks random.

A secret's value never leaves this module in a message: callers get its kind, length and
place, which is enough to find it and not enough to use it.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from hindsight.folding import any_of, folded

#: what a redacted value becomes: ``REDACTED(github-token)``; no Markdown or HTML meaning
REDACTED = "REDACTED({})"
#: the rule code whose ``<!-- hindsight: ignore ... -->`` comment allows a secret on its line
CODE = "HS801"


class Kind(NamedTuple):
    """One kind of secret."""

    id: str  #: short name, as in a redaction: ``github-token``
    what: str  #: with its article, for messages: ``a GitHub token``
    #: its pattern; a group named ``value`` is the secret when only part of the match is
    source: str
    needs: tuple[str, ...]  #: lower-case words one of which every match holds
    check: str = ""  #: "" (the match is the secret), "random", "password" or "url"
    flags: int = 0

    @property
    def pattern(self) -> re.Pattern[str]:
        """The compiled pattern, compiled when first needed: most events ``log`` reads need none."""
        return _compile(self.source, self.flags)


_compile = functools.lru_cache(maxsize=None)(re.compile)


def _kind(
    id: str, what: str, pattern: str, needs: Iterable[str], check: str = "", flags: int = 0
) -> Kind:
    return Kind(id, what, pattern, tuple(needs), check, flags)


_GITLAB = ("glpat-", "glptt-", "gldt-", "glrt-", "glcbt-", "gloas-", "glft-", "glimt-", "glagent-")
_AWS_PREFIXES = ("AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA")
#: words that name a secret in an assignment (``db_password = ...``, ``"api_key": "..."``)
_SECRET_NAMES = (
    r"secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|client[_-]?secret|"
    r"auth[_-]?token|private[_-]?key|credentials?|signing[_-]?key|encryption[_-]?key"
)
#: the name may be part of a longer one (``AWS_SECRET_ACCESS_KEY``, ``db.password``), then an
#: optional closing quote, ``:`` or ``=`` (or ``:=``, ``=>``), and an optional opening quote
_ASSIGN = r"""[\w.-]*["']?\s*(?::=|=>|[:=])\s*["']?"""
_VALUE = r"""(?P<value>[^\s"'`,;)\]}>]{%d,200})"""

#: every kind, most precise first: where two overlap, the first one found names the secret
KINDS: tuple[Kind, ...] = (
    _kind(
        "private-key",
        "a private key",
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----",
        ["-----begin"],
    ),
    _kind(
        "aws-access-key-id",
        "an AWS access key id",
        rf"\b(?:{'|'.join(_AWS_PREFIXES)})[0-9A-Z]{{16}}\b",
        [p.lower() for p in _AWS_PREFIXES],
    ),
    _kind(
        "aws-secret-access-key",
        "an AWS secret access key",
        r"(?i)aws.?secret.?(?:access.?)?key" + _ASSIGN + r"(?P<value>[A-Za-z0-9/+]{40})(?![\w/+])",
        ["aws"],
        "random",
    ),
    _kind(
        "github-token",
        "a GitHub token",
        r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b",
        ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
    ),
    _kind(
        "gitlab-token",
        "a GitLab token",
        rf"\b(?:{'|'.join(_GITLAB)})[A-Za-z0-9_-]{{20,}}",
        _GITLAB,
    ),
    _kind("slack-token", "a Slack token", r"\bxox[abposre]-[A-Za-z0-9-]{10,}", ["xox"]),
    _kind(
        "slack-app-token", "a Slack app token", r"\bxapp-\d-[A-Z0-9]+-\d+-[a-z0-9]{20,}", ["xapp-"]
    ),
    _kind(
        "slack-webhook",
        "a Slack webhook URL",
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{20,}",
        ["hooks.slack"],
    ),
    _kind(
        "discord-webhook",
        "a Discord webhook URL",
        r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/[\w-]{20,}",
        ["discord"],
    ),
    _kind("stripe-key", "a Stripe live key", r"\b[rs]k_live_[0-9A-Za-z]{20,}", ["_live_"]),
    _kind("google-api-key", "a Google API key", r"\bAIza[0-9A-Za-z_-]{35}\b", ["aiza"]),
    _kind(
        "openai-key",
        "an OpenAI API key",
        r"\bsk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}",
        ["t3blbkfj"],
    ),
    _kind(
        "anthropic-key",
        "an Anthropic API key",
        r"\bsk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{80,}",
        ["sk-ant-"],
    ),
    _kind("npm-token", "an npm token", r"\bnpm_[A-Za-z0-9]{36}\b", ["npm_"]),
    _kind("pypi-token", "a PyPI token", r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}", ["pypi-"]),
    _kind(
        "sendgrid-key",
        "a SendGrid key",
        r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b",
        ["sg."],
    ),
    _kind(
        "shopify-token",
        "a Shopify token",
        r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b",
        ["shpat_", "shpca_", "shppa_", "shpss_"],
    ),
    _kind(
        "digitalocean-token",
        "a DigitalOcean token",
        r"\bdo[opr]_v1_[a-f0-9]{64}\b",
        ["_v1_"],
    ),
    _kind(
        "vault-token",
        "a HashiCorp Vault token",
        r"\bhv[sbr]\.[A-Za-z0-9_-]{24,}",
        ["hvs.", "hvb.", "hvr."],
    ),
    _kind(
        "azure-storage-key",
        "an Azure storage account key",
        r"(?i)AccountKey=(?P<value>[A-Za-z0-9+/]{86}==)",
        ["accountkey="],
    ),
    _kind(
        "jwt",
        "a JSON Web Token",
        r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        ["eyj"],
    ),
    _kind(
        "url-password",
        "a password in a URL",
        r"\b[a-z][a-z0-9+.-]*://[^/\s:@]{1,64}:(?P<value>[^/\s@]{1,128})@[\w.-]+",
        ["://"],
        "url",
        re.IGNORECASE,
    ),
    _kind(
        "authorization-header",
        "a credential in an Authorization header",
        r"(?i)\b(?:authorization\s*[:=]\s*[\"']?\s*(?:bearer|basic|token|apikey)|bearer)\s+"
        r"(?P<value>[A-Za-z0-9._~+/-]{16,}=*)",
        ["bearer", "authorization"],
        "random",
    ),
    _kind(
        "password",
        "a password",
        r"(?i)(?<![A-Za-z0-9])(?:[\w.-]*(?:password|passwd|passphrase|pwd)[\w.-]*|"
        r"(?:[\w.-]*[_.-])?pass)" + _ASSIGN[len(r"[\w.-]*") :] + _VALUE % 4,
        ["pass", "pwd"],
        "password",
    ),
    _kind(
        "generic-secret",
        "a value after a secret-like key",
        rf"(?i)(?<![A-Za-z0-9])[\w.-]*(?:{_SECRET_NAMES})" + _ASSIGN + _VALUE % 12,
        ["secret", "token", "key", "credential"],
        "random",
    ),
)
_BY_ID = {kind.id: kind for kind in KINDS}
# The patterns below are compiled when first used (:func:`_compile`), as the kinds' are.
#: the lines of a private key block, up to its END line (or the first blank line)
_KEY_BLOCK = r"-----BEGIN[^\n]*\n(?:(?![ \t>]*-----END)[^\n]*\S[^\n]*\n)*(?:[ \t>]*-----END[^\n]*)?"
_PLACEHOLDER = (
    "(?i)"
    r"^(?:\*+|x+|\.+|-+|<[^>]*>?|\$\{[^}]*\}?|\$\(.*|\$[A-Za-z_]\w*|%[^%]+%|\{\{.*|null|none|nil|"
    r"true|false|undefined|empty|unset|n/?a|tbd|todo)$|redacted|example|changeme|placeholder|"
    r"your[_-]|xxxx|\*\*\*|dummy|<|>|\{|\[|\(|^[@/~%$]|^https?:"
)
#: a name in code, not a value: ``settings.db_password``, ``DB_PASSWORD``, ``getPassword``
_IDENTIFIER = r"^(?:[A-Za-z_]+\.)+[A-Za-z_]+$|^[A-Z][A-Z_]+$|^[a-z]+(?:[A-Z][a-z]+)+$"
#: a word every kind needs, lower-cased: a text without any holds no secret
_HINTS = tuple(sorted({word for kind in KINDS for word in kind.needs}))
#: the same words as one pattern, a trie: one pass over the text, half the time of a find per word
_HINT = any_of(_HINTS)
_AWS_HINT = re.compile(r"A[KSBCGIRN][IASOPNBC][ADAP]|AIza")


class Secret(NamedTuple):
    """A secret found in a text: its kind and place, and where its value lies."""

    kind: Kind
    start: int  #: offset of the value in the text scanned
    end: int
    line: int  #: 1-based, counted from the ``first_line`` given to :func:`scan`
    column: int  #: 1-based

    @property
    def length(self) -> int:
        return self.end - self.start

    def describe(self) -> str:
        """``a GitHub token (40 characters)``: never the value."""
        return f"{self.kind.what} ({self.length} characters)"


def entropy(value: str) -> float:
    """Shannon entropy of ``value`` in bits per character."""
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _classes(value: str) -> int:
    return sum(
        any(test(c) for c in value)
        for test in (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
    )


@functools.lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    from hindsight.language.people import common_words

    return common_words()


def _looks_secret(kind: Kind, value: str) -> bool:
    """Whether the value of a kind that is not sure by its shape alone is a secret."""
    if kind.check == "url":  # any password in a URL, however simple, but for a placeholder
        return not re.fullmatch(
            r"\*+|x+|\.+|<[^>]*>|\$\{[^}]*\}|\$[A-Za-z_]\w*|%[^%]+%|REDACTED\([\w-]+\)",
            value,
            re.IGNORECASE,
        )
    if _compile(_PLACEHOLDER).search(value) or _compile(_IDENTIFIER).match(value):
        return False
    if kind.check == "password":  # people choose them: 'hunter2', 'Summer2024!'
        plain = value.rstrip(".!?:").lower()
        if plain in _common_words() or (plain.isalpha() and len(plain) < 8):
            return False
        return len(value) >= 6 and (_classes(value) >= 2 or len(value) >= 10)
    return _classes(value) >= 2 and entropy(value) >= 3.5


def may_hold(text: str) -> bool:
    """False when no kind can match ``text``: the cheap test most texts stop at."""
    return next(iter(_hints(text)), None) is not None


def _hints(text: str) -> Iterator[int]:
    """Offsets in ``text`` of a word some kind needs, unsorted; each line holding none is safe.

    The words are found in the lower-cased text by one pattern without case folding, which
    costs a fraction of the kinds' own patterns; none spans lines.
    """
    lowered = folded(text)
    if len(lowered) != len(text):  # a letter that lower-cases into two: then look at every line
        yield 0
        yield from (match.end() for match in re.finditer("\n", text))
        return
    for match in _HINT.finditer(lowered):
        yield match.start()
    for match in _AWS_HINT.finditer(text):
        yield match.start()


def _kinds_for(line: str) -> Iterable[Kind]:
    """The kinds that may match ``line``: those whose words it holds."""
    lowered = folded(line)
    if len(lowered) != len(line):  # a letter that lower-cases into two: try them all
        return KINDS
    return [kind for kind in KINDS if any(word in lowered for word in kind.needs)]


def scan_line(line: str) -> Iterator[tuple[Kind, int, int]]:
    """(kind, start, end) of each secret's value in one line, left to right by kind order."""
    taken: list[range] = []
    for kind in _kinds_for(line):
        group = "value" if "value" in kind.pattern.groupindex else 0
        for match in kind.pattern.finditer(line):
            start, end = match.span(group)
            if kind.check and not _looks_secret(kind, line[start:end]):
                continue
            if any(start in r or match.start() in r for r in taken):
                continue
            taken.append(range(match.start(), match.end()))
            yield kind, start, end


def scan(text: str, first_line: int = 1, allowed: Iterable[int] = ()) -> list[Secret]:
    """Every secret in ``text``, in order; ``allowed`` are lines whose secrets are let be.

    A private key's value is its whole block, from the BEGIN line to the END line.
    """
    found: list[Secret] = []
    allowed = set(allowed)
    starts = sorted({text.rfind("\n", 0, offset) + 1 for offset in _hints(text)})
    number, seen = first_line, 0
    covered = -1
    for start in starts:
        if start < covered:
            continue
        number += text.count("\n", seen, start)
        seen = start
        end = text.find("\n", start)
        line = text[start : len(text) if end < 0 else end]
        if number in allowed:
            continue
        for kind, s, e in scan_line(line):
            s, e = start + s, start + e
            if kind.id == "private-key":
                block = _compile(_KEY_BLOCK).match(text, s)
                if block:
                    e = block.end()
                    covered = e
            found.append(Secret(kind, s, e, number, s - start + 1))
    return sorted(found, key=lambda secret: secret.start)


def redaction(kind: Kind) -> str:
    """What a value of ``kind`` becomes when redacted."""
    return REDACTED.format(kind.id)


def redact(text: str, secrets: Iterable[Secret] | None = None) -> str:
    """``text`` with each secret's value replaced by :func:`redaction`; lines stay where they were."""
    secrets = scan(text) if secrets is None else secrets
    parts, at = [], 0
    for secret in sorted(secrets, key=lambda s: s.start):
        if secret.start < at:
            continue
        value = text[secret.start : secret.end]
        parts += [text[at : secret.start], redaction(secret.kind), "\n" * value.count("\n")]
        at = secret.end
    return "".join(parts) + text[at:]


def kind(kind_id: str) -> Kind:
    """The kind named ``kind_id``."""
    return _BY_ID[kind_id]
