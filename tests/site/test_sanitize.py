"""Rendered postmortem HTML keeps Material's markup and loses everything that can run."""

from __future__ import annotations

import pytest

from hindsight.site.sanitize import sanitize

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    "<svg onload=alert(1)><circle/></svg>",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<form action="https://evil.example"><input name=p></form>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<details open ontoggle=alert(1)>x</details>",
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "<style>body{display:none}</style>",
    "<!-- internal: customer ACME -->",
    "<!--><script>alert(1)</script>-->",
    '<img src="x" alt="a" onerror="alert(1)"/>',
]
DANGER = (
    "<script",
    "onerror",
    "onload",
    "ontoggle",
    "javascript:",
    "data:",
    "<iframe",
    "<object",
    "<svg",
    "<form",
    "<style",
    "<base",
    "<meta",
    "ACME",
    "<!--",
    'style="background',
)


@pytest.mark.parametrize("attack", ATTACKS)
def test_nothing_that_can_run_survives(attack: str) -> None:
    clean = sanitize(f"<p>before</p>{attack}<p>after</p>").lower()
    assert not [d for d in DANGER if d.lower() in clean], clean
    assert "before" in clean and "after" in clean


def test_material_markup_is_kept() -> None:
    html = (
        '<h2 id="impact">Impact<a class="headerlink" href="#impact" title="Permanent link">¶</a></h2>'
        '<div class="admonition note"><p class="admonition-title">Note</p><p>x</p></div>'
        '<div class="highlight"><pre><span></span><code><span class="n">x</span></code></pre></div>'
        '<table><thead><tr><th style="text-align: left;">A</th></tr></thead>'
        "<tbody><tr><td>1</td></tr></tbody></table>"
        '<p><a href="../2026-10-02-x/">rel</a> <a href="https://x.example/a?b=1">abs</a> '
        '<a href="mailto:oncall@example.com">m</a> <img alt="graph" src="attachments/g.png"></p>'
        '<ul class="task-list"><li class="task-list-item"><label class="task-list-control">'
        '<input type="checkbox" disabled checked><span class="task-list-indicator"></span>'
        "</label> done</li></ul>"
    )
    clean = sanitize(html)
    for kept in (
        'id="impact"',
        'class="headerlink"',
        'href="#impact"',
        'class="admonition note"',
        'class="highlight"',
        '<span class="n">x</span>',
        'style="text-align:left"',
        'href="../2026-10-02-x/"',
        'href="https://x.example/a?b=1"',
        "mailto:",
        'src="attachments/g.png"',
        'type="checkbox"',
        "checked",
    ):
        assert kept in clean, kept


def test_an_author_cannot_take_the_sites_own_ids_and_classes() -> None:
    """Material's (__…), the plugin's (hs-search…, and the heading it adds), or ids not shaped
    as Markdown makes them: `<div id="hs-search">` would stop the search box being made."""
    html = (
        '<div id="hs-search" class="hs-card md-header md-typeset">a</div>'
        '<h2 id="__md_scope">b</h2><span id="__drawer">c</span><p id="HS-search-page">d</p>'
        '<h2 id="related-incidents">e</h2><a name="hs-incidents" href="#x">f</a>'
        '<p id="x y">g</p><p id=\'"a\'>h</p><p class="md-nav__link hs-status--approved">i</p>'
    )
    assert sanitize('<a class="hs-ticket" href="#t">PLAT-1</a>') == (
        '<a class="hs-ticket" href="#t">PLAT-1</a>'  # the plugin's link of a ticket, in the body
    )
    clean = sanitize(html)
    for gone in ("hs-", "md-", "HS-", "__", "related-incidents", "name=", 'id="x', "id=", "class="):
        assert gone not in clean, (gone, clean)
    assert all(c in clean for c in "abcdefghi")


def test_an_authors_heading_that_only_looks_like_a_site_id_keeps_its_id() -> None:
    """`## HS-2 rollout`, `## Md_5 digests` or a heading in the page that merely begins like
    one of the site's ids keeps its id, so the table of contents and permalinks reach it."""
    import markdown

    text = "## HS-2 rollout\n\n## Md_5 digests\n\n## Related incidents of May\n\n## hs-search tips"
    clean = sanitize(markdown.markdown(text, extensions=["toc"]))
    for kept in ("hs-2-rollout", "md_5-digests", "related-incidents-of-may", "hs-search-tips"):
        assert f'id="{kept}"' in clean, (kept, clean)


def test_markdowns_own_ids_and_classes_and_an_authors_prefixed_ones_are_kept() -> None:
    """A real Python-Markdown rendering: heading and footnote ids, admonition, task-list and
    code classes, permalinks, and `{.author-…}` classes from attr_list."""
    import markdown

    text = (
        "## Überblick\n\n## Root cause {#cause .author-callout .md-typeset}\n\n"
        'Text[^1].\n\n!!! warning "Watch"\n    Careful.\n\n- [x] done\n\n'
        "```python\nx = 1\n```\n\n[^1]: A note.\n"
    )
    html = markdown.markdown(
        text,
        extensions=[
            "admonition",
            "attr_list",
            "footnotes",
            "fenced_code",
            "codehilite",
            "pymdownx.tasklist",
            "toc",
        ],
        extension_configs={"toc": {"permalink": True}},
    )
    clean = sanitize(html)
    assert clean.count('class="headerlink"') == 2
    for kept in (
        'id="uberblick"',
        'id="cause"',
        'class="author-callout"',
        'id="fn:1"',
        'id="fnref:1"',
        'class="footnote-ref"',
        'class="footnote-backref"',
        'class="admonition warning"',
        'class="admonition-title"',
        'class="task-list"',
        'class="codehilite"',
        '<span class="n">x</span>',
    ):
        assert kept in clean, (kept, clean)
    assert "md-typeset" not in clean
