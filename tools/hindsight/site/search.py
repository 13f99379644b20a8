"""The archive's search: a Pagefind index of the built site, and the markup that feeds it.

Pagefind reads the built HTML and writes ``pagefind/``: small compressed chunks of the word
index, one fragment per page (its text, metadata and filters), and the script that searches
them in the browser. A query fetches only the chunks its words need, so the first result
costs the same at 100 incidents and at 100,000.

What is indexed is decided by markup, here, not by Pagefind's defaults: only an element with
``data-pagefind-body`` is read, so listings, the home page's lists and anything the plugin
does not mark stay out. Restricted incidents have no page at all, so nothing of them can
reach the index; :func:`leaks` checks that afterwards all the same.

The ``pagefind`` package is imported only here, and only when a build indexes, to find
Pagefind's binary; :class:`Indexer` gives it the pages as MkDocs writes them.
"""

from __future__ import annotations

import gzip
import html
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

#: the folder of the site Pagefind writes its bundle to
BUNDLE = "pagefind"
#: the mark of a page Pagefind indexes (see :func:`body`): other pages are not given to it
SEARCHABLE = "data-pagefind-body"
#: ends what :func:`body` marks, so that Pagefind is given only that part of a page
_END = "<!--/pagefind-body-->"
#: a compressed Pagefind file starts, once decompressed, with this signature
_SIGNATURE = b"pagefind_dcd"


class SearchError(Exception):
    """Pagefind could not index the site; the message says why and what to do."""


def body(html_text: str, *, kind: str, code: bool = True) -> str:
    """``html_text`` marked as searchable: a result of ``kind`` (a filter, ``incident`` or
    ``guide``), its code blocks left out of the index unless ``code``."""
    if not code:
        html_text = html_text.replace("<pre", "<pre data-pagefind-ignore")
        # an example (`!!! example` in Markdown) shows what a postmortem holds: it would be
        # found, with its made-up action items and tickets, as if it were one
        html_text = html_text.replace(
            '<div class="admonition example', '<div data-pagefind-ignore class="admonition example'
        )
    return (
        f"<div {SEARCHABLE}><span hidden data-pagefind-ignore>"
        f'<span data-pagefind-filter="kind">{kind}</span></span>{html_text}</div>{_END}'
    )


def searchable(page_html: str) -> str | None:
    """What Pagefind needs of a built page: its head (language, title) and the part marked by
    :func:`body`, about a third of an incident page; None when nothing in it is searchable.

    The header, the navigation and the footer that Material puts around the content are not
    given: Pagefind would read them only to leave them out.
    """
    start = page_html.find(f"<div {SEARCHABLE}>")
    if start < 0:
        return None
    end = page_html.find(_END, start)
    head = page_html.find("<body")
    if end < 0 or not 0 <= head < start:
        return page_html
    # a page without a heading of its own gets one from Material, before the marked part:
    # Pagefind takes the first <h1> of a page as its result's title
    h1 = page_html.find("<h1", head, start)
    title = page_html[h1 : page_html.find("</h1>", h1) + 5] if h1 >= 0 else ""
    return f"{page_html[:head]}<body>{title}{_separated(page_html[start:end])}</body></html>"


#: a table's header cell: Pagefind ends a data cell's text with a full stop, but runs header
#: cells into each other and into the first row ("Action Owner Due Ticket Status Alert on…")
_HEADER_CELL = re.compile(r"<(/?)th(?=[\s>])")


def _separated(html_text: str) -> str:
    """``html_text`` with header cells given to Pagefind as data cells, each its own sentence."""
    return _HEADER_CELL.sub(r"<\1td", html_text)


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


#: what to do when Pagefind cannot index, said in each such message
_INSTEAD = "set 'search: false' under the hindsight plugin"
#: seconds without an answer from Pagefind (while pages are given) before the build fails
STALLED = 120
#: seconds between log lines while Pagefind writes its bundle
WAITING = 30
_log = get_plugin_logger(__name__)

#: Pagefind's options for the archive: the permalink after every heading would be a word of
#: every page
CONFIG = {"exclude_selectors": ["a.headerlink"]}


