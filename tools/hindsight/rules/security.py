"""HS8xx security: secrets, HTML that runs script, and personal data in a postmortem.

A secret's value is never printed: a finding names the kind of secret, its length and
its place, which is enough to find it and not enough to use it.
"""

from __future__ import annotations

import functools
import html
import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from hindsight import leaks
from hindsight.model import Category, Finding, Incident, Level
from hindsight.rules._base import (
    Archive,
    CheckContext,
    History,
    body_prose,
    per_incident,
    rule,
)


class Place(NamedTuple):
    """A line of one of the incident's files."""

    path: str
    line: int
    text: str


def places(
    incident: Incident, hints: Callable[[str], Iterable[int]], *, head: bool = True
) -> Iterator[Place]:
    """The lines of postmortem.md (front matter too when ``head``) and timeline.log that may hold something.

    ``hints(text)`` gives the offsets in a whole file's text of what the line-by-line
    patterns need (a word, a character); only the lines holding one are given, each once.
    One search of the whole file costs far less than one per line, and most lines hold none.
    """
    for path, first, text in _texts(incident, head):
        last = -1
        for offset, number in _numbered(text, first, sorted(hints(text))):
            if number != last:
                last = number
                end = text.find("\n", offset)
                yield Place(
                    path,
                    number,
                    text[text.rfind("\n", 0, offset) + 1 : len(text) if end < 0 else end],
                )


def _numbered(text: str, first: int, offsets: Iterable[int]) -> Iterator[tuple[int, int]]:
    """(offset, file line) of each of ``offsets``, in ascending order, in ``text`` starting on line ``first``."""
    number, seen = first, 0
    for offset in offsets:
        number += text.count("\n", seen, offset)
        seen = offset
        yield offset, number


def _texts(incident: Incident, head: bool = True) -> list[tuple[str, int, str]]:
    """(path, first file line, text) of the front matter (when ``head``), the body and the timeline."""
    texts = [(incident.postmortem_path, 1, incident.head)] if head and incident.head else []
    return texts + [
        (incident.postmortem_path, incident.body_line, incident.body),
        (incident.timeline_path, 1, incident.timeline_text),
    ]


