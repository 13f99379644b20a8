"""The ``hindsight`` MkDocs plugin: turns ``incidents/`` into site pages without copying files.

The plugin only wires MkDocs events; every page's content comes from the pure functions of
:mod:`hindsight.site.pages` and :mod:`hindsight.site.charts`.

Search is Pagefind's (:mod:`hindsight.site.search`): the pages are marked for it as they are
rendered, and the built site is indexed in ``on_post_build``.

Publishing policy (RELIABILITY.md §3.2): a page exists only for an incident that is
``visibility: internal`` (read plainly; anything unreadable counts as restricted) and in a
status that ``site.publish`` lists. Restricted incidents are read, so that their ids can be
looked for in the built search index and sitemap afterwards, but nothing of them is given to
MkDocs: no page, listing row, figure, attachment or timeline. Files of ``incidents/`` that
MkDocs would find by itself (when ``docs_dir`` contains it) are dropped from the build.
"""

from __future__ import annotations

import gc
import logging
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from hindsight.site import pages, search
from hindsight.site.pages import Href, SiteData
from hindsight.site.published import Source, Sources

log = get_plugin_logger(__name__)

ASSETS = Path(__file__).with_name("assets")
CSS, JS = "assets/hindsight/hindsight.css", "assets/hindsight/hindsight.js"
SEARCH_JS = "assets/hindsight/search.js"
#: the page that lists every result of a search (the header box shows the first few)
SEARCH_PAGE = "search/index.md"
#: incident ids or patterns (``2026-11-*``), by commas or spaces: build only those, to preview
#: a postmortem quickly in a large archive (``HINDSIGHT_PREVIEW=2026-11-21-* mkdocs serve``)
PREVIEW = "HINDSIGHT_PREVIEW"
#: comments in hand-written pages that the plugin fills
RECENT, ON_THIS_DAY = "<!-- hindsight:recent -->", "<!-- hindsight:on-this-day -->"


class HindsightConfig(Config):
    """Options under ``plugins: - hindsight:`` in ``mkdocs.yml``."""

    #: what to do with an incident that cannot be read: fail the build, or skip it with a warning
    broken = c.Choice(("fail", "skip"), default="fail")
    #: the day the build treats as today (overdue items, "on this day"); default: the real today
    today = c.Optional(c.Type(str))
    #: how many incidents the home page lists as recent
    recent = c.Type(int, default=5)
    #: build the Pagefind search index at the end of the build (Material's search stays off)
    search = c.Type(bool, default=True)