def executable() -> Path:
    """Pagefind's binary, as the ``pagefind`` package finds it (``pagefind[bin]``, PATH, or
    ``PAGEFIND_BINARY_PATH``); raises SearchError saying what to install."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise SearchError(
            "the 'pagefind' package is not installed; install Hindsight with its dependencies "
            f"(pip install hindsight-postmortems) or {_INSTEAD}"
        ) from None
    found = get_executable()
    if found is None:
        raise SearchError(
            "Pagefind's binary is not installed: pip install 'pagefind[bin]' "
            "(or put a 'pagefind' executable on PATH, or set PAGEFIND_BINARY_PATH)"
        )
    return Path(found)


class Indexer:
    """Pagefind's indexing service, given each searchable page as MkDocs writes it.

    MkDocs writes pages on one core; the Pagefind binary indexes them on another as they
    come, so that at the end of the build only the bundle is left to write. The binary is
    started as the ``pagefind`` Python package starts it (``pagefind --service``) and spoken
    to in the same messages (base64 JSON, each followed by a comma). The package's own client
    is not used for this: it reads one answer per tenth of a second, which is fine for one
    ``add_directory`` but would take 1,000 s for 10,000 pages given one by one.

    Answers are read by a thread of their own, so that the binary never waits on a full pipe.
    """

    def __init__(self, config: Mapping[str, object] = CONFIG) -> None:
        import subprocess
        import threading

        binary = executable()
        try:
            self.process = subprocess.Popen(
                [str(binary), "--service"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            raise SearchError(
                f"Pagefind's binary {binary} cannot be started: {exc.strerror or exc}; "
                f"reinstall it (pip install 'pagefind[bin]'), or {_INSTEAD}"
            ) from None
        self.pages = 0
        self.errors: list[str] = []
        self._sent = 0
        self._answered = 0
        self._answers: dict[int, dict[str, object]] = {}
        self._waiting: set[int] = set()
        self._done = threading.Condition()
        self._reader = threading.Thread(target=self._read, name="pagefind", daemon=True)
        self._reader.start()
        answer = self._ask({"type": "NewIndex", "config": dict(config)})
        self._index = answer.get("index_id")

    def add(self, url: str, page_html: str) -> None:
        """Give Pagefind one built page, whose results link to ``url`` (from the site's root)."""
        self._send(
            {
                "type": "AddFile",
                "index_id": self._index,
                "url": url,
                "file_contents": page_html,
                "file_path": None,
            }
        )
        self.pages += 1

    def write(self, output: Path) -> int:
        """Wait for every page to be indexed, write the bundle to ``output``; the page count."""
        self._ask({"type": "WriteFiles", "index_id": self._index, "output_path": str(output)})
        if self.errors:
            count = len(self.errors)
            raise SearchError(
                f"Pagefind could not index {count} page{'s' if count != 1 else ''}: "
                + "; ".join(self.errors[:5])
                + ("; …" if count > 5 else "")
            )
        return self.pages

    def close(self) -> None:
        """Stop the binary (it ends when its input does) and close its pipes; safe to call
        more than once."""
        import subprocess

        for pipe in (self.process.stdin, self.process.stdout):
            try:
                if pipe is not None:
                    pipe.close()
            except (OSError, ValueError):
                pass  # a binary that died left a broken pipe: nothing more to say to it
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=5)

    # --- messages --------------------------------------------------------------------------

    def _send(self, payload: Mapping[str, object]) -> None:
        import base64
        import json

        self._sent += 1
        message = {"message_id": self._sent, "payload": payload}
        data = base64.b64encode(json.dumps(message).encode("utf-8")) + b","
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(data)
        except (BrokenPipeError, ValueError):
            raise SearchError(self._gone()) from None

    def _ask(self, payload: Mapping[str, object]) -> dict[str, object]:
        """Send ``payload`` once every message before it is answered; wait for its answer.

        The pages are waited for as long as Pagefind answers one within STALLED seconds; the
        bundle (``WriteFiles``) as long as it takes, said in the log every WAITING seconds.
        """
        import time

        self._flush()
        with self._done:  # the binary may answer out of order: all pages first, then this
            moved, count = time.monotonic(), self._answered
            while self._answered < self._sent and self._reader.is_alive():
                self._done.wait(1.0)
                if self._answered != count:
                    moved, count = time.monotonic(), self._answered
                elif time.monotonic() - moved > STALLED:
                    raise SearchError(self._stalled())
            number = self._sent + 1
            self._waiting.add(number)
        self._send(payload)
        self._flush()
        started = said = time.monotonic()
        with self._done:
            while number not in self._answers and self._reader.is_alive():
                self._done.wait(1.0)
                now = time.monotonic()
                if payload.get("type") != "WriteFiles" and now - started > STALLED:
                    raise SearchError(self._stalled())
                if now - said > WAITING:
                    said = now
                    _log.info(f"still waiting for Pagefind's bundle ({now - started:.0f} s)")
            answer = self._answers.pop(number, None)
        if answer is None:
            raise SearchError(self._gone())
        if answer.get("type") == "Error":
            raise SearchError(f"Pagefind refused: {answer.get('message')}")
        return answer

    def _stalled(self) -> str:
        self.process.kill()
        return (
            f"Pagefind's binary stopped answering ({self._answered} of {self._sent} messages "
            f"answered, none for {STALLED} s); run the build again, or {_INSTEAD}"
        )

    def _flush(self) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError):
            raise SearchError(self._gone()) from None

    def _gone(self) -> str:
        import subprocess

        try:
            code: int | None = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            code = None
        how = (
            ""
            if code is None
            else f" (killed by signal {-code})"
            if code < 0
            else f" (exit code {code})"
        )
        return f"Pagefind's binary stopped while indexing{how}; run the build again, or {_INSTEAD}"

    def _read(self) -> None:
        import base64
        import binascii
        import json

        assert self.process.stdout is not None
        pending = b""
        while True:
            try:
                chunk = self.process.stdout.read1(1 << 16)
            except (ValueError, OSError):  # the pipe was closed by a build that stopped
                break
            if not chunk:
                break
            pending += chunk
            *whole, pending = pending.split(b",")
            for raw in whole:
                try:
                    message = json.loads(base64.b64decode(raw))
                except (binascii.Error, ValueError):
                    continue  # not an answer (a log line of the binary)
                self._take(message)
        with self._done:
            self._done.notify_all()

    def _take(self, message: dict[str, object]) -> None:
        payload = message.get("payload")
        payload = payload if isinstance(payload, dict) else {}
        number = message.get("message_id")
        if payload.get("type") == "Error" and number not in self._waiting:
            self.errors.append(str(payload.get("message")))
        with self._done:
            self._answered += 1
            if number in self._waiting:
                self._waiting.discard(number)  # type: ignore[arg-type]
                self._answers[number] = payload  # type: ignore[index]
            self._done.notify_all()


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
