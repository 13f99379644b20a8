"""Front matter is read with file lines, and every malformed shape is a problem, never {}."""

from __future__ import annotations

import time

import pytest
import yaml

from hindsight.load import yamlsafe
from hindsight.load.frontmatter import split


def codes(data: bytes) -> list[tuple[str, int | None]]:
    """(code, line) of every problem found in ``data``."""
    return [(p.code, p.line) for p in split(data, "p.md").problems]


def test_reads_keys_with_their_file_lines() -> None:
    """Every key keeps the file line it was written on."""
    doc = split(b"---\ntitle: Hello\nservices: [a, b]\n---\n# Body\n", "p.md")
    assert dict(doc.meta) == {"title": "Hello", "services": ["a", "b"]}
    assert {k: p.line for k, p in doc.meta.key_pos.items()} == {"title": 2, "services": 3}
    assert doc.body == "# Body\n" and doc.body_line == 5 and doc.problems == []


def test_bom_is_accepted_and_remembered() -> None:
    """A UTF-8 byte-order mark does not hide the front matter (RELIABILITY 1)."""
    doc = split(b"\xef\xbb\xbf---\ntitle: x\n---\nbody", "p.md")
    assert doc.meta == {"title": "x"} and doc.bom and doc.problems == []


def test_crlf_is_read_and_remembered() -> None:
    """CRLF files parse, and the line ending is kept for later edits (RELIABILITY 6)."""
    doc = split(b"---\r\ntitle: x\r\n---\r\nbody\r\n", "p.md")
    assert doc.meta == {"title": "x"} and doc.newline == "\r\n" and doc.problems == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"---\ntitle: x\n", [("HS102", 1)]),  # 2: unterminated
        (b"---\n- a\n- b\n---\n", [("HS104", 2)]),  # 4: a list
        (b"---\njust text\n---\n", [("HS104", 2)]),  # 4: a scalar
        (b"---\n---\n", [("HS104", 2)]),  # 4: empty
        (b"---\rtitle: x\r---\r", [("HS109", 1)]),  # 5: CR-only, normalised with a warning
        (b"---\ntitle: caf\xe9\n---\n", [("HS109", 2)]),  # 7: Latin-1 byte
        (b"---\nd: 2024-02-30\n---\n", [("HS108", 2)]),  # 10: not a real date
        (b"---\ntitle: a\ntitle: b\n---\n", [("HS106", 3)]),  # 12: duplicate at the 2nd key
        (b"---\na: &x [*x]\n---\n", [("HS105", 2), ("HS105", 2)]),  # 15: self-alias
        (b"---\na: !!python/object/apply:os.system ['true']\n---\n", [("HS105", 2)]),  # 18
        (b"---\na: !!binary aGVsbG8=\n---\n", [("HS105", 2)]),  # 19: binary
        (b"---\nb: {a: 1}\nx:\n  <<: {a: 1}\n---\n", [("HS105", 4)]),  # 19: merge key
        (b"---\n1: a\ntrue: b\n2024-01-01: c\n---\n", [("HS107", 2), ("HS107", 3), ("HS107", 4)]),
        (
            b"---\n\n\ntitle: x\nservices:\n  - a\n\t- b\n---\n",
            [("HS103", 7)],
        ),  # 21: tab, file line
        (b"---\ntitle: Assignment 1: Some Title\n---\n", [("HS103", 2)]),  # 22
        (b'{\n"a": 1}\n', [("HS101", 1)]),  # 25: JSON is not front matter
        (b'---\ntitle: "a\\e[31m"\n---\n', [("HS109", 2)]),  # 26: ESC
        ('---\ntitle: "x\u202ey"\n---\n'.encode(), [("HS109", 2)]),  # 26: U+202E
        ('---\ntitle: "x\u2028y"\n---\n'.encode(), [("HS109", 2)]),  # 26: U+2028
        (b"---\ntitle: a\x00b\n---\n", [("HS109", 2)]),  # 26: NUL
        (b"---\ndescription: |\n  text\n---\n  more\n---\n", [("HS102", 4)]),  # 24
        (b"+++\ntitle = 'x'\n+++\n", [("HS101", 1)]),
    ],
)
def test_malformed_front_matter_is_reported_at_its_file_line(
    data: bytes, expected: list[tuple[str, int]]
) -> None:
    """Each malformed shape gives its code at the right file line, never a silent {}."""
    assert codes(data) == expected


def test_dots_close_the_front_matter_explicitly() -> None:
    """A YAML ``...`` end line closes the block as ``---`` does (RELIABILITY 3)."""
    doc = split(b"---\ntitle: x\n...\nbody\n", "p.md")
    assert doc.meta == {"title": "x"} and doc.body == "body\n"


def test_horizontal_rules_and_dashes_in_values_survive() -> None:
    """A title with ' --- ' and a body with '---' rules stay intact (RELIABILITY 23)."""
    body = "body\n\n---\n\nmore\n"
    doc = split(f"---\ntitle: a --- b\n---\n{body}".encode(), "p.md")
    assert doc.meta == {"title": "a --- b"} and doc.body == body