class HindsightPlugin(BasePlugin[HindsightConfig]):
    """Wire MkDocs events to the page functions in :mod:`hindsight.site.pages`."""

    def __init__(self) -> None:
        self.data: SiteData | None = None
        self.restricted_ids: list[str] = []
        self.incident_pages: dict[str, Any] = {}
        self.listings: dict[str, Callable[[Href], str]] = {}
        self.later: dict[str, tuple[Any, Any, Href]] = {}  # page -> (card, incident, href)
        self.marker_nonce = ""
        self.repo_url: str | None = None
        self.secrets_found: list[str] = []
        self.hidden: Any = None  # mentions.Names of the restricted incidents
        self.leaks: list[str] = []  # where a public text names one, reported at on_env
        self.binary_pages: list[str] = []  # hand-written pages that are not text, too
        self.site_dir = ""  # where the site goes once the build succeeded
        self.building = ""  # where this build writes it until then
        self.lock: int | None = None  # on that folder, while it is built (see site.aside)
        self.mkdocs_config: MkDocsConfig | None = None
        self.indexer: search.Indexer | None = None  # Pagefind, given pages as they are written
        self.index_started = 0.0
        self.sources = Sources()  # what the last pass needs: see on_post_build
        self.files: Files | None = None

    # --- configuration ---------------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Read ``hindsight.yml``; refuse includes that could publish restricted text; add assets."""
        from hindsight.config import load_settings
        from hindsight.errors import HindsightError

        root = Path(config.config_file_path or ".").resolve().parent
        try:
            self.settings = load_settings(root)
        except HindsightError as exc:
            raise PluginError(exc.format_message()) from None
        self.today = self._today()
        self._refuse_snippets(config)
        self._refuse_material_search(config)
        self.repo_url = self.settings.repo_url or config.repo_url
        scripts = (JS, SEARCH_JS) if self.config.search else (JS,)
        for name, target in (
            (CSS, config.extra_css),
            *((s, config.extra_javascript) for s in scripts),
        ):
            if name not in [str(t) for t in target]:
                target.append(name)
        self._build_aside(config)
        return config

    def _build_aside(self, config: MkDocsConfig) -> None:
        """Write this build into a new folder beside ``site_dir``; it takes its place only when
        the build succeeded (:meth:`on_post_build`), so that a failed build leaves neither a
        partial site nor a missing one: the last good site stays as it was."""
        import tempfile

        from hindsight.site import aside

        self.site_dir = os.path.abspath(config.site_dir)
        parent, name = os.path.split(self.site_dir)
        os.makedirs(parent, exist_ok=True)
        prefix = f".{name}.hindsight-"
        removed = aside.remove_stale(parent, prefix)
        if removed:
            from hindsight.humane import plural

            log.info(f"removed {plural(len(removed), 'folder')} left by stopped builds: {removed}")
        self.building = tempfile.mkdtemp(prefix=prefix, dir=parent)
        self.lock = aside.hold(self.building)  # until the site is in place: not stale
        mask = os.umask(0)  # mkdtemp makes it private (0700); a site is read by a web server
        os.umask(mask)
        os.chmod(self.building, 0o777 & ~mask)
        self.mkdocs_config = config
        config.site_dir = self.building

    def _today(self) -> date:
        from hindsight import clock
        from hindsight.errors import HindsightError

        try:
            return clock.parse_day(self.config.today) if self.config.today else clock.today()
        except HindsightError as exc:
            raise PluginError(f"mkdocs.yml: plugins.hindsight.today: {exc}") from None

    def _refuse_material_search(self, config: MkDocsConfig) -> None:
        """Material's search would download one index of every page's text before answering;
        the archive's search is Pagefind, built by this plugin."""
        for name in ("search", "material/search"):
            if name in config.plugins:
                raise PluginError(
                    f"mkdocs.yml: plugins: remove '{name}': the hindsight plugin builds the "
                    "archive's search with Pagefind, and Material's search would write a second "
                    "index of every page (31 MB at 10,000 incidents). Also drop the theme's "
                    "'search.*' features; set 'search: false' under hindsight for no search."
                )

    def _refuse_snippets(self, config: MkDocsConfig) -> None:
        """pymdownx.snippets can pull any file under its base path into a public page."""
        if "pymdownx.snippets" not in config.markdown_extensions:
            return
        options = config.mdx_configs.get("pymdownx.snippets", {})
        bases = options.get("base_path", ["."])
        bases = [bases] if isinstance(bases, str) else bases
        incidents = self.settings.incidents_path.resolve()
        root = Path(config.config_file_path or ".").resolve().parent
        for base in bases:
            base_path = (root / base).resolve()
            if (
                incidents == base_path
                or base_path in incidents.parents
                or incidents in base_path.parents
            ):
                raise PluginError(
                    f"mkdocs.yml: pymdownx.snippets can include files from {base!r}, which holds "
                    f"{self.settings.incidents_dir}/: a snippet could publish a restricted incident. "
                    "Set its base_path to a folder outside the incidents (for example docs/snippets)."
                )

    # --- files -----------------------------------------------------------------------------

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Add a virtual page per published incident, the listings, figures and rule reference."""
        incidents_root = str(self.settings.incidents_path.resolve())
        for file in list(files):
            if file.abs_src_path and _inside(os.path.realpath(file.abs_src_path), incidents_root):
                files.remove(file)
        self.marker_nonce = secrets.token_hex(8)
        self.sources = Sources()  # filled as the build reads what it publishes
        # Reading makes many objects that live until the build ends and almost no garbage:
        # the collector would walk them over and over for nothing (a fifth of the load).
        with _collector_paused():
            published = self._load()
            markdown = {
                i.id: pages.incident_markdown(i, self.marker, self.settings) for i in published
            }
            # The rest of the build needs no incident's text: it is in its page's Markdown now.
            published = [pages.without_text(i) for i in published]
            self.data = data = pages.site_data(published, self.settings, self.today)
        self.incident_pages = {}
        self.listings = {}
        self.later = {}

        def add(src_uri: str, content: str, *, in_nav: bool = False) -> None:
            inclusion = InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV
            if files.get_file_from_path(src_uri) is not None:
                raise PluginError(
                    f"docs/{src_uri} is in the way of a page the hindsight plugin "
                    "builds; rename or remove it"
                )
            files.append(File.generated(config, src_uri, content=content, inclusion=inclusion))

        for incident in data.incidents:
            src = f"incidents/{incident.id}/index.md"
            add(src, markdown.pop(incident.id))
            self.incident_pages[src] = incident
            own = [
                Source(path, str(self.settings.root / path))
                for path in (incident.postmortem_path, incident.timeline_path)
            ]
            self.sources.by_file[src] = own
            self.sources.everywhere += own
            self._attachments(incident, files, config)
        self._refuse_secrets()

        def listing(
            src: str, title: str, build: Callable[[Href], str], *, in_nav: bool = False
        ) -> None:
            add(src, pages.page_head(title, listing=True), in_nav=in_nav)
            self.listings[src] = build

        listing("incidents/index.md", "Incidents", lambda h: pages.index_page(data, h), in_nav=True)
        for facet in ("severity", "status", "year", "tag"):
            for value in data.facets[facet]:
                title = f"{pages.FACET_LABELS[facet]}: {value.label}"
                listing(
                    value.path + "index.md", title, lambda h, v=value: pages.facet_page(v, data, h)
                )
        listing(
            "services/index.md", "Services", lambda h: pages.services_page(data, h), in_nav=True
        )
        for value in data.facets["service"]:
            listing(
                value.path + "index.md",
                value.label,
                lambda h, v=value: pages.service_page(v, data, h),
            )
        listing(
            "action-items/index.md",
            "Open action items",
            lambda h: pages.action_items_page(data, h),
            in_nav=True,
        )
        listing("figures/index.md", "Figures", lambda h: _figures(data), in_nav=True)
        if self.config.search:
            listing(SEARCH_PAGE, "Search", lambda h: pages.search_page())
        self._rule_pages(add)
        for name in (CSS, JS, SEARCH_JS) if self.config.search else (CSS, JS):
            add(name, (ASSETS / Path(name).name).read_text(encoding="utf-8"))
        # What was just read lives until the build ends: keep the garbage collector from
        # walking it again at every full collection (several seconds at 5,000 incidents).
        gc.freeze()
        return files

    def marker(self, name: str) -> str:
        """A paragraph the page's rendered HTML holds where ``name`` goes; unique to this build."""
        return f"hindsight-{self.marker_nonce}-{name}"

    def _load(self) -> list[Any]:
        """Read every incident; keep the published ones; report or fail on broken ones."""
        from hindsight.humane import plural
        from hindsight.load.incident import load_incident
        from hindsight.model import Level
        from hindsight.paths import discover

        published, broken = [], []
        self.restricted_ids = []
        folders = discover(self.settings)
        preview = os.environ.get(PREVIEW, "").replace(",", " ").split()
        chosen = (
            [f for f in folders if any(fnmatchcase(f.name, p) for p in preview)]
            if preview
            else folders
        )
        if preview:
            # A warning, so that `mkdocs build --strict` (CI, publishing) refuses a partial site.
            log.warning(
                f"{PREVIEW} is set: this is a preview of {len(chosen)} of {len(folders)} incidents, "
                "and its listings and figures leave the others out; unset it to build the archive"
            )
        restricted = unpublished = 0
        seen: list[tuple[str, str | None, bool]] = []
        schema = _schema_check(self.settings, self.today)
        for folder in chosen:
            loaded = load_incident(folder, self.settings)
            errors = [p for p in loaded.problems if p.level is Level.ERROR]
            incident = loaded.incident
            if incident is not None and not errors and pages.published(incident, self.settings):
                errors = schema(loaded)
            hidden = incident is None or incident.restricted or bool(errors)
            seen.append((folder.name, incident.title if incident else None, hidden))
            if incident is None or incident.restricted:
                self.restricted_ids.append(folder.name)
            if incident is None or errors:
                broken.append(errors or loaded.problems)
            elif incident.restricted:
                restricted += 1
            elif pages.published(incident, self.settings):
                published.append(self._without_secrets(incident, folder))
            else:
                unpublished += 1
        if broken:
            lines = [_where(p) for problems in broken for p in problems]
            if self.config.broken == "fail":
                raise PluginError(
                    f"{len(broken)} incident{'s' if len(broken) != 1 else ''} cannot be read, or "
                    f"{'have' if len(broken) != 1 else 'has'} errors in the front matter "
                    "(run 'hindsight check' for every finding; set 'broken: skip' under the "
                    "hindsight plugin to publish the others anyway):\n  " + "\n  ".join(lines)
                )
            for line in lines:
                log.warning(f"skipped: {line}")
        self._find_mentions(seen, published)
        # each incident counted once: a broken one is skipped even when it is also restricted
        counts = [
            (len(published), "published"),
            (restricted, "restricted"),
            (unpublished, "in a status the site does not publish"),
            (len(broken), "skipped as unreadable or with front matter errors"),
        ]
        log.info(
            f"{plural(len(chosen), 'incident')}: "
            + ", ".join(f"{n} {what}" for n, what in counts if n or what == "published")
        )
        return published

    # --- secrets -----------------------------------------------------------------------------

    def _found_secret(self, where: str, secret: Any) -> None:
        """Note a secret met on the way to the site: redacted now (said), or refused at the end."""
        from hindsight import leaks

        place = f"{where}:{secret.line}:{secret.column}: {secret.describe()}"
        if self.settings.site_secrets == "redact":
            log.info(f"{place}: published as {leaks.redaction(secret.kind)} (site.secrets: redact)")
        else:
            self.secrets_found.append(place)

    def _without_secrets(self, incident: Any, folder: Path) -> Any:
        """``incident`` as it may be published: the same, or read again with its secrets redacted.

        A line that silences HS801 (``<!-- hindsight: ignore HS801 -->``) is let be, as in
        ``hindsight check``.
        """
        from hindsight import leaks
        from hindsight.load.incident import Sources, load_incident

        allowed = {n for n, codes in incident.ignores.items() if leaks.CODE in codes}
        redacting = self.settings.site_secrets == "redact"
        redacted: dict[str, bytes] = {}
        for path, name, parts in (
            (
                incident.postmortem_path,
                "postmortem.md",
                ((incident.head, 1), (incident.body, incident.body_line)),
            ),
            (incident.timeline_path, "timeline.log", ((incident.timeline_text, 1),)),
        ):
            found = [s for text, first in parts for s in leaks.scan(text, first, allowed)]
            for secret in found:
                self._found_secret(path, secret)
            if allowed:
                for text, first in parts:
                    self._allow_secrets(text, first, allowed)
            if found and redacting:
                try:  # redact the file as it is, so that it reads as it did
                    text = (folder / name).read_bytes().decode("utf-8")
                except (OSError, UnicodeDecodeError):
                    text = "".join(text for text, _ in parts)
                redacted[name] = leaks.redact(text, leaks.scan(text, 1, allowed)).encode("utf-8")
        if not redacted:
            return incident
        sources = Sources(
            redacted.get("postmortem.md") or (folder / "postmortem.md").read_bytes(),
            redacted.get("timeline.log") or (folder / "timeline.log").read_bytes(),
        )
        return load_incident(folder, self.settings, sources=sources).incident or incident

    def _allow_secrets(self, text: str, first: int, lines: set[int]) -> None:
        """Let the last pass publish the values of ``text`` on ``lines``, which silence HS801."""
        from hindsight import leaks

        for secret in leaks.scan(text, first):
            if secret.line in lines:
                self.sources.allowed_secrets.add(text[secret.start : secret.end])

    def _refuse_secrets(self) -> None:
        """Stop the build when a page would publish a secret (unless ``site.secrets: redact``)."""
        if not self.secrets_found:
            return
        places = self.secrets_found
        self.secrets_found = []
        count = f"{len(places)} secret{'s' if len(places) != 1 else ''}"
        raise PluginError(
            f"{count} would be published; the site was not built:\n  "
            + "\n  ".join(places)
            + "\nRemove each one and revoke it ('hindsight check' reports them as HS801), or "
            "silence a false alarm with <!-- hindsight: ignore HS801 --> on its line. To publish "
            "with the values redacted instead, set 'site: {secrets: redact}' in hindsight.yml."
        )

    def _find_mentions(
        self, seen: list[tuple[str, str | None, bool]], published: list[Any]
    ) -> None:
        """Note where a published incident names a restricted one (HS810); said at on_env."""
        from hindsight.mentions import CODE, describe, in_incident, restricted

        self.hidden = restricted(self.settings, seen)
        self.binary_pages = []
        self.leaks = [
            f"{path}:{mention.line}:{mention.column}: HS810 {describe(mention)}"
            for incident in published
            for path, mention in in_incident(self.hidden, incident)
        ]
        for incident in published:  # what an author silenced, the last pass lets be too
            if any(CODE in codes for codes in incident.ignores.values()):
                self._allow_names(incident.body, incident.body_line, incident.ignores)

    def _attachments(self, incident: Any, files: Files, config: MkDocsConfig) -> None:
        """Copy a published incident's ``attachments/``: regular files only, never symlinks."""
        base = self.settings.root / incident.folder / "attachments"
        stack = [(base, "")]
        while stack:
            folder, rel = stack.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_symlink():
                    log.warning(
                        f"{incident.folder}/attachments/{rel}{entry.name}: a symlink; "
                        "not published (hindsight check reports it as HS904)"
                    )
                elif entry.is_dir(follow_symlinks=False):
                    stack.append((Path(entry.path), f"{rel}{entry.name}/"))
                elif entry.is_file(follow_symlinks=False):
                    src = f"incidents/{incident.id}/attachments/{rel}{entry.name}"
                    where = f"{incident.folder}/attachments/{rel}{entry.name}"
                    self.sources.by_file[src] = [Source(where, entry.path)]
                    content = self._attachment_text(where, entry)
                    files.append(
                        File.generated(
                            config,
                            src,
                            abs_src_path=None if content is not None else entry.path,
                            content=content,
                            inclusion=InclusionLevel.NOT_IN_NAV,
                        )
                    )

    def _attachment_text(self, where: str, entry: os.DirEntry[str]) -> str | None:
        """An attachment's text with its secrets redacted, when it is text holding one; else None.

        Text attachments (logs, configs) are scanned like the postmortem; files over 20 MB and
        files that are not UTF-8 text are copied as they are.
        """
        from hindsight import leaks

        try:
            if entry.stat(follow_symlinks=False).st_size > 20_000_000:
                return None
            with open(entry.path, "rb") as handle:
                data = handle.read()
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        if "\0" in text or not leaks.may_hold(text):
            return None
        found = leaks.scan(text)
        for secret in found:
            self._found_secret(where, secret)
        return leaks.redact(text, found) if found else None

    def _rule_pages(self, add: Callable[..., None]) -> None:
        from hindsight.rules import ALL_RULES

        add("rules/index.md", pages.rules_index_markdown(ALL_RULES), in_nav=True)
        for rule in ALL_RULES:
            add(pages.rule_path(rule.code) + "index.md", pages.rule_markdown(rule))

    # --- pages -----------------------------------------------------------------------------

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Point an incident page's edit link at its postmortem.md in the repository."""
        incident = self.incident_pages.get(page.file.src_uri)
        if incident is None and page.file.generated_by is None:
            if self.hidden is not None:
                self._page_mentions(page, config)
            markdown = self._page_without_secrets(markdown, page)
        if incident is not None:
            page.edit_url = pages.edit_url(incident, self.repo_url, self.settings.edit_uri)
            # the site's sections are in the header; an incident needs the width for its tables
            page.meta.setdefault("hide", ["navigation"])
        return markdown

    def _page_without_secrets(self, markdown: str, page: Page) -> str:
        """A page of docs/ as it may be published: refused or redacted when it holds a secret."""
        from hindsight import leaks
        from hindsight.load.markdown import ignores

        if not leaks.may_hold(markdown):
            return markdown
        source = page.file.content_string
        first = (
            source[: len(source) - len(markdown)].count("\n") + 1
            if source.endswith(markdown)
            else 1
        )
        allowed = {n for n, codes in ignores(markdown, first).items() if leaks.CODE in codes}
        found = leaks.scan(markdown, first, allowed)
        if allowed:
            self._allow_secrets(markdown, first, allowed)
        for secret in found:
            self._found_secret(self._page_label(page), secret)
        self._refuse_secrets()
        return leaks.redact(markdown, found) if found else markdown

    def _page_label(self, page: Page) -> str:
        """A hand-written page's file as messages name it: from the archive's root."""
        from hindsight.paths import relative

        path = page.file.abs_src_path
        return relative(Path(path), self.settings.root) if path else page.file.src_uri

    def _page_mentions(self, page: Page, config: MkDocsConfig) -> None:
        """Note where a hand-written page names a restricted incident (in its source, by line),
        or is not text at all."""
        from hindsight.load.frontmatter import not_text
        from hindsight.mentions import describe, in_text

        try:
            source = page.file.content_string
        except (OSError, UnicodeDecodeError):
            return
        label = self._page_label(page)
        binary = not_text(source.encode("utf-8", errors="surrogateescape"))
        if binary is not None:
            self.binary_pages.append(f"{label}:{binary[0]}: {binary[1]}")
            return
        self.leaks += [
            f"{label}:{m.line}:{m.column}: HS810 {describe(m)}"
            for m in in_text(self.hidden, source)
        ]
        if "hindsight:" in source:
            from hindsight.load.markdown import ignores

            self._allow_names(source, 1, ignores(source, 1))

    def _allow_names(self, text: str, first: int, silenced: dict[int, Any]) -> None:
        """Let the last pass publish the restricted names in ``text`` on lines silencing HS810."""
        from hindsight.mentions import CODE
        from hindsight.readers import name_key

        for mention in self.hidden.find(text) if self.hidden is not None else ():
            if CODE in silenced.get(mention.line + first - 1, ()):
                item = mention.incident
                name = item.id if mention.by == "id" else item.title or item.id
                self.sources.allowed_names.add(name_key(name))

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        """Refuse the build, before any page is written, if a public page names a restricted
        incident or a hand-written page is not text."""
        problems = []
        if self.leaks:
            count = len(self.leaks)
            problems.append(
                f"{count} place{'s' if count != 1 else ''} in public pages "
                f"name{'' if count != 1 else 's'} a restricted incident, which must appear "
                "nowhere in the site; remove each mention ('hindsight check' reports them as "
                "HS810):\n  " + "\n  ".join(self.leaks)
            )
        if self.binary_pages:
            problems.append(
                "pages under docs/ that are not text; save them as UTF-8 text:\n  "
                + "\n  ".join(self.binary_pages)
            )
        if problems:
            raise PluginError("\n".join(problems))
        self.files = files
        if self.config.search:  # indexes each page as it is written: see on_post_page
            self._close_indexer()
            try:
                self.indexer = search.Indexer()
            except search.SearchError as exc:
                raise PluginError(f"search: {exc}") from None
            self.index_started = time.perf_counter()
        return env

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Sanitise incident pages and fill in cards, timelines, listings and home-page lists."""
        html = pages.label_task_boxes(html)
        data = self.data
        if data is None:
            return html
        src = page.file.src_uri
        href = _href_from(page, config.use_directory_urls)
        incident = self.incident_pages.get(src)
        if incident is not None:
            return self._incident_html(html, incident, data, href, page)
        build = self.listings.get(src)
        if build is not None:
            return html + build(href)
        # the lists name incidents that have pages of their own: they stay out of the index
        if RECENT in html:
            recent = pages.recent_list(data, href, self.config.recent)
            html = html.replace(RECENT, search.ignored(recent))
        if ON_THIS_DAY in html:
            html = html.replace(ON_THIS_DAY, search.ignored(pages.on_this_day(data, href)))
        if not self.config.search:
            return html
        # a hand-written page or a rule: its code blocks are sample postmortems, console
        # sessions and blaming sentences that would answer searches for incidents
        kind = "rule" if src.startswith("rules/") else "guide"
        return search.body(html, kind=kind, code=False)

    def _incident_html(
        self, html: str, incident: Any, data: SiteData, href: Href, page: Page
    ) -> str:
        """Sanitise the rendered postmortem; place the card's searchable part and slots for the rest.

        The page is marked for Pagefind (:func:`search.body`). The card's details, the banner,
        the timeline and related incidents go in at :meth:`on_post_page`, marked to be left
        out of the index: they would only repeat labels in it.
        """
        from hindsight.site.sanitize import sanitize

        html = pages.mark_action_table(sanitize(html))
        # a ticket key, searched for exactly, finds its incident first
        html = html.replace('<a class="hs-ticket"', '<a class="hs-ticket" data-pagefind-weight="5"')
        card = pages.card(incident, data, href, page.edit_url)
        self.later[page.file.src_uri] = (card, incident, href)
        html = html.replace(
            f"<p>{self.marker('card')}</p>",
            card.html(banner=self.slot("banner"), details=self.slot("details")),
            1,
        )
        placed = f"<p>{self.marker('timeline')}</p>"
        if placed in html:
            html = html.replace(placed, self.slot("timeline"), 1)
        else:  # the marker ended up inside a code block the author left open
            html = html.replace(self.marker("timeline"), "")
            html += '<h2 id="timeline">Timeline</h2>' + self.slot("timeline")
        html += self.slot("related")
        return search.body(html, kind="incident") if self.config.search else html

    def slot(self, name: str) -> str:
        """A comment that :meth:`on_post_page` replaces; search and readers never see it."""
        return f"<!--{self.marker(name)}-->"

    @event_priority(-50)  # after other plugins, so that Pagefind reads the page as written
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """Fill an incident page's slots with the parts kept out of the search index, and give
        the page to Pagefind when it has something to find.

        The timeline and related incidents are built here, not when the page's content is:
        MkDocs renders every page's content before it writes the first, and holding all the
        timelines until then would cost tens of megabytes at 5,000 incidents.
        """
        later = self.later.pop(page.file.src_uri, None)
        if later is not None:
            card, incident, href = later
            for slot, html in (
                (self.slot("banner"), card.banner),
                (self.slot("details"), card.details),
                (self.slot("timeline"), pages.timeline_table(incident)),
                (self.slot("related"), pages.related(incident, self.data, href)),
            ):
                output = output.replace(slot, search.ignored(html) if html else "", 1)
        if self.indexer is not None:
            searchable = search.searchable(output)
            try:
                if searchable is not None:
                    self.indexer.add(_result_url(page.url), searchable)
            except search.SearchError as exc:
                raise PluginError(f"search: {exc}") from None
        return output

    # --- after the build -------------------------------------------------------------------

    @event_priority(-100)  # last: the site is moved into place after every other plugin wrote
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Index the built site with Pagefind; fail if a restricted incident's id reached the
        search index or the sitemap; else put the new site in place of the old one."""
        gc.unfreeze()  # what on_files froze may be collected again (mkdocs serve rebuilds)
        failed = _strict_failure(config)
        if self.indexer is not None and not failed:
            self._write_index(Path(config.site_dir))
        self._close_indexer()
        self._leak_check(config)
        if not failed:
            self._check_published(Path(config.site_dir))
            self._move_into_place(config)

    def _check_published(self, site: Path) -> None:
        """Read every file about to be published as its reader would (:mod:`published`); fail
        the build, naming where each secret or restricted name came from, if any is there."""
        from hindsight.site.published import problems

        started = time.perf_counter()
        with _collector_paused():  # what the build read is still there: nothing to walk it for
            found = problems(site, self._published_sources(), self.hidden)
        log.debug(f"the published files were read in {time.perf_counter() - started:.2f} s")
        if found:
            count = len(found) if not found[-1].startswith("...") else "many"
            raise PluginError(
                f"{count} thing{'s' if count != 1 else ''} the site would publish must not be "
                "published (read as a reader sees them: tags, entities and compression "
                "undone); the site was not replaced:\n  "
                + "\n  ".join(found)
                + "\nRemove each secret and revoke it, and each mention of a restricted "
                "incident; 'hindsight check' reports them (HS801, HS810)."
            )

    def _published_sources(self) -> Sources:
        """Where each file of the built site comes from, by its path in the site."""
        from hindsight import leaks
        from hindsight.paths import relative
        from hindsight.rules import ALL_RULES

        sources = self.sources
        root = str(self.settings.root.resolve())
        by_src = sources.by_file
        sources.by_file = {}
        for file in self.files or ():
            dest = file.dest_uri
            if file.src_uri in by_src:
                sources.by_file[dest] = by_src[file.src_uri]
            elif file.src_uri in (CSS, JS, SEARCH_JS) and file.generated_by:
                sources.shipped.add(dest)  # Hindsight's own script and styles
            elif file.generated_by is None and file.abs_src_path:
                path = os.path.realpath(file.abs_src_path)
                if _inside(path, root):
                    sources.by_file[dest] = [Source(relative(Path(path), Path(root)), path)]
                else:  # the theme's or another package's file, as it shipped
                    sources.shipped.add(dest)
        for rule in ALL_RULES:  # the rule reference shows each rule's example as written
            text = pages.rule_markdown(rule)
            sources.allowed_secrets.update(text[s.start : s.end] for s in leaks.scan(text))
        return sources

    def _leak_check(self, config: MkDocsConfig) -> None:
        if not self.restricted_ids:
            return
        site = Path(config.site_dir)
        if self.config.search:
            leak = search.leaks(site, self.restricted_ids)
            if leak is not None:
                name, found = leak
                self._published_restricted(name, found, None)
        pattern = re.compile("|".join(re.escape(i) for i in self.restricted_ids), re.IGNORECASE)
        try:  # (Material's search, which would write search/search_index.json, is refused)
            content = (site / "sitemap.xml").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return
        found = pattern.search(content)
        if found:
            self._published_restricted(
                "sitemap.xml", found.group(0), _page_of(content, found.start())
            )

    def _published_restricted(self, name: str, found: str, page: str | None) -> None:
        raise PluginError(
            f"{name} names the restricted incident {found}"
            f"{f' on the page {page}' if page else ''}: something outside the hindsight "
            "plugin published it (a theme override, a template or another plugin); "
            "remove it before publishing this site"
        )

    def _write_index(self, site: Path) -> None:
        """Write Pagefind's bundle of the pages it was given into ``site``."""
        from hindsight.humane import plural

        assert self.indexer is not None
        waited = time.perf_counter()
        try:
            count = self.indexer.write(site / search.BUNDLE)
        except search.SearchError as exc:
            raise PluginError(f"search: {exc}") from None
        now = time.perf_counter()
        preview = " (a preview: only the incidents it builds)" if os.environ.get(PREVIEW) else ""
        log.info(
            f"search: Pagefind indexed {plural(count, 'page')}{preview} while they were "
            f"written, and its bundle took {now - waited:.1f} s more "
            f"({now - self.index_started:.1f} s in all)"
        )

    def _close_indexer(self) -> None:
        if self.indexer is not None:
            self.indexer.close()
            self.indexer = None

    def _move_into_place(self, config: MkDocsConfig) -> None:
        """The finished site takes the place of ``site_dir``; the old one is removed."""
        import shutil

        if not self.building or not os.path.isdir(self.building):
            return
        from hindsight.site import aside

        old = f"{self.building}.old"
        had_site = os.path.lexists(self.site_dir)
        # the old site is locked while it is moved away and removed: no other build's
        # clean-up takes it for a stopped build's
        old_lock = aside.hold(self.site_dir) if had_site and os.path.isdir(self.site_dir) else None
        try:
            if had_site:
                os.rename(self.site_dir, old)
            os.rename(self.building, self.site_dir)
        except OSError:  # site_dir is a mount point, or in use: replace what it holds instead
            if had_site and not os.path.lexists(self.site_dir):
                os.rename(old, self.site_dir)
            _replace_contents(self.site_dir, self.building)
        shutil.rmtree(old, ignore_errors=True)
        aside.release(old_lock)
        self._release()
        config.site_dir = self.site_dir
        self.building = ""
        log.info(f"the site is in {self.site_dir} (built beside it, then moved into place)")

    def _release(self) -> None:
        from hindsight.site import aside

        aside.release(self.lock)
        self.lock = None

    @event_priority(-100)  # last: an error it turns into one line must not stop the others'
    def on_build_error(self, *, error: Exception) -> None:
        """A failed build frees what on_files froze, and leaves the last good site as it was.

        The error is said in one line, never a traceback: a file that could not be written
        (a full disk) is named; what a message quotes of the files is made visible.
        """
        import shutil

        from mkdocs.exceptions import Abort, BuildError

        from hindsight.terminal import visible

        gc.unfreeze()
        self._close_indexer()
        if self.building:
            shutil.rmtree(self.building, ignore_errors=True)
            self.building = ""
        self._release()
        if self.mkdocs_config is not None and self.site_dir:
            self.mkdocs_config.site_dir = self.site_dir
        if isinstance(error, BuildError):  # mkdocs says it in one line
            error.message = visible(error.message)
            return
        cause = _os_error(error)
        if cause is not None:
            stop = Abort(visible(_io_message(cause, self.site_dir)))
            stop.exit_code = 2
            raise stop from None

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        """Rebuild when an incident, ``hindsight.yml`` or a template changes."""
        server.watch(str(self.settings.incidents_path))
        config_file = self.settings.root / "hindsight.yml"
        if config_file.exists():
            server.watch(str(config_file))
        return server


