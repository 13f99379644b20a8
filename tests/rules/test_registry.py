"""The rule registry is ordered and documented, and every documented example is true."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from hindsight.config import Settings
from hindsight.load.incident import load_incident
from hindsight.model import Status
from hindsight.problems import LOADER_CODES
from hindsight.rules import ALL_RULES, CheckContext, Rule
from tests.conftest import write

BASE = {
    "id": "2026-11-21-example", "title": "Example", "status": "draft", "severity": "SEV2",
    "visibility": "internal", "services": ["api"], "commander": "dana", "authors": ["lee"],
    "reviewers": ["sam"], "approvals": [],
}
TIMELINE = """\
2026-11-21T13:58Z [start] Deploy reached all hosts
2026-11-21T14:03Z [detected] Pager fired
2026-11-21T14:20Z [comms] Status page: investigating
2026-11-21T14:40Z [mitigated] Rolled back
2026-11-21T14:45Z [resolved] Error rate at baseline
"""
BODY = "\n# Example\n\n## Summary\n\nA summary.\n"
_BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def _sections(doc: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", doc, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def run_example(rule: Rule, block_text: str, tmp_path: Path) -> list[str]:
    """Codes the rule finds in a valid incident changed by the doc's code blocks."""
    meta = dict(BASE, status=max(rule.applies_from, Status.DRAFT, key=lambda s: s.rank).value)
    timeline = TIMELINE
    for kind, content in _BLOCK.findall(block_text):
        if kind == "yaml":
            meta.update(yaml.safe_load(content))
        elif kind == "text":
            timeline = content
        else:
            raise AssertionError(f"{rule.code}: unknown example block '{kind}'")
    folder = tmp_path / "incidents" / "2026-11-21-example"
    front = yaml.safe_dump(meta, sort_keys=False, default_flow_style=None)
    write(folder / "postmortem.md", f"---\n{front}---\n{BODY}")
    write(folder / "timeline.log", timeline)
    loaded = load_incident(folder, Settings(root=tmp_path))
    assert loaded.incident is not None
    return [f.code for f in rule.check(loaded.incident, CheckContext(Settings(root=tmp_path), date(2026, 11, 21)))]


def test_codes_are_unique_ordered_and_match_their_category() -> None:
    """Codes are HS + category digit + two digits, unique, in order, and not loader codes."""
    codes = [r.code for r in ALL_RULES]
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    assert not set(codes) & set(LOADER_CODES)
    for r in ALL_RULES:
        assert re.fullmatch(r"HS[1-9]\d\d", r.code) and int(r.code[2]) == r.category.digit
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", r.name)
    assert len({r.name for r in ALL_RULES}) == len(ALL_RULES)


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