def test_alias_bomb_is_refused_fast() -> None:
    """A nine-level alias bomb is refused before anything expands it (RELIABILITY 14)."""
    lines = ["---", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 10):
        refs = ",".join([f"*a{n - 1}"] * 9)
        lines.append(f"a{n}: &a{n} [{refs}]")
    data = ("\n".join(lines) + "\n---\n").encode()
    started = time.perf_counter()
    doc = split(data, "p.md")
    assert time.perf_counter() - started < 1.0
    assert {p.code for p in doc.problems} == {"HS105"}
    assert all(v is None or v == ["lol"] * 9 or set(v) == {None} for v in doc.meta.values())


DEEP = {
    "flow sequences": lambda n: "a: " + "[" * n + "]" * n,
    "flow mappings": lambda n: "a: " + "{k: " * n + "1" + "}" * n,
    "block sequences": lambda n: "a:\n" + "- " * n + "x",
    "explicit keys": lambda n: "? " * n + "x",
    "block mappings": lambda n: "".join(" " * i + "k:\n" for i in range(n)),
}


@pytest.mark.parametrize(
    ("shape", "depth"),
    # block mappings deeper than about 350 levels are over the 64 KB front matter limit
    [(s, d) for s in DEEP for d in (33, 100, 1000, 2000) if s != "block mappings" or d <= 300],
)
@pytest.mark.parametrize("libyaml", [True, False], ids=["libyaml", "pure-python"])
def test_deep_nesting_is_refused_the_same_whatever_pyyaml(
    shape: str, depth: int, libyaml: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nesting past 32 levels is HS110, never a RecursionError nor a syntax error (RELIABILITY 16).

    The libyaml in PyYAML 6.0.4 refuses 1,000 levels itself, with a scanner error that
    earlier wheels never raise: the outcome must not depend on the version installed.
    """
    if not libyaml:
        monkeypatch.setattr(yamlsafe, "_Loader", yaml.SafeLoader)
    text = DEEP[shape](depth)
    data = b"---\n" + text.encode() + b"\n---\n"
    found = [p.code for p in split(data, "p.md").problems]
    # keys that are mappings are HS107 on the way down; the depth is refused once, last
    assert found[-1:] == ["HS110"] and set(found) <= {"HS107", "HS110"}
    assert shape == "explicit keys" or found == ["HS110"]


@pytest.mark.parametrize("shape", DEEP)
def test_nesting_to_the_limit_is_read(shape: str) -> None:
    """32 levels are read, and the cheap bound that picks the parser sees them as possibly deep."""
    text = DEEP[shape](31)
    doc = split(b"---\n" + text.encode() + b"\n---\n", "p.md")
    assert doc.readable and "HS110" not in {p.code for p in doc.problems}
    assert not yamlsafe.could_nest_deeper("title: x\nservices: [a, b]\ntags:\n  - one\n  - two\n")
    assert yamlsafe.could_nest_deeper(DEEP[shape](33))


def test_oversized_file_is_refused_before_parsing() -> None:
    """A 6 MB file is refused without being parsed (RELIABILITY 17)."""
    data = b"---\ntitle: x\n---\n" + b"a" * (6 * 1024 * 1024)
    assert codes(data) == [("HS110", 1)]


def test_oversized_front_matter_is_refused() -> None:
    """A front matter block over 64 KB is refused."""
    data = b"---\n" + b"k: v\n" * 20000 + b"---\n"
    assert codes(data) == [("HS110", 2)]


def test_yaml_one_one_values_are_resolved_like_safe_load() -> None:
    """Plain values resolve as yaml.safe_load would; the raw text is kept for the schema."""
    doc = split(b"---\ncountry: NO\nticket: 0755\ntime: 14:30\nversion: 1.10\n---\n", "p.md")
    assert dict(doc.meta) == {"country": False, "ticket": 493, "time": 870, "version": 1.1}
    assert doc.meta.value_pos["ticket"].raw == "0755" and doc.meta.value_pos["ticket"].plain


def test_positions_of_list_items_are_kept() -> None:
    """Items of a list keep their lines, for findings about one approval."""
    doc = split(b"---\napprovals:\n  - by: sam\n    date: 2026-11-25\n  - by: lee\n---\n", "p.md")
    approvals = doc.meta["approvals"]
    assert [p.line for p in approvals.item_pos] == [3, 5]
    assert approvals[0].key_pos["date"].line == 4


def test_reading_front_matter_keeps_nothing_behind() -> None:
    """The shared YAML constructor forgets each value once built: a large archive's check does
    not keep every date and number of every front matter it read."""
    from hindsight.load import yamlsafe

    for n in range(50):
        assert (
            split(
                f"---\ndate: 2026-11-{n % 28 + 1:02d}\nseverity: {n}\nbad: 2026-02-30\n---\n".encode(),
                "p.md",
            ).meta["severity"]
            == n
        )
    assert yamlsafe._CONSTRUCTOR.constructed_objects == {}