def _os_error(error: BaseException) -> OSError | None:
    """The OSError that ``error`` is, or that led to it."""
    seen: BaseException | None = error
    for _ in range(10):
        if seen is None or isinstance(seen, OSError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _io_message(error: OSError, site_dir: str) -> str:
    import errno

    where = f"{error.filename}: " if error.filename else ""
    full = error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
    advice = "free some space and build again" if full else "fix that, then build again"
    return (
        f"hindsight: the site could not be written: {where}{error.strerror or error}; "
        f"the last good site in {site_dir} is as it was; {advice}"
    )


class _Visible(logging.Filter):
    """What the plugin logs is shown, never obeyed, by a terminal (see hindsight.terminal)."""

    def filter(self, record: logging.LogRecord) -> bool:
        from hindsight.terminal import visible

        record.msg, record.args = visible(record.getMessage()), ()
        return True


log.logger.addFilter(_Visible())


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a while (reference counting still frees);
    back on afterwards unless it was off already."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _result_url(url: str) -> str:
    """A page's address from the site's root as Pagefind gives it: ``index.html`` left off."""
    url = "/" + url
    return url[: -len("index.html")] if url.endswith("/index.html") else url


def _strict_failure(config: MkDocsConfig) -> bool:
    """Whether ``mkdocs build --strict`` will abort after this event, for the warnings it saw."""
    from mkdocs.utils import CountHandler

    if not config.strict:
        return False
    handlers = logging.getLogger("mkdocs").handlers
    return any(isinstance(h, CountHandler) and h.get_counts() for h in handlers)


def _replace_contents(target: str, source: str) -> None:
    """Empty ``target``, then move everything in ``source`` into it."""
    import shutil

    for entry in os.scandir(target):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)
    for entry in os.scandir(source):
        shutil.move(entry.path, os.path.join(target, entry.name))
    shutil.rmtree(source, ignore_errors=True)


