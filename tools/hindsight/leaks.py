"""Secrets in text: one scanner for every place text enters or leaves Hindsight.

``check`` (HS801, HS805), the site build, ``comms``, ``log`` and ``import`` all ask
:func:`scan`, so a value is a secret everywhere or nowhere, and all of them redact it the
same way (:func:`redact`). The kinds are a catalogue, :data:`KINDS`, one entry each, after
the rules of gitleaks' default set that turn up in postmortems: tokens with a fixed prefix
(cloud keys, code hosts, chat, payment, monitoring, infrastructure and AI providers), private
key blocks (PuTTY's too), JSON Web Tokens, webhooks; passwords given on a command line
(``mysql -pPASS``, ``redis-cli -a PASS``, ``curl -u user:PASS``, ``--password PASS``), in a
URL or as a base64 ``user:pass`` of a Basic credential; an unlabelled AWS secret key beside
its key id; and, like gitleaks' generic rule, a value after a word such as ``password`` or
``api_key`` when it is not a placeholder, and (but for passwords, which people choose) when
it looks random.

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
    #: "" (the match is the secret), "random", "password", "command", "url", "basic" or "aws-pair"
    check: str = ""
    flags: int = 0
    #: case-sensitive patterns one of which every match holds, each starting with a literal
    #: (found at the speed of a plain search): for kinds known by a prefix, or by no word
    shape: tuple[str, ...] = ()

    @property
    def pattern(self) -> re.Pattern[str]:
        """The compiled pattern, compiled when first needed: most events ``log`` reads need none."""
        return _compile(self.source, self.flags)


_compile = functools.lru_cache(maxsize=None)(re.compile)


def _kind(
    id: str,
    what: str,
    pattern: str,
    needs: Iterable[str],
    check: str = "",
    flags: int = 0,
    shape: Iterable[str] = (),
) -> Kind:
    return Kind(id, what, pattern, tuple(needs), check, flags, tuple(shape))


def _prefixed(id: str, what: str, pattern: str, *prefixes: str, needs: str = "") -> Kind:
    """A token known by its prefix: the match is the secret, found where a prefix is.

    The prefilter looks for the prefixes lower-cased, or for ``needs``, a part of them that
    starts with a letter the other kinds' words start with: a word starting with a new
    letter would slow the prefilter of every line down.
    """
    words = [needs] if needs else [p.lower() for p in prefixes]
    return _kind(id, what, pattern, words)


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
        "putty-key",
        "a PuTTY private key",
        r"PuTTY-User-Key-File-\d+:|\bPrivate-Lines:[ \t]*\d+",
        ["putty-user-key-file-", "private-lines:"],
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
    _kind(  # the two side by side, as AWS's console and credentials files give them
        "aws-secret-beside-key-id",
        "an AWS secret access key beside its key id",
        r"(?<![A-Za-z0-9/+=])(?P<value>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
        [p.lower() for p in _AWS_PREFIXES],
        "aws-pair",
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
    _prefixed(
        "stripe-webhook-secret",
        "a Stripe webhook secret",
        r"\bwhsec_[A-Za-z0-9+/=]{24,}",
        "whsec_",
        needs="hsec_",
    ),
    _prefixed(
        "google-oauth-secret",
        "a Google OAuth client secret",
        r"\bGOCSPX-[A-Za-z0-9_-]{28}(?![\w-])",
        "GOCSPX-",
    ),
    _prefixed(
        "google-oauth-token",
        "a Google OAuth access token",
        r"\bya29\.[A-Za-z0-9_-]{30,}",
        "ya29.",
        needs="a29.",
    ),
    _kind(
        "twilio-key",
        "a Twilio API key or account SID",
        r"\b(?:SK|AC)[0-9a-f]{32}\b",
        [],
        shape=[r"SK[0-9a-f]{32}", r"AC[0-9a-f]{32}"],
    ),
    _prefixed("mailgun-key", "a Mailgun API key", r"\bkey-[a-f0-9]{32}\b", "key-"),
    _kind(
        "mailchimp-key",
        "a Mailchimp API key",
        r"\b[a-f0-9]{32}-us\d{1,2}\b",
        ["-us"],
    ),
    _prefixed(
        "telegram-bot-token", "a Telegram bot token", r"\b\d{8,10}:AA[\w-]{33}(?![\w-])", ":AA"
    ),
    _prefixed(
        "square-token",
        "a Square token",
        r"\bsq0(?:atp|csp)-[A-Za-z0-9_-]{22,60}",
        "sq0atp-",
        "sq0csp-",
    ),
    _prefixed(
        "new-relic-key",
        "a New Relic key",
        r"\bNR(?:AK|II)-[A-Za-z0-9_-]{27,32}(?![\w-])",
        "NRAK-",
        "NRII-",
    ),
    _prefixed(
        "grafana-token",
        "a Grafana token",
        r"\b(?:glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}\b|glc_[A-Za-z0-9+/]{32,400}={0,2})",
        "glsa_",
        "glc_",
    ),
    _prefixed(
        "sentry-token", "a Sentry token", r"\bsntry[su]_[A-Za-z0-9+/=_-]{40,}", "sntrys_", "sntryu_"
    ),
    _prefixed(
        "dynatrace-token",
        "a Dynatrace token",
        r"\bdt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}\b",
        "dt0c01.",
    ),
    _prefixed("databricks-token", "a Databricks token", r"\bdapi[a-f0-9]{32}(?:-\d)?\b", "dapi"),
    _prefixed(
        "atlassian-token", "an Atlassian API token", r"\bATATT3[A-Za-z0-9_=-]{150,}", "ATATT3"
    ),
    _prefixed(
        "linear-key", "a Linear API key", r"\blin_api_[A-Za-z0-9]{40}\b", "lin_api_", needs="_api_"
    ),
    _prefixed("postman-key", "a Postman API key", r"\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b", "PMAK-"),
    _prefixed(
        "doppler-token",
        "a Doppler token",
        r"\bdp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}\b",
        *(f"dp.{t}." for t in ("pt", "st", "sa", "ct", "scim", "audit")),
    ),
    _prefixed(
        "terraform-token",
        "a Terraform Cloud token",
        r"\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}",
        ".atlasv1.",
        needs="atlasv1.",
    ),
    _prefixed("pulumi-token", "a Pulumi token", r"\bpul-[a-f0-9]{40}\b", "pul-"),
    _prefixed(
        "planetscale-token",
        "a PlanetScale token or password",
        r"\bpscale_(?:tkn|pw|oauth)_[A-Za-z0-9_=.-]{32,64}",
        "pscale_",
    ),
    _kind("flyio-token", "a Fly.io token", r"\bfo1_[A-Za-z0-9_-]{43}", [], shape=["fo1_"]),
    _prefixed("heroku-key", "a Heroku API key", r"\bHRKU-[A-Za-z0-9_-]{58,}", "HRKU-"),
    _prefixed("huggingface-token", "a Hugging Face token", r"\bhf_[A-Za-z]{34}\b", "hf_"),
    _prefixed(
        "docker-token", "a Docker Hub token", r"\bdckr_pat_[A-Za-z0-9_-]{27}(?![\w-])", "dckr_pat_"
    ),
    _prefixed(
        "rubygems-key",
        "a RubyGems API key",
        r"\brubygems_[a-f0-9]{48}\b",
        "rubygems_",
        needs="gems_",
    ),
    _prefixed("artifactory-key", "an Artifactory API key", r"\bAKCp[A-Za-z0-9]{69}\b", "AKCp"),
    _prefixed(
        "onepassword-token",
        "a 1Password service account token",
        r"\bops_eyJ[A-Za-z0-9+/]{250,}={0,3}",
        "ops_eyJ",
        needs="s_eyj",
    ),
    _prefixed(
        "age-secret-key",
        "an age secret key",
        r"\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b",
        "AGE-SECRET-KEY-1",
    ),
    _kind(
        "azure-ad-client-secret",
        "an Azure AD client secret",
        r"(?<![\w~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![\w~.-])",
        [],
        shape=["Q~"],
    ),
    _kind(
        "azure-sas-signature",
        "an Azure shared access signature",
        r"(?i)[?&;]sig=(?P<value>(?:[A-Za-z0-9+/]|%[0-9A-F]{2}){30,}=*)",
        ["sig="],
        "random",
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
    _kind(  # the client is named: -p, -a and -u mean a password only to these
        "command-line-password",
        "a password on a command line",
        r"(?:\b(?:mysql(?:dump|admin|import|sh)?|mariadb(?:-dump|-admin)?)\b[^\n]*?\s-p(?=\S)"
        r"|\bredis-cli\b[^\n]*?\s(?:-a|--pass)\s+|\bsshpass\b[^\n]*?\s-p\s*"
        r"|\bcurl\b[^\n]*?\s(?:-u\s*|--user[\s=]+)[\"']?[^\s:\"'`]+:"
        r"|\bwget\b[^\n]*?\s--(?:http-|ftp-|proxy-)?password[\s=]+)"
        r"[\"']?(?P<value>[^\s\"'`,;)\]}>]{1,128})",
        ["sql", "adb", "edis-cli", "curl", "pass"],  # of the clients' names (few first letters)
        "command",
    ),
    _kind(
        "password-option",
        "a password after a command-line option",
        # the value is no next option (--password --host db1 prompts), nor openssl's sources
        # env:, file:, fd: and stdin (only its pass: carries the password itself)
        r"(?i)(?<![\w-])--?(?:[a-z]+-)*(?:password|passwd|pass|pwd)\s+[\"']?"
        r"(?!-|(?:env|file|fd):|stdin\b)(?P<value>[^\s\"'`,;)\]}>]{4,128})",
        ["pass", "pwd"],
        "password",
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
        "basic-credentials",
        "a base64 user:password (a Basic credential)",
        r"(?i)\bbasic\s+(?P<value>[A-Za-z0-9+/]{4,}={0,2})(?![\w+/=])",
        ["basic"],
        "basic",
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
#: the lines of a PuTTY key file from its match, up to its Private-MAC line (or a blank line)
_PUTTY_BLOCK = r"[^\n]*\n(?:(?![ \t>]*Private-MAC:)[^\n]*\S[^\n]*\n)*(?:[ \t>]*Private-MAC:[^\n]*)?"
#: the kinds whose value runs over the lines after their match
_BLOCKS = {"private-key": _KEY_BLOCK, "putty-key": _PUTTY_BLOCK}
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
#: what the kinds need that lower-cased words cannot say, each shape apart (see :class:`Kind`)
_SHAPES = tuple(dict.fromkeys(shape for kind in KINDS for shape in kind.shape))
#: a password given where a placeholder stands in a command: ``-pPASSWORD``, ``-a password``
_PLACEHOLDER_WORD = re.compile(
    r"(?i)(?:my|your|the|db|new|old)?_?(?:password|passwd|pass|pwd|pw|secret|token|pass:\w+)\W*"
)


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


#: AWS's documentation keys (AKIAIOSFODNN7EXAMPLE and a secret ending EXAMPLEKEY): gitleaks
#: allows them, and so does this scanner
_AWS_EXAMPLE = re.compile(r"EXAMPLE(?:KEY)?$")


def _looks_secret(kind: Kind, value: str, line: str = "") -> bool:
    """Whether the value of a kind that is not sure by its shape alone is a secret."""
    if kind.check == "basic":
        return _basic_credentials(value)
    if kind.check == "aws-pair":  # 40 characters of base64 are many things; beside a key id, not
        return (
            _compile(_BY_ID["aws-access-key-id"].source).search(line) is not None
            and _classes(value) >= 3
            and entropy(value) >= 4
            and not _compile(_PLACEHOLDER).search(value)
        )
    if kind.check == "command":  # what follows -p, -a or user: is the password, whatever it is
        return not (
            _compile(_PLACEHOLDER).search(value)
            or _compile(_IDENTIFIER).match(value)
            or _PLACEHOLDER_WORD.fullmatch(value)
        )
    if kind.check == "url":  # any password in a URL, however simple, but for a placeholder
        return not (
            re.fullmatch(
                r"\*+|x+|\.+|<[^>]*>|\$\{[^}]*\}|\$[A-Za-z_]\w*|%[^%]+%|REDACTED\([\w-]+\)",
                value,
                re.IGNORECASE,
            )
            or _PLACEHOLDER_WORD.fullmatch(value)
            or re.search("example|xxxx|redacted|changeme|placeholder", value, re.IGNORECASE)
        )
    if _compile(_PLACEHOLDER).search(value) or _compile(_IDENTIFIER).match(value):
        return False
    if kind.check == "password":  # people choose them: 'hunter2', 'Summer2024!'
        plain = value.rstrip(".!?:").lower()
        if plain in _common_words() or (plain.isalpha() and len(plain) < 8):
            return False
        return len(value) >= 6 and (_classes(value) >= 2 or len(value) >= 10)
    return _classes(value) >= 2 and entropy(value) >= 3.5


def _basic_credentials(value: str) -> bool:
    """Whether ``value`` is base64 of ``user:password``, the password not a placeholder."""
    import base64
    import binascii

    try:
        plain = base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    user, colon, password = plain.partition(":")
    return bool(
        colon
        and user
        and password
        and plain.isprintable()
        and not _compile(_PLACEHOLDER).search(password)
        and not _PLACEHOLDER_WORD.fullmatch(password)
    )


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
    for shape in _SHAPES:
        for match in _compile(shape).finditer(text):
            yield match.start()


def _kinds_for(line: str) -> Iterable[Kind]:
    """The kinds that may match ``line``: those whose words it holds."""
    lowered = folded(line)
    if len(lowered) != len(line):  # a letter that lower-cases into two: try them all
        return KINDS
    present = {word for word in _HINTS if word in lowered}  # each word looked for once
    shaped = _compile("|".join(_SHAPES)).search(line) is not None
    return [
        kind
        for kind in KINDS
        if not present.isdisjoint(kind.needs)
        or (shaped and any(_compile(shape).search(line) for shape in kind.shape))
    ]


def scan_line(line: str) -> Iterator[tuple[Kind, int, int]]:
    """(kind, start, end) of each secret's value in one line, left to right by kind order."""
    taken: list[range] = []
    for kind in _kinds_for(line):
        group = "value" if "value" in kind.pattern.groupindex else 0
        for match in kind.pattern.finditer(line):
            start, end = match.span(group)
            if kind.check and not _looks_secret(kind, line[start:end], line):
                continue
            if kind.id.startswith("aws-") and _AWS_EXAMPLE.search(line[start:end]):
                continue
            if any(start in r or match.start() in r for r in taken):
                continue
            taken.append(range(match.start(), match.end()))
            yield kind, start, end


def scan(text: str, first_line: int = 1, allowed: Iterable[int] = ()) -> list[Secret]:
    """Every secret in ``text``, in order; ``allowed`` are lines whose secrets are let be.

    A private key's value is its whole block, from the BEGIN line to the END line (a PuTTY
    key's, to its Private-MAC line).
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
            if kind.id in _BLOCKS:
                block = _compile(_BLOCKS[kind.id]).match(text, s)
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
