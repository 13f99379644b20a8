"""The rule registry is ordered and documented, and every documented example is true."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from hindsight.changes import changed
from hindsight.checking import check_paths
from hindsight.config import parse_settings
from hindsight.engine import judge, outcome
from hindsight.load.incident import load_incident
from hindsight.model import Category, Status
from hindsight.paths import listing
from hindsight.problems import LOADER_CODES
from hindsight.rules import ALL_RULES, Archive, CheckContext, Rule
from tests.conftest import git, write
from tests.rules.conftest import META as BASE
from tests.rules.conftest import TIMELINE

BODY = "\n# Example\n\n## Summary\n\nA summary.\n"
_BLOCK = re.compile(r"```(\w+)(?: title=\"([^\"]+)\")?\n(.*?)```", re.DOTALL)


def _sections(doc: str) -> dict[str, str]:
    """The doc's level-2 sections by title; headings inside code blocks are content."""
    found: dict[str, list[str]] = {}
    current, fenced = None, False
    for line in doc.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            current = line[3:].strip()
            found[current] = []
        elif current is not None:
            found[current].append(line)
    return {title: "\n".join(lines) + "\n" for title, lines in found.items()}


def run_example(rule: Rule, block_text: str, tmp_path: Path) -> list[str]:
    """Codes the rule finds in a valid incident changed by the doc's code blocks.

    ``yaml`` blocks update the front matter (``yaml title="hindsight.yml"``: the settings),
    ``markdown`` replaces the body, ``text`` the timeline, and ``tree`` adds paths under
    incidents/ (``a -> b`` is a symbolic link). ``markdown title="commit N"`` blocks are
    bodies committed one after the other on a branch, which ``--changed-since`` then reads.
    """
    meta = dict(BASE, status=max(rule.applies_from, Status.DRAFT, key=lambda s: s.rank).value)
    timeline, body, config, tree, whole, raw = TIMELINE, BODY, "", [], None, ""
    commits: list[str] = []
    for kind, title, content in _BLOCK.findall(block_text):
        if kind == "yaml" and title == "hindsight.yml":
            config = content
        elif kind == "yaml":  # replaces those keys, written exactly as in the doc
            for key in re.findall(r"^([^\s#:][^:]*):", content, re.MULTILINE):
                meta.pop(key, None)
            raw += content
        elif kind == "markdown" and title == "postmortem.md":
            whole = content
        elif kind == "markdown" and title.startswith("commit"):
            commits.append(f"\n# Example\n\n{content}")
        elif kind == "text":
            timeline = content.replace("\n\\ No newline at end of file\n", "")
        elif kind == "markdown":
            body = f"\n# Example\n\n{content}"
        elif kind == "tree":
            tree = [line.split(" -> ") for line in content.strip().splitlines()]
        else:
            raise AssertionError(f"{rule.code}: unknown example block '{kind}'")
    folder = tmp_path / "incidents" / "2026-11-21-example"
    front = yaml.safe_dump(meta, sort_keys=False, default_flow_style=None) + raw
    write(folder / "postmortem.md", whole if whole is not None else f"---\n{front}---\n{body}")
    write(folder / "timeline.log", timeline)
    for line in tree:
        target = tmp_path / "incidents" / line[0]
        if len(line) == 2:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(line[1])
        else:
            write(target, "")
    settings = parse_settings(config, tmp_path)
    if commits:
        git(tmp_path, "init", "-q", "-b", "main")
        git(tmp_path, "add", "-A")
        git(tmp_path, "commit", "-qm", "base")
        git(tmp_path, "checkout", "-qb", "change")
        for number, commit in enumerate(commits, 1):
            write(folder / "postmortem.md", f"---\n{front}---\n{commit}")
            git(tmp_path, "commit", "-qam", f"commit {number}")
    if rule.history:
        assert commits, f"{rule.code}: a history rule's examples are commits"
        ctx = CheckContext(settings, date(2026, 11, 21), frozenset())
        return [f.code for f in rule.check(changed(settings, "main").history, ctx)]
    if rule.loader:
        return [f.code for f in check_paths(settings, [], date(2026, 11, 21)).findings]
    ctx = CheckContext(settings, date(2026, 11, 21), frozenset(e for e, _ in listing(settings)))
    if rule.archive:
        entries = listing(settings)
        checked = tuple(name for name, kind in entries if kind == "dir")
        return [f.code for f in rule.check(Archive(entries, checked), ctx)]
    loaded = load_incident(folder, settings)
    assert loaded.incident is not None
    if rule.facts is not None:
        facts = rule.facts_of(loaded.incident)
        assert json.loads(json.dumps(facts.data)) == facts.data, (
            "facts are kept in the cache as JSON"
        )
    return [f.code for f in judge(outcome(loaded, ctx, (rule,), {}), ctx, {})]


def test_codes_are_unique_ordered_and_match_their_category() -> None:
    """Codes are HS + category digit + two digits, unique, in order, and not loader codes."""
    codes = [r.code for r in ALL_RULES]
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    assert set(LOADER_CODES) <= set(codes), "every loader problem is documented as a rule"
    for r in ALL_RULES:
        assert re.fullmatch(r"HS[1-9]\d\d", r.code) and int(r.code[2]) == r.category.digit
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", r.name)
    assert len({r.name for r in ALL_RULES}) == len(ALL_RULES)


def test_the_readme_counts_the_rules_and_names_the_categories() -> None:
    """The README's "There are N rules in nine categories: …" is what `hindsight rules` lists:
    a rule added or removed fails here until the README says so."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    found = re.search(r"There are (\d+) rules in (\w+) categories: ([^;.]+)", readme)
    assert found, "the README no longer counts the rules; keep this test in step"
    words = [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
    ]
    categories = re.split(r",\s+|\s+and\s+", " ".join(found[3].split()))
    assert int(found[1]) == len(ALL_RULES), "README.md: the number of rules"
    assert found[2] == words[len(Category) - 1], "README.md: the number of categories"
    assert categories == [c.value for c in Category]


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_docs_have_the_three_sections(rule: Rule) -> None:
    """Every rule says why, shows an example, and shows what to write instead."""
    sections = _sections(rule.doc)
    assert {"Why is this bad?", "Example", "Use instead"} <= set(sections), rule.code
    assert rule.doc.splitlines()[0].endswith(".")


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_example_is_found_and_use_instead_is_not(rule: Rule, tmp_path: Path) -> None:
    """The Example produces the rule's finding; the Use-instead produces none."""
    sections = _sections(rule.doc)
    assert rule.code in run_example(rule, sections["Example"], tmp_path / "bad")
    assert rule.code not in run_example(rule, sections["Use instead"], tmp_path / "good")
