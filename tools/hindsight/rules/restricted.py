"""HS810: a public text that names a restricted incident (an archive rule, run on every check).

Kept apart from ``security.py`` (secrets, HTML, personal data, which look at one incident):
this rule reads the whole archive to learn which incidents are restricted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hindsight.config import Settings
from hindsight.mentions import (
    Mention,
    Names,
    describe,
    docs_pages,
    in_page,
    plainly_internal,
    restricted,
    without_related,
)
from hindsight.model import Category, Finding
from hindsight.paths import head, relative
from hindsight.rules._base import Archive, CheckContext, rule


@rule("HS810", "restricted-named", Category.SECURITY, archive=True)
def restricted_named(archive: Archive, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a public postmortem, timeline or page under `docs/` that names a restricted incident.

    A restricted incident is named by its id, or by its title word for word (titles of at
    least three words). An incident whose visibility cannot be read counts as restricted.
    In the example, `2026-11-20-breach` is a restricted incident. When a title is only a
    common phrase, silence the line with `<!-- hindsight: ignore HS810 -->`.

    ## Why is this bad?
    A restricted incident appears nowhere in the published archive: the site leaves out
    its page, but the words of a public page are published as they are. Its id or title
    in a public postmortem, in a timeline or on a hand-written page tells every reader
    that it exists and what it was about, and the site build refuses to publish it.

    ## Example
    ```markdown
    ## Summary

    Same failure as in 2026-11-20-breach, three weeks earlier.
    ```
    ```tree
    2026-11-20-breach/postmortem.md
    ```

    ## Use instead
    ```markdown
    ## Summary

    The same failure happened three weeks earlier (ask the security team for details).
    ```
    ```tree
    2026-11-20-breach/postmortem.md
    ```
    """
    settings = ctx.settings
    cache = archive.cache if archive.cache is not None and archive.cache.usable else None
    public = _plainly_public(archive, settings) if cache is not None else {}
    hidden = restricted(settings, [(name, None, False) for name in public])
    if hidden.pattern is None:
        return
    secret = {item.id for item, _ in hidden.by_key.values()}
    for name in archive.checked:
        if cache is not None and name not in public:
            continue  # read whole just now: not plainly public, so not to look in
        kept = cache.mentions(name, public[name], hidden.digest) if cache is not None else None
        if kept is None:
            kept = _in_incident(archive, settings, hidden, secret, name)
        for label, line, column, message in kept:
            yield _finding(label, line, column, message, name)
    for page in docs_pages(settings):
        try:
            text = page.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            continue
        label = relative(page, settings.root)
        for mention in in_page(hidden, text):
            yield _finding(label, mention.line, mention.column, _message(mention), None)
    yield from _in_attachments(archive, settings, hidden, secret)


#: an incident's own files, which HS810 reads above; the others are its attachments
_OWN_FILES = ("postmortem.md", "timeline.log")


def _in_attachments(
    archive: Archive, settings: Settings, hidden: Names, secret: set[str]
) -> Iterator[Finding]:
    """The mentions in the other files of the public incidents checked (their attachments),
    read as the site publishes them (:func:`hindsight.readers.read`), and in their names."""
    from hindsight.readers import files_of, read

    for name in archive.checked:
        folder = settings.incidents_path / name
        files = [] if name in secret else list(files_of(str(folder), _OWN_FILES))
        if not files or not plainly_internal(head(str(folder / "postmortem.md"), None) or b""):
            continue
        for path, rel in files:
            label = relative(Path(path), settings.root)
            for mention in hidden.find(rel):
                yield _finding(label, None, None, f"in the file's name: {_message(mention)}", name)
            text = read(path)
            for mention in hidden.find(text or ""):
                yield _finding(label, mention.line, mention.column, _message(mention), name)


def _finding(path: str, line: int, column: int, message: str, incident: str | None) -> Finding:
    rule = restricted_named
    return Finding(path, line, column, rule.code, rule.category, rule.level, message, incident)


def _plainly_public(archive: Archive, settings: Settings) -> dict[str, str | None]:
    """The digest of each checked incident whose postmortem plainly says it is internal.

    With a check cache, every checked incident is read whole anyway (its digest finds what
    was kept): reading it here tells which are restricted without reading their heads again,
    and the check reuses the digests.
    """
    from hindsight.load.incident import key, read_sources

    public = {}
    for name in archive.checked:
        sources = read_sources(settings.incidents_path / name)
        digest = key(sources)
        if archive.digests is not None:
            archive.digests[name] = digest
        postmortem = sources.postmortem
        if not isinstance(postmortem, OSError) and plainly_internal(postmortem):
            public[name] = digest
    return public


def _in_incident(
    archive: Archive, settings: Settings, hidden: Names, secret: set[str], name: str
) -> list[Any]:
    """``[path, line, column, message]`` of each mention in incident ``name``'s files, when it is
    public; kept in the check cache by the files' digest and the names looked for."""
    from hindsight.load.incident import key, read_sources

    folder = settings.incidents_path / name
    sources = read_sources(folder)
    digest = key(sources)
    if archive.digests is not None:
        archive.digests[name] = digest  # the check needs it next: not read twice
    postmortem, timeline = sources
    if isinstance(postmortem, OSError) or name in secret or not plainly_internal(postmortem):
        return []
    cache = archive.cache
    kept = cache.mentions(name, digest, hidden.digest) if cache is not None else None
    if kept is not None:
        return kept
    found: list[Any] = []
    for data, path in ((postmortem, folder / "postmortem.md"), (timeline, folder / "timeline.log")):
        if isinstance(data, OSError):
            continue
        text = data.decode("utf-8", errors="replace")
        if path.name == "postmortem.md":
            mentions = in_page(hidden, _related_blanked(text))
        else:
            mentions = hidden.find(text)
        label = relative(path, settings.root)
        found += [(label, m.line, m.column, _message(m)) for m in mentions]
    if cache is not None:
        cache.put_mentions(name, digest, hidden.digest, found)
    return found


def _message(mention: Mention) -> str:
    return (
        f"{describe(mention)}, which must appear nowhere in the published archive; "
        "remove the mention, or describe it without its id or title"
    )


def _related_blanked(text: str) -> str:
    """The postmortem with its front matter's ``related:`` lines blanked (never published)."""
    text = text.removeprefix("\ufeff")
    if not text.startswith("---"):
        return text
    end = text.find("\n---", 3)
    end = len(text) if end < 0 else end
    return without_related(text[:end]) + text[end:]


RULES = (restricted_named,)
