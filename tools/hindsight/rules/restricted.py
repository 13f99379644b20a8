"""HS810: a public text that names a restricted incident (an archive rule, run on every check).

Kept apart from ``security.py`` (secrets, HTML, personal data, which look at one incident):
this rule reads the whole archive to learn which incidents are restricted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from hindsight.mentions import (
    describe,
    docs_pages,
    in_text,
    plainly_internal,
    restricted,
    without_related,
)
from hindsight.model import Category, Finding
from hindsight.paths import relative
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
    hidden = restricted(settings)
    if hidden.pattern is None:
        return
    secret = {item.id for item, _ in hidden.by_key.values()}
    targets: list[tuple[Path, str | None]] = []
    for name in archive.checked:
        folder = settings.incidents_path / name
        try:
            public = name not in secret and plainly_internal(
                (folder / "postmortem.md").read_bytes()
            )
        except OSError:
            continue
        if public:
            targets += [(folder / "postmortem.md", name), (folder / "timeline.log", name)]
    targets += [(page, None) for page in docs_pages(settings)]
    for path, incident in targets:
        try:
            text = path.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            continue
        if path.name == "postmortem.md" and incident is not None:
            text = _related_blanked(text)
        label = relative(path, settings.root)
        found = hidden.find(text) if path.name == "timeline.log" else in_text(hidden, text)
        for mention in found:
            yield Finding(
                label,
                mention.line,
                mention.column,
                restricted_named.code,
                restricted_named.category,
                restricted_named.level,
                f"{describe(mention)}, which must appear nowhere in the published archive; "
                "remove the mention, or describe it without its id or title",
                incident,
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
