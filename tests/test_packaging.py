"""The toolkit's own bounds and CI files agree with each other.

pyproject.toml declares the versions Hindsight works with; CI tests the lowest of them with
``.ci/constraints-lowest.txt`` and lints with the Ruff of ``.ci/requirements-lint.txt``.
These tests keep the copies of those facts in step.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REPO = Path(__file__).parents[1]
LOWEST = REPO / ".ci" / "constraints-lowest.txt"
LINT = REPO / ".ci" / "requirements-lint.txt"
REQUIREMENT = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?P<specs>[^;]*)(;.*)?")
SPEC = re.compile(r"\s*(?P<op>[<>=!~]=?)\s*(?P<version>\d+(\.\d+)*)\s*")


def _name(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _release(version: str) -> tuple[int, ...]:
    """``8.1`` and ``8.1.0`` are the same version."""
    parts = [int(p) for p in version.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _declared() -> dict[str, dict[str, str]]:
    """Each direct dependency and test extra of pyproject.toml: its bounds, by operator."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {}
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        match = REQUIREMENT.fullmatch(requirement)
        assert match, requirement
        specs = [SPEC.fullmatch(s) for s in match["specs"].split(",")]
        assert all(specs), f"{requirement}: give bounds as >=X and <Y"
        declared[_name(match["name"])] = {s["op"]: s["version"] for s in specs if s}
    return declared


def _pins(path: Path) -> dict[str, str]:
    """The ``name==version`` lines of a requirements or constraints file."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[_name(name)] = version.strip()
    return pins


def test_the_lowest_constraints_are_the_lower_bounds_of_pyproject() -> None:
    """Every dependency has a ``>=`` bound, and .ci/constraints-lowest.txt pins exactly it."""
    declared, pinned = _declared(), _pins(LOWEST)
    assert sorted(pinned) == sorted(declared), "one line per direct dependency and test extra"
    for name, bounds in declared.items():
        assert ">=" in bounds, f"{name} has no lower bound"
        assert _release(pinned[name]) == _release(bounds[">="]), (
            f"{name}: pyproject.toml says >={bounds['>=']}, {LOWEST.name} pins {pinned[name]}"
        )


def test_dependabot_leaves_the_upper_bounds_alone() -> None:
    """Each upper bound in pyproject.toml is deliberate: Dependabot ignores its major updates."""
    updates = yaml.safe_load((REPO / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    at_root = [u for u in updates["updates"] if u["directory"] == "/"]
    (pip,) = [u for u in at_root if u["package-ecosystem"] == "pip"]
    ignored = {
        _name(rule["dependency-name"])
        for rule in pip.get("ignore", [])
        if rule.get("update-types") == ["version-update:semver-major"]
    }
    capped = {name for name, bounds in _declared().items() if "<" in bounds}
    assert capped == ignored
    assert {"mkdocs", "mkdocs-material"} <= capped


def test_ci_and_pre_commit_run_the_same_ruff() -> None:
    """The rev of ruff-pre-commit is the Ruff that .ci/run and the ci workflow install."""
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (ruff,) = [r for r in config["repos"] if r["repo"].endswith("/ruff-pre-commit")]
    assert ruff["rev"] == f"v{_pins(LINT)['ruff']}"
    assert {h["id"] for h in ruff["hooks"]} == {"ruff-check", "ruff-format"}


def test_ci_runs_the_tests_with_the_lowest_versions_too() -> None:
    """.ci/run and the ci workflow both install with the lowest constraints, and lint."""
    workflow = (REPO / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    for text in (workflow, script):
        assert "-c .ci/constraints-lowest.txt" in text
        assert "-r .ci/requirements-lint.txt" in text
        assert "ruff check" in text and "ruff format --check" in text


def test_every_data_file_of_the_package_is_declared() -> None:
    """A file the code reads at run time (name lists, templates, assets) ships in the wheel.

    Editable installs read the source tree, so a file missing from package-data only fails
    where the package is installed for real: this test finds it first.
    """
    with (REPO / "pyproject.toml").open("rb") as f:
        globs = tomllib.load(f)["tool"]["setuptools"]["package-data"]["hindsight"]
    package = REPO / "tools" / "hindsight"
    declared = {p for pattern in globs for p in package.glob(pattern) if p.is_file()}
    data = {
        p
        for p in package.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    }
    assert sorted(str(p.relative_to(package)) for p in data - declared) == []