def _page_of(sitemap: str, at: int) -> str | None:
    """The page of the built site whose ``<loc>`` in the sitemap holds ``at``."""
    start = sitemap.rfind("<loc>", 0, at)
    end = sitemap.find("</loc>", start)
    return sitemap[start + 5 : end].strip() if start >= 0 and end > 0 else None


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder + os.sep)


def _schema_check(settings: Any, today: date) -> Callable[[Any], list[Any]]:
    """The error-level findings of the schema rules (HS112-HS115) for a loaded incident.

    The build owns what it needs to publish a page that is right: an incident that can be
    read, with valid front matter (the schema family, at the levels hindsight.yml gives it,
    as ``hindsight check`` reports them). The other families are ``check``'s, in CI: a
    draft with an empty section may be published, as ``site.publish`` allows.
    """
    from hindsight.engine import incident_findings, levels_for
    from hindsight.model import Category, Level
    from hindsight.rules import ALL_RULES, CheckContext

    rules = tuple(r for r in ALL_RULES if r.category is Category.SCHEMA and r.per_incident)
    ctx = CheckContext(settings, today)
    levels = levels_for(ctx, ALL_RULES)

    def errors(loaded: Any) -> list[Any]:
        found = incident_findings(loaded, ctx, rules, levels)
        return [f for f in found if f.level is Level.ERROR]

    return errors


def _where(finding: Any) -> str:
    place = finding.path + (f":{finding.line}" if finding.line else "")
    place += f":{finding.column}" if finding.line and finding.column else ""
    return f"{place}: {finding.code} {finding.message}"


def _figures(data: SiteData) -> str:
    from hindsight.site import charts

    incidents = data.incidents
    return (
        '<p class="hs-lead">Drawn from the '
        f"{len(incidents)} published incidents on {data.today.isoformat()}.</p>"
        '<h2 id="incidents-per-month">Incidents per month</h2>'
        + charts.per_month_by_severity(incidents, list(data.settings.severities), data.today)
        + '<h2 id="response-times">Time to detect, mitigate and resolve</h2>'
        + charts.response_times(incidents, data.today)
        + '<h2 id="action-item-closure">Action items</h2>'
        + charts.action_item_closure(incidents, data.today)
    )


def _href_from(page: Page, directory_urls: bool) -> Href:
    """Links from ``page`` to site paths such as ``incidents/<id>/`` (by way of the site root)."""
    root = get_relative_url(".", page.url).rstrip("/")
    root = "" if root in ("", ".") else root + "/"
    if directory_urls:
        return lambda path: root + path
    return lambda path: root + (path + "index.html" if path.endswith("/") else path)