@rule("HS801", "secret", Category.SECURITY)
def secret(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags what looks like a secret: cloud keys, code-host and chat tokens, private keys, JWTs.

    Also passwords in URLs and after `password=`, and random values after names like
    `token`, `api_key` or `AWS_SECRET_ACCESS_KEY`; placeholders such as `${DB_PASSWORD}` or
    `<redacted>` are not secrets. The finding names the kind and length of the value, never
    the value. The same scanner makes `log` refuse and `comms`, `import` and the site build
    redact or refuse a secret.

    ## Why is this bad?
    A postmortem is read by the whole company, published on the archive site and kept
    in git history forever. A secret pasted from a log is leaked the moment it is
    pushed: removing it from the file is not enough, it must be revoked and rotated.

    ## Example
    ```markdown
    ## Summary

    The job authenticated with token=Zq8vW3mK1pR7tY2uN5bX9cD4 from the old vault path.
    ```

    ## Use instead
    ```markdown
    ## Summary

    The job authenticated with a token from the old vault path (since rotated).
    ```
    """
    for path, first, text in _texts(incident):
        seen = set()
        for body, found in _secrets_shown(text, first, path == incident.postmortem_path):
            value = body[found.start : found.end]
            if (found.line, value) in seen:
                continue
            seen.add((found.line, value))
            yield secret.finding(
                incident,
                found.line,
                f"this looks like {found.describe()}; delete it and revoke it: once pushed it "
                "stays in git history",
                path=path,
                column=found.column,
            )


#: what the page may show otherwise than the Markdown says: a tag, an entity, a non-ASCII letter
_SHOWN_OTHERWISE = re.compile(r"<[A-Za-z/]|&#?\w+;|[^\x00-\x7f]")


def _secrets_shown(text: str, first: int, markdown: bool) -> Iterator[tuple[str, leaks.Secret]]:
    """The secrets in ``text`` as written, then (Markdown) as its page shows it: a key split by
    ``<b></b>``, written with entities or full-width letters is still a key (as the site's
    last pass reads it)."""
    for found in leaks.scan(text, first):
        yield text, found
    if markdown and _SHOWN_OTHERWISE.search(text):
        from hindsight.readers import source_view

        view = source_view(text)
        for found in leaks.scan(view, first) if view is not None else ():
            yield view, found


@rule("HS807", "secret-in-file", Category.SECURITY, archive=True)
def secret_in_file(archive: Archive, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a secret in an incident's other files (attachments) or in a page under `docs/`.

    They are read as the site publishes them: decoded by their byte-order mark or encoding
    (UTF-16 too), decompressed (gzip, bzip2, xz, zip), NUL bytes dropped, letters normalised;
    a page's tags, entities and emphasis are undone (`AKIA<b></b>…` is one key), and a file's
    name counts too. The finding names the kind and length of the value, never the value. A
    line of a page silences it with `<!-- hindsight: ignore HS807 -->`.

    ## Why is this bad?
    The site publishes attachments and hand-written pages as they are, and the build refuses
    a secret in them; in the repository, a secret is leaked the moment it is pushed. It must
    be revoked and rotated, and the file cleaned.

    ## Example
    ```tree
    2026-11-21-example/attachments/token=Zq8vW3mK1pR7tY2uN5bX9cD4.log
    ```

    ## Use instead
    ```tree
    2026-11-21-example/attachments/deploy.log
    ```
    """
    from hindsight.mentions import docs_pages
    from hindsight.paths import relative
    from hindsight.readers import files_of, read, source_view

    root = ctx.settings.root
    for name in archive.checked:
        folder = ctx.settings.incidents_path / name
        for path, rel in files_of(str(folder), skip=("postmortem.md", "timeline.log")):
            label = relative(Path(path), root)
            yield from _file_secrets(label, rel, read(path), None, name)
    for page in docs_pages(ctx.settings):
        try:
            text = page.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            continue
        label = relative(page, root)
        yield from _file_secrets(label, page.name, text, source_view(text), None)


def _file_secrets(
    label: str, name: str, text: str | None, view: str | None, incident: str | None
) -> Iterator[Finding]:
    page = incident is None  # a page under docs/, whose lines an ignore comment can silence
    """HS807's findings in one file: its name, its text and (a page) its text as shown."""
    from hindsight.load.markdown import ignores
    from hindsight.readers import text_view

    for found in leaks.scan(text_view(name)):
        yield _in_file(label, None, None, f"its name holds {found.describe()}", incident)
    if text is None:
        return
    silenced = ignores(text, 1) if page and "hindsight:" in text else {}
    seen: set[tuple[int, str]] = set()
    for body in (text, view) if view is not None else (text,):
        for found in leaks.scan(body):
            value = body[found.start : found.end]
            if (found.line, value) in seen or {"HS801", "HS807"} & silenced.get(found.line, set()):
                continue
            seen.add((found.line, value))
            yield _in_file(
                label,
                found.line,
                found.column,
                f"this looks like {found.describe()}; delete it and revoke it: the site "
                "publishes this file, and once pushed it stays in git history",
                incident,
            )


def _in_file(
    path: str, line: int | None, column: int | None, message: str, incident: str | None
) -> Finding:
    rule = secret_in_file
    return Finding(path, line, column, rule.code, rule.category, rule.level, message, incident)


@rule("HS805", "secret-in-history", Category.SECURITY, history=True)
def secret_in_history(history: History, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a secret that a commit of the branch added and a later change removed.

    Only `hindsight check --changed-since REF` looks for it, in the lines that the commits
    since REF (from where the branch left it) added to an incident's files (attachments too)
    and to pages under `docs/`. A secret still in the file is HS801's or HS807's, at its
    line. Each secret is reported once, with the first commit that added it; the value is
    never printed.

    ## Why is this bad?
    Deleting a secret from the file does not delete it from the commit that added it:
    once the branch is pushed, everyone who can read the repository can read the secret,
    and code hosts keep a pull request's commits even after a squash merge. The secret
    must be revoked; rewriting the branch without that commit keeps it out of the main
    history as well.

    ## Example
    ```markdown title="commit 1"
    ## Summary

    The job authenticated with token=Zq8vW3mK1pR7tY2uN5bX9cD4 from the old vault path.
    ```

    ```markdown title="commit 2"
    ## Summary

    The job authenticated with a token from the old vault path.
    ```

    ## Use instead
    ```markdown title="commit 1"
    ## Summary

    The job authenticated with a token from the old vault path (since rotated).
    ```
    """
    reported: set[tuple[str, str]] = set()
    for added in history.added:
        if {"HS801", "HS805"} & added.ignored:
            continue
        now = history.current.get(added.path)
        for kind, start, end in leaks.scan_line(added.text):
            value = added.text[start:end]
            if (now is not None and value in now) or (added.path, value) in reported:
                continue
            reported.add((added.path, value))
            yield secret_in_history.at(
                added.path,
                f"{kind.what} ({len(value)} characters) was added by commit {added.commit[:12]} (line "
                f"{added.line}) and removed later, but stays in the branch's git history: revoke it, then "
                "rewrite the branch without it (git rebase -i) before merging",
                added.incident,
            )


@functools.lru_cache(maxsize=8)
def _deny_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """The names of ``security.deny`` as one case-blind pattern: whole words, any spacing between
    them (a name may wrap onto the next line); None when there are none."""
    names = sorted(
        (r"\s+".join(map(re.escape, t.split())) for t in terms if t.split()), key=len, reverse=True
    )
    return re.compile(rf"(?<!\w)(?:{'|'.join(names)})(?!\w)", re.IGNORECASE) if names else None


def find_denied(text: str, terms: tuple[str, ...]) -> Iterator[tuple[int, str]]:
    """(offset, the name as written, on one line) of each of ``terms`` (``security.deny``) in ``text``."""
    pattern = _deny_pattern(terms)
    for match in pattern.finditer(text) if pattern else ():
        yield match.start(), " ".join(match.group().split())


@rule("HS806", "denied-term", Category.SECURITY)
def denied_term(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a name listed under `security.deny` in `hindsight.yml`: customers, partners, code names.

    The names match whole words, in any case, wherever they are: front matter, text, code
    blocks, comments and the timeline. An archive lists under `security.deny` what none of
    its postmortems may name.

    ## Why is this bad?
    The whole company reads the archive, and a comment or a code block is in the
    repository even when the site leaves it out. Naming a customer tells every reader who
    was affected and how badly, which contracts often forbid; naming an unannounced
    project leaks it. Describe who or what it is instead.

    ## Example
    ```yaml title="hindsight.yml"
    security:
      deny: [Globex]
    ```

    ```markdown
    ## Impact

    Orders from Globex failed for 40 minutes. <!-- they noticed first -->
    ```

    ## Use instead
    ```yaml title="hindsight.yml"
    security:
      deny: [Globex]
    ```

    ```markdown
    ## Impact

    Orders from one enterprise customer failed for 40 minutes; that customer noticed first.
    ```
    """
    if not ctx.settings.security_deny:
        return
    for path, first, text in _texts(incident):
        found = list(find_denied(text, ctx.settings.security_deny))
        for (offset, number), (_, name) in zip(
            _numbered(text, first, [o for o, _ in found]), found
        ):
            yield denied_term.finding(
                incident,
                number,
                f"'{name}' is listed under security.deny in hindsight.yml: say who or what "
                "it is instead ('an enterprise customer')",
                path=path,
                column=offset - text.rfind("\n", 0, offset),
            )


_TAGS = re.compile(
    r"<\s*(script|iframe|frame|object|embed|base|form|meta\s[^>]*http-equiv)\b", re.IGNORECASE
)
_HANDLER = re.compile(r"<[a-z][^>]*?[\s/\"']on[a-z]+\s*=", re.IGNORECASE)
_URL_SLOT = re.compile(
    r"\]\(\s*<?([^)\s>]+)|\b(?:href|src|action|formaction|xlink:href|poster|data)\s*=\s*[\"']?"
    r"([^\"'\s>]+)|<([a-z][a-z0-9+.-]*:[^>\s]+)>",
    re.IGNORECASE,
)
_BAD_SCHEME = re.compile(r"^(?:javascript|vbscript|data):", re.IGNORECASE)


def unsafe_html(text: str) -> Iterator[tuple[int, str]]:
    """(offset, what) for each piece of HTML or link in ``text`` that can run script."""
    if "<" not in text and "=" not in text and "](" not in text:  # what every pattern below needs
        return
    for match in _TAGS.finditer(text):
        yield match.start(), f"a <{match.group(1).split()[0].lower()}> tag"
    for match in _HANDLER.finditer(text):
        yield match.start(), "an event-handler attribute (on…=)"
    for match in _URL_SLOT.finditer(text):
        target = next(g for g in match.groups() if g is not None)
        scheme = re.sub(r"[\s\x00-\x1f]", "", html.unescape(target))
        if _BAD_SCHEME.match(scheme):
            yield match.start(), f"a {scheme.split(':')[0].lower()}: link"


@rule("HS802", "unsafe-html", Category.SECURITY)
def unsafe_html_rule(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags HTML that can run script: script tags, iframes, event handlers, `javascript:` or `data:` links.

    HTML shown in code spans or code blocks is text, and is not flagged.

    ## Why is this bad?
    Markdown passes HTML through. The site sanitises what it renders, but a postmortem
    is also read on the code host, in editors and by other tools; script in it is at
    best broken on the site and at worst runs in a colleague's browser.

    ## Example
    ```markdown
    ## Summary

    See the <a href="javascript:alert(1)">dashboard</a>.
    ```

    ## Use instead
    ```markdown
    ## Summary

    See the [dashboard](https://grafana.example.com/d/checkout).
    ```
    """
    title = incident.meta.get("title")
    if isinstance(title, str):
        for _offset, what in unsafe_html(title):
            yield unsafe_html_rule.finding(
                incident,
                incident.key_lines.get("title"),
                f"the title holds {what}; write it as plain text",
            )
    for paragraph in body_prose(incident):
        for offset, what in unsafe_html(paragraph.text):
            line, column = paragraph.place(offset)
            yield unsafe_html_rule.finding(
                incident,
                line,
                f"{what} can run script; link with [text](https://…) or put the HTML in a "
                "code block",
                column=column,
            )


_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][\w.+-]{0,63}@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})\b")
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
_EXAMPLE_DOMAIN = re.compile(
    r"(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost)$", re.IGNORECASE
)
_VERSION_BEFORE = re.compile(r"(?:\bv|version\s*)$", re.IGNORECASE)
_SAFE_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/32",
        "127.0.0.0/8",
        "192.0.2.0/24",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "::/128",
        "::1/128",
        "2001:db8::/32",
    )
)


#: addresses of a role or a mailbox, not of a person
_ROLE_MAILBOX = re.compile(
    r"^(?:git|noreply|no-reply|donotreply|help|support|security|admin|administrator|info|"
    r"contact|abuse|postmaster|hostmaster|webmaster|ops|sre|oncall|on-call|incidents?|status|"
    r"billing|privacy|legal|team|hello|sales|press|alerts?|root)@",
    re.IGNORECASE,
)


def _allowed_email(address: str, domain: str, allow: tuple[str, ...]) -> bool:
    lowered, domain = address.lower(), domain.lower()
    if _EXAMPLE_DOMAIN.search(domain) or _ROLE_MAILBOX.match(lowered):
        return True
    for entry in allow:
        entry = entry.lower()
        if (
            lowered == entry
            or domain == entry.lstrip("@")
            or domain.endswith("." + entry.lstrip("@"))
        ):
            return True
    return False


def _networks(allow: tuple[str, ...]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    found = []
    for entry in allow:
        try:
            found.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue
    return found


def find_addresses(text: str, allow: tuple[str, ...] = ()) -> Iterator[tuple[int, str, str]]:
    """(column, kind, value) of the e-mail and IP addresses in a line that are not allowed; each once."""
    seen: set[str] = set()
    for column, kind, value in _addresses(text, allow):
        if value not in seen:
            seen.add(value)
            yield column, kind, value


#: what each address pattern needs: a dotted quad (IPv4); two colons with at most four hex
#: digits between them (IPv6: every address has them, a time like 14:05 does not); an @ (e-mail)
_IPV4_HINT = re.compile(r"\d\.\d{1,3}\.\d")
_IPV6_HINT = re.compile(r":[0-9A-Fa-f]{0,4}:")
#: the dot of _IPV4_HINT (a digit before it is looked at by hand): a pattern that starts with
#: a character, not a class, is searched for that character, a twentieth of the cost
_IPV4_DOT = re.compile(r"\.(?=\d{1,3}\.\d)")


def _address_hints(text: str) -> Iterator[int]:
    """Offsets in ``text`` of each hint above (and maybe more); the lines holding none hold no address."""
    at = text.find("@")
    while at != -1:
        yield at
        at = text.find("@", at + 1)
    yield from (match.start() for match in _IPV6_HINT.finditer(text))
    for match in _IPV4_DOT.finditer(text):
        if match.start() and text[match.start() - 1].isdecimal():
            yield match.start()


def _addresses(text: str, allow: tuple[str, ...]) -> Iterator[tuple[int, str, str]]:
    for match in _EMAIL.finditer(text) if "@" in text else ():
        if not _allowed_email(match.group(), match.group(1), allow):
            yield match.start() + 1, "e-mail address", match.group()
    patterns = [
        p
        for p, hint in ((_IPV4, _IPV4_HINT.search(text)), (_IPV6, _IPV6_HINT.search(text)))
        if hint
    ]
    if not patterns:
        return
    allowed = [*_SAFE_NETWORKS, *_networks(allow)]
    for pattern in patterns:
        for match in pattern.finditer(text):
            if _VERSION_BEFORE.search(text[: match.start()]):
                continue
            try:
                address = ipaddress.ip_address(match.group())
            except ValueError:
                continue
            if not any(address.version == n.version and address in n for n in allowed):
                yield match.start() + 1, "IP address", match.group()


@per_incident
def _addresses_in(incident: Incident, ctx: CheckContext) -> list[tuple[Place, int, str, str]]:
    """(place, column, kind, value) of every address in the body and timeline, for both rules."""
    return [
        (place, column, kind, value)
        for place in places(incident, _address_hints, head=False)
        for column, kind, value in find_addresses(place.text, ctx.settings.security_allow)
    ]


def _address_findings(
    incident: Incident, ctx: CheckContext, kind: str, found: str
) -> Iterator[Finding]:
    check = email_address if kind == "e-mail address" else ip_address
    for place, column, what, value in _addresses_in(incident, ctx):
        if what == kind:
            yield check.finding(
                incident, place.line, f"{what} '{value}' {found}", path=place.path, column=column
            )


@rule("HS803", "email-address", Category.SECURITY, Level.WARNING)
def email_address(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags e-mail addresses: personal data that rarely helps the reader.

    Addresses at `example.com` and domains listed under `security.allow` in
    `hindsight.yml` are not flagged.

    ## Why is this bad?
    A customer's or colleague's address in a postmortem is personal data published to
    the whole company and kept in git forever. Say "a customer" or name the team alias.

    ## Example
    ```markdown
    ## Summary

    The first report came from jane.doe@gmail.com at 14:10 UTC.
    ```

    ## Use instead
    ```markdown
    ## Summary

    The first report came from a customer at 14:10 UTC.
    ```
    """
    yield from _address_findings(
        incident,
        ctx,
        "e-mail address",
        "is personal data; describe the person's role instead, or allow the "
        "domain under security.allow",
    )


@rule("HS804", "ip-address", Category.SECURITY, Level.WARNING)
def ip_address(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags IP addresses: a customer's address is personal data, a server's maps the network.

    Loopback and documentation addresses (`192.0.2.0/24`, `2001:db8::/32`) and networks
    listed under `security.allow` in `hindsight.yml` are not flagged.

    ## Why is this bad?
    A client's IP address identifies a person; an internal one tells every reader of
    the archive the shape of the network. Neither is usually what the reader needs.

    ## Example
    ```markdown
    ## Summary

    Most failed requests came from 81.2.69.160.
    ```

    ## Use instead
    ```markdown
    ## Summary

    Most failed requests came from one customer's integration.
    ```
    """
    yield from _address_findings(
        incident,
        ctx,
        "IP address",
        "can identify a person or map the network; describe it instead, or allow "
        "the network under security.allow",
    )


RULES = (
    secret,
    unsafe_html_rule,
    email_address,
    ip_address,
    secret_in_history,
    denied_term,
    secret_in_file,
)
