"""The archive's search: a Pagefind index of the built site, and the markup that feeds it.

Pagefind reads the built HTML and writes ``pagefind/``: small compressed chunks of the word
index, one fragment per page (its text, metadata and filters), and the script that searches
them in the browser. A query fetches only the chunks its words need, so the first result
costs the same at 100 incidents and at 100,000.

What is indexed is decided by markup, here, not by Pagefind's defaults: only an element with
``data-pagefind-body`` is read, so listings, the home page's lists and anything the plugin
does not mark stay out. Restricted incidents have no page at all, so nothing of them can
reach the index; :func:`leaks` checks that afterwards all the same.

The ``pagefind`` package is imported only here, and only when a build indexes.
"""

from __future__ import annotations

import asyncio
import gzip
import html
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

#: the folder of the site Pagefind writes its bundle to
BUNDLE = "pagefind"
#: a compressed Pagefind file starts, once decompressed, with this signature
_SIGNATURE = b"pagefind_dcd"


class SearchError(Exception):
    """Pagefind could not index the site; the message says why and what to do."""


def body(html_text: str, *, kind: str, code: bool = True) -> str:
    """``html_text`` marked as searchable: a result of ``kind`` (a filter, ``incident`` or
    ``guide``), its code blocks left out of the index unless ``code``."""
    if not code:
        html_text = html_text.replace("<pre", "<pre data-pagefind-ignore")
    return (
        "<div data-pagefind-body><span hidden data-pagefind-ignore>"
        f'<span data-pagefind-filter="kind">{kind}</span></span>{html_text}</div>'
    )


def ignored(html_text: str) -> str:
    """``html_text`` kept out of the index (filters and metadata in it still count)."""
    return f"<div data-pagefind-ignore>{html_text}</div>"


def facts(meta: Mapping[str, str], filters: Mapping[str, Sequence[str]]) -> str:
    """A hidden element giving Pagefind a page's metadata and filter values, one per element."""
    parts = [
        f'<span data-pagefind-meta="{name}">{html.escape(value)}</span>'
        for name, value in meta.items()
        if value
    ]
    parts += [
        f'<span data-pagefind-filter="{name}">{html.escape(value)}</span>'
        for name, values in filters.items()
        for value in values
    ]
    return f"<span hidden data-pagefind-ignore>{''.join(parts)}</span>"


def build_index(site_dir: Path) -> int:
    """Index the built site in ``site_dir`` into ``site_dir/pagefind``; the number of pages.

    Through Pagefind's Python API: it starts the ``pagefind`` binary (from the
    ``pagefind[bin]`` dependency) as a service, which walks the site itself.
    """
    try:
        from pagefind.index import PagefindIndex
        from pagefind.service import get_executable
    except ImportError:
        raise SearchError(
            "the 'pagefind' package is not installed; install Hindsight with its dependencies "
            "(pip install hindsight) or set 'search: false' under the hindsight plugin"
        ) from None
    if get_executable() is None:
        raise SearchError(
            "Pagefind's binary is not installed: pip install 'pagefind[bin]' "
            "(or put a 'pagefind' executable on PATH, or set PAGEFIND_BINARY_PATH)"
        )

    async def run() -> int:
        # the permalink after every heading would be a word of every page
        config = {"output_path": str(site_dir / BUNDLE), "exclude_selectors": ["a.headerlink"]}
        async with PagefindIndex(config=config) as index:  # type: ignore[arg-type]
            result = await index.add_directory(str(site_dir))
        return int(result.get("page_count", 0))

    try:
        return asyncio.run(run())
    except SearchError:
        raise
    except Exception as exc:  # noqa: BLE001 - the service raises bare Exception with its message
        raise SearchError(f"Pagefind failed to index {site_dir}: {exc}") from None


def files(site_dir: Path) -> Iterator[tuple[Path, bytes]]:
    """Every file of the Pagefind bundle, decompressed where Pagefind compressed it."""
    for path in sorted((site_dir / BUNDLE).rglob("*")):
        if not path.is_file():
            continue
        content = path.read_bytes()
        if path.suffix.startswith(".pf_"):
            try:
                content = gzip.decompress(content)
            except (OSError, EOFError):
                pass
            content = content.removeprefix(_SIGNATURE)
        yield path, content


def leaks(site_dir: Path, ids: Iterable[str]) -> tuple[str, str] | None:
    """The first of ``ids`` found in the search bundle, as (file, id), or None.

    Pagefind's fragments hold each indexed page's text as it is, so an id named in a page
    (a hand-written one, say) is found there; its word index holds the words apart.
    """
    wanted = [i.lower() for i in ids]
    if not wanted:
        return None
    pattern = re.compile("|".join(re.escape(i) for i in wanted).encode(), re.IGNORECASE)
    for path, content in files(site_dir):
        if path.suffix not in (".pf_fragment", ".pf_meta", ".pf_filter"):
            continue
        found = pattern.search(content)
        if found:
            return str(path.relative_to(site_dir)), found.group(0).decode()
    return None
