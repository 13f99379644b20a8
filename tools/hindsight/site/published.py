"""The build's last pass: every file about to be published, read as its reader sees it.

Before the new site takes the old one's place, each file in the build's folder is read once
(:func:`problems`): pages as their text and attribute values (:func:`hindsight.readers.html_view`),
Pagefind's fragments decompressed, attachments decoded and decompressed, and every file's
name. A secret, or a restricted incident's id or title, in any of them fails the build,
naming the file and line it came from; the last good site stays. The plugin's reading of
each incident and page upstream decides what is redacted or refused; this pass trusts none
of it: it reads what a browser, a search box or a download would give.

What the site's packages ship (the theme's scripts and styles, Pagefind's runtime) is read
for its name only. Hindsight's own rule reference may show a rule's example secret.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from hindsight import leaks, readers

if TYPE_CHECKING:
    from hindsight.mentions import Names

#: lines of a view already read clean, kept to read each theme line once (not all of them)
_SEEN_LINES = 200_000
#: problems listed one by one; the rest are counted
_SHOWN = 50
_PAGES = (".html", ".htm", ".xml", ".svg", ".xhtml")
#: a compressed Pagefind file starts, once decompressed, with this signature
_PAGEFIND_SIGNATURE = b"pagefind_dcd"
#: what Pagefind writes that holds the pages' words (the rest is its runtime)
_PAGEFIND_INDEX = (".pf_fragment", ".pf_meta", ".pf_filter")


class Source(NamedTuple):
    """A file a published file was made from."""

    label: str  #: as messages name it: ``incidents/<id>/postmortem.md``
    path: str | None  #: on disk, to find the line in; None when there is no such file


@dataclass
class Sources:
    """Where each published file comes from, and what the pass lets be."""

    by_file: dict[str, list[Source]] = field(default_factory=dict)  #: site path -> its sources
    #: for a page built from many incidents (a listing): every published incident's files
    everywhere: list[Source] = field(default_factory=list)
    shipped: set[str] = field(default_factory=set)  #: site paths of packages' files
    allowed_secrets: set[str] = field(default_factory=set)  #: values an author let be
    allowed_names: set[str] = field(default_factory=set)  #: names an author let be (name_key)


class Hit(NamedTuple):
    """A secret or a restricted name found in a view."""

    what: str  #: for messages: ``an AWS access key id (20 characters)``; never a secret's value
    text: str  #: what was found, as the reader sees it (a secret's value: never to print)
    secret: bool  #: a secret (else a restricted incident's id or title)
    line: int  #: in the view


class _Found(NamedTuple):
    file: str  #: site path
    hit: Hit
    origin: str  #: the site path whose sources it came from (a fragment's page)


def problems(site: Path, sources: Sources, hidden: Names | None) -> list[str]:
    """One line per secret or restricted name in the files under ``site``, each named by the
    file and line it came from; empty when the site may be published."""
    found = _scan(_files(site), sources, hidden)
    lines: list[str] = []
    times: dict[tuple[str, str], int] = {}  # the n-th time a file shows a text: its n-th place
    for item in found[:_SHOWN]:
        nth = times[item.file, item.hit.text] = times.get((item.file, item.hit.text), -1) + 1
        lines.append(f"{_where(item, sources, nth)}: {item.hit.what}, published in {item.file}")
    if len(found) > _SHOWN:
        lines.append(f"... and {len(found) - _SHOWN} more")
    return lines


def _files(site: Path) -> list[tuple[str, str]]:
    """``(path, path in the site)`` of every file under ``site``, folder by folder."""
    found = []
    for folder, dirs, files in os.walk(site):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            found.append((path, Path(os.path.relpath(path, site)).as_posix()))
    return found


#: files from which the pass is shared among the processors (by forked processes)
PARALLEL_FROM = 2000
_STATE: tuple[Sources, Names | None] | None = None  # what a forked process reads with


def _scan(files: list[tuple[str, str]], sources: Sources, hidden: Names | None) -> list[_Found]:
    """The hits in ``files``: in this process, or shared among the processors for many (each
    takes a run of neighbouring files, which share most of their lines)."""
    global _STATE
    import multiprocessing

    from hindsight.checking import cores

    workers = cores() if len(files) >= PARALLEL_FROM else 1
    if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
        return list(_read(files, sources, hidden))
    size = -(-len(files) // workers)
    runs = [files[i : i + size] for i in range(0, len(files), size)]
    _STATE = (sources, hidden)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return [item for part in pool.map(_read_run, runs) for item in part]
    finally:
        _STATE = None


def _read_run(files: list[tuple[str, str]]) -> list[_Found]:
    assert _STATE is not None
    return list(_read(files, *_STATE))


def _read(files: list[tuple[str, str]], sources: Sources, hidden: Names | None) -> Iterator[_Found]:
    seen: set[str] = set()
    seen_values: set[str] = set()
    for path, rel in files:
        for hit in _hits(readers.text_view(rel), hidden, sources, None):
            yield _Found(rel, hit._replace(what=f"in the file's name: {hit.what}"), rel)
        if rel in sources.shipped:
            continue
        for view, origin in _views(path, rel, seen_values):
            for hit in _hits(view, hidden, sources, seen):
                yield _Found(rel, hit, origin)


def _views(path: str, rel: str, seen_values: set[str]) -> Iterator[tuple[str, str]]:
    """What the reader of the file at ``path`` sees, in one or more parts, each with the site
    path it comes from (a Pagefind fragment's, its page). A page's attributes' values are
    read once each in the whole site (``seen_values``): each is whole in itself, and most
    are the theme's, the same on every page."""
    suffix = os.path.splitext(rel)[1].lower()
    in_bundle = rel.startswith("pagefind/")
    if in_bundle and suffix not in _PAGEFIND_INDEX:
        return  # Pagefind's runtime: its script, its WebAssembly, its styles
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return
    if in_bundle:
        yield from _pagefind(data, suffix, rel)
    elif suffix in _PAGES:
        text, values = readers.html_parts(readers.decode(data))
        yield text, rel
        fresh = [value for value in values if value not in seen_values]
        if len(seen_values) < _SEEN_LINES:
            seen_values.update(fresh)
        if fresh:
            yield readers.values_view(fresh), rel
    else:
        yield readers.text_view(readers.decode(data)), rel


def _pagefind(data: bytes, suffix: str, rel: str) -> Iterator[tuple[str, str]]:
    """A Pagefind file's words: a fragment's strings (its page's text, title, address, filters)."""
    try:
        data = gzip.decompress(data)
    except (OSError, EOFError):
        pass
    data = data.removeprefix(_PAGEFIND_SIGNATURE)
    if suffix == ".pf_fragment":
        try:
            fragment = json.loads(data)
        except ValueError:
            fragment = None
        if isinstance(fragment, dict):
            url = str(fragment.get("url", ""))
            page = url.lstrip("/") + ("index.html" if url.endswith("/") else "")
            yield readers.values_view(list(_strings(fragment))), page  # (entities decoded)
            return
    yield readers.text_view(readers.decode(data)), rel


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _hits(
    view: str, hidden: Names | None, sources: Sources, seen: set[str] | None
) -> Iterator[Hit]:
    """The hits in ``view``; the secrets looked for only in lines not already read clean (a
    secret lies in one line: a line read clean once is clean everywhere)."""
    if seen is not None:
        lines = view.split("\n")
        fresh = [line for line in lines if line not in seen]
        if len(seen) < _SEEN_LINES:
            seen.update(fresh)
        secret_view = "\n".join(fresh)
    else:
        secret_view = view
    for hit in hits(secret_view, None, sources.allowed_secrets):
        if seen is not None:  # found again wherever else it is
            seen.discard(secret_view.split("\n")[hit.line - 1])
        yield hit
    if hidden is not None:
        yield from hits(view, hidden, (), sources.allowed_names, secrets=False)


def hits(
    view: str,
    hidden: Names | None,
    allowed_secrets: Collection[str] = (),
    allowed_names: Collection[str] = (),
    *,
    secrets: bool = True,
) -> Iterator[Hit]:
    """The secrets (unless not ``secrets``) and restricted names in ``view`` but those allowed
    (a value; a name's key, :func:`readers.name_key`) where an author silenced a false alarm.
    A secret's value never leaves this module in a message: a hit says its kind and length."""
    if secrets and leaks.may_hold(view):
        for secret in leaks.scan(view):
            value = view[secret.start : secret.end]
            if value not in allowed_secrets:
                yield Hit(secret.describe(), value, True, secret.line)
    if hidden is not None and hidden.pattern is not None:
        from hindsight.mentions import describe

        lowered: str | None = None
        for mention in hidden.find(view):
            if lowered is None:
                lowered = view.lower()
            at = _offset(view, mention.line, mention.column)
            found = _found(lowered if len(lowered) == len(view) else None, view, at, hidden)
            if readers.name_key(found) not in allowed_names:
                yield Hit(describe(mention), found, False, mention.line)


def _offset(text: str, line: int, column: int) -> int:
    at = 0
    for _ in range(line - 1):
        at = text.index("\n", at) + 1
    return at + column - 1


def _found(lowered: str | None, view: str, at: int, hidden: Names) -> str:
    """The name that starts at ``at`` in ``view``, as written there."""
    assert hidden.pattern is not None
    match = hidden.pattern.match(lowered if lowered is not None else view.lower(), at)
    return view[at : match.end()] if match else view[at : at + 40]


def _where(item: _Found, sources: Sources, nth: int) -> str:
    """``label:line`` of the source the hit came from (or the published file, when unknown);
    the ``nth`` place in it that shows the hit's text."""
    candidates = sources.by_file.get(item.origin)
    candidates = candidates if candidates is not None else sources.everywhere
    for source in candidates:
        if source.path is None:
            continue
        try:
            with open(source.path, "rb") as handle:
                text = readers.decode(handle.read())
        except OSError:
            continue
        lines = readers.locate(text, item.hit.text)
        if lines:
            return f"{source.label}:{lines[min(nth, len(lines) - 1)]}"
    if candidates and len(candidates) == 1:
        return candidates[0].label
    return f"site/{item.file}"
