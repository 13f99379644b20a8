"""Titles become safe ASCII slugs: never a path, never empty (RELIABILITY 49)."""

from __future__ import annotations

import pytest

from hindsight.scaffold import MAX_SLUG, slugify


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Checkout API returned 502s", "checkout-api-returned-502s"),
        ("../../x", "x"),
        ("/etc/passwd", "etc-passwd"),
        ("．．／x", "x"),
        ("CON", "con"),
        ("Straße in Zürich: Ærø down", "strasse-in-zurich-aero-down"),
        ("a\x00b\u202ec", "a-b-c"),
        ("日本語だけ", "incident"),
        ("", "incident"),
    ],
)
def test_slugs_are_safe(title: str, slug: str) -> None:
    """Unsafe or unicode titles fold to lowercase ASCII, digits and hyphens."""
    assert slugify(title) == slug


def test_long_titles_are_cut_at_a_word() -> None:
    """A 300-character title gives a slug of at most 60 characters, cut at a hyphen."""
    slug = slugify("word " * 60)
    assert len(slug) <= MAX_SLUG and not slug.endswith("-") and slug.endswith("word")
