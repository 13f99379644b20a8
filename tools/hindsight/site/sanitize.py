"""Sanitise the HTML that Markdown renders from a postmortem, keeping Material's markup.

Python-Markdown passes raw HTML, event handlers, ``javascript:`` links and comments straight
through (RELIABILITY.md §0.8), and anyone with pull-request rights writes postmortems. The
rendered HTML of every incident page therefore goes through an allowlist: nh3 (ammonia, on
html5ever, the parser browsers use), not a regular expression.

What stays: the tags Markdown and its common extensions produce (tables, code blocks with
highlighting spans, admonitions, details, footnotes, permalinks, task-list checkboxes), ``class``/``id``/``title``
anywhere, ``href`` and ``src`` with http(s), mailto or relative URLs, and ``text-align`` in
table cells. Everything else goes: scripts and styles with their content, iframes, forms,
event handlers, ``style`` elsewhere, ``data:`` and ``javascript:`` URLs, and HTML comments
(template guidance, and notes such as ``<!-- customer: ACME -->`` that must not be published).
"""

from __future__ import annotations

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


@lru_cache(maxsize=1)
def _cleaner() -> Any:
    import nh3

    return nh3.Cleaner(
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
