"""Sanitise the HTML that Markdown renders from a postmortem, keeping Material's markup.

Python-Markdown passes raw HTML, event handlers, ``javascript:`` links and comments straight
through (RELIABILITY.md §0.8), and anyone with pull-request rights writes postmortems. The
rendered HTML of every incident page therefore goes through an allowlist: nh3 (ammonia, on
html5ever, the parser browsers use), not a regular expression.

What stays: the tags Markdown and its common extensions produce (tables, code blocks with
highlighting spans, admonitions, details, footnotes, permalinks, task-list checkboxes),
``title`` anywhere, ``href`` and ``src`` with http(s), mailto or relative URLs, and
``text-align`` in table cells. ``id`` (and ``name`` on links) stays when it is shaped as
Python-Markdown makes them (heading slugs, ``fn:1``) and is not the site's own (``md-…`` and
``__…`` are Material's, ``hs-…`` and the headings it adds the plugin's): an author's
``<div id="hs-search">`` would otherwise stop the search box from being made on the page.
``class`` keeps the classes Markdown's extensions and Pygments give, the admonition kinds,
and an author's own that start with ``author-``; the others (``md-…``, ``hs-…``) go. Everything else goes: scripts and styles with their content, iframes, forms,
event handlers, ``style`` elsewhere, ``data:`` and ``javascript:`` URLs, and HTML comments
(template guidance, and notes such as ``<!-- customer: ACME -->`` that must not be published).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "input",
        "ins",
        "kbd",
        "label",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "u",
        "ul",
        "var",
        "wbr",
    }
)
_CLEAN_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "template",
        "noscript",
        "textarea",
        "select",
        "math",
        "svg",
    }
)
_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "scope", "style"},
    "ol": {"start"},
    "time": {"datetime"},
    "details": {"open"},
    "input": {"checked", "disabled", "aria-label"},
}
#: task lists (pymdownx.tasklist) render disabled checkboxes; no other input survives
_VALUES = {"input": {"type": {"checkbox"}}}
_SCHEMES = frozenset({"http", "https", "mailto"})


#: an id or link name as Python-Markdown makes them: heading slugs (also Unicode ones), footnotes
_MARKDOWN_ID = re.compile(r"[\w][\w:.-]*")
#: ids the page itself relies on, exactly (an author's ``## HS-2 rollout`` or ``## Md_5 digests``
#: keeps its id): Material's all begin with ``__`` (``__drawer``, ``__search``, ``__nav_1``,
#: ``__palette_0``, ``__md_scope``…); the plugin's are those its pages and scripts look up, and
#: the heading it adds to an incident's page
_SITE_ID = re.compile(
    r"__|(?:hs-search|hs-search-page|hs-incidents|related-incidents)$", re.IGNORECASE
)
#: classes that Markdown's extensions give (and Material styles): admonitions and their kinds,
#: permalinks, footnotes, task lists, code blocks
_CLASSES = frozenset(
    {
        *("admonition", "admonition-title", "headerlink", "toclink", "footnote"),
        *("footnote-ref", "footnote-backref", "task-list", "task-list-item"),
        *("task-list-control", "task-list-indicator", "highlight", "codehilite"),
        *("highlighttable", "linenos", "linenodiv", "filename", "inline", "end"),
        *("note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important"),
        *("success", "check", "done", "question", "help", "faq", "warning", "caution"),
        *("attention", "failure", "fail", "missing", "danger", "error", "bug", "example"),
        *("quote", "cite", "seealso"),
        "hs-ticket",  # the plugin's own: it links the action items' tickets in the Markdown
    }
)
#: an author's own class (styled by the archive's extra_css)
AUTHOR_CLASS = "author-"


@lru_cache(maxsize=1)
def _token_classes() -> frozenset[str]:
    """The short classes Pygments gives highlighted code (``n``, ``s2``, ``err``…)."""
    try:
        from pygments.token import STANDARD_TYPES
    except ImportError:  # pragma: no cover - Pygments comes with Material's extensions
        return frozenset()
    return frozenset(c for c in STANDARD_TYPES.values() if c)


def _attribute(tag: str, name: str, value: str) -> str | None:
    """Keep ``id``, ``name`` and ``class`` only as far as they are the author's to set."""
    if name == "class":
        tokens = _token_classes()
        kept = [
            c for c in value.split() if c in _CLASSES or c in tokens or c.startswith(AUTHOR_CLASS)
        ]
        return " ".join(kept) or None
    mine = name not in ("id", "name") or _MARKDOWN_ID.fullmatch(value) and not _SITE_ID.match(value)
    return value if mine else None


@lru_cache(maxsize=1)
def _cleaner() -> Any:
    import nh3

    return nh3.Cleaner(
        attribute_filter=_attribute,
        tags=set(_TAGS),
        clean_content_tags=set(_CLEAN_CONTENT),
        attributes=_ATTRIBUTES,
        tag_attribute_values=_VALUES,
        set_tag_attribute_values={"input": {"disabled": ""}},
        url_schemes=set(_SCHEMES),
        strip_comments=True,
        link_rel=None,
        filter_style_properties={"text-align"},
    )


def sanitize(html: str) -> str:
    """``html`` with only the allowed tags, attributes and URL schemes; no comments."""
    return str(_cleaner().clean(html))
