"""Are the findings on the benchmark archive the same as at an earlier commit?

    python benchmarks/same_findings.py [--incidents 10000] [--baseline 0cbbdef] [--defects]
        [--keep DIR] [--expected FILE]

Generates the archive of benchmarks/generate.py (``--defects``: with a mistake of some kind
written into one incident in three, so that every loader and most rules have something to
find), runs ``hindsight check --format json --no-cache`` on it with the code of
``--baseline`` (taken out of git into a temporary folder, nothing checked out) and with the
code of this work tree, and compares the two outputs finding by finding. ``--expected``
compares with a JSON output kept earlier instead of running the baseline; ``--keep`` writes
both outputs there. ``--outside CATEGORY`` compares only the findings outside a category a
change is meant to alter (``--outside blame``); ``--drop-setting KEY`` removes a setting the
baseline does not know from the generated ``hindsight.yml``. Exit status 0 when they are the
same, 1 when not.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate

REPO = Path(__file__).resolve().parent.parent
CHECK = ["-m", "hindsight", "check", "--format", "json", "--no-cache", "--today", "2030-01-02"]

#: (every how many incidents, what to do to its postmortem text) for --defects
_BODY_DEFECTS: tuple[tuple[str, str, str], ...] = (
    (
        "## Root cause\n",
        (
            "## Root cause\n\nDana should have known better; the on-call engineer "
            "was careless and ignored the alert. Human error caused the outage.\n\n"
        ),
        "blame",
    ),
    (
        "## Resolution\n",
        (
            "## Resolution\n\nThe admin password: hunter2hunter2hunter2 was in the "
            "runbook, and AKIAABCDEFGHIJKLMNOP in a log. <script>alert(1)</script>\n"
        ),
        "secrets",
    ),
    ("## Impact\n", "## Consequences\n", "renamed section"),
    ("status: approved", "status: in-review", "earlier status"),
    ("data_loss: false", "data_loss: false\nseverty: SEV2\nowner: yes", "unknown keys"),
    ("title: ", "title: [unclosed ", "bad YAML"),
    (
        "## Summary\n",
        (
            "## Summary\n\n<!-- hindsight: ignore HS407 --> TODO: fill in. Write to "
            "dana@example.com or call +1 415 555 0100.\n\n> The engineer broke it, said a user.\n\n"
            "```\nblame: bob broke prod\n```\n"
        ),
        "comments, quotes, contacts",
    ),
    ("reviewers: [", "reviewers: [dana, ", "reviewer list"),
    ("customer_facing: true", "customer_facing: &a true\nrelated_to: *a", "anchors"),
)


def _defects(root: Path) -> None:
    """Write a mistake into one incident in three, a different kind by turn."""
    folders = sorted(p for p in (root / "incidents").iterdir() if p.is_dir())
    for n, folder in enumerate(folders[::3]):
        postmortem, timeline = folder / "postmortem.md", folder / "timeline.log"
        kind = n % (len(_BODY_DEFECTS) + 4)
        if kind < len(_BODY_DEFECTS):
            old, new, _ = _BODY_DEFECTS[kind]
            postmortem.write_text(postmortem.read_text().replace(old, new, 1))
        elif kind == len(_BODY_DEFECTS):
            timeline.write_text(timeline.read_text() + "2019-01-01 10:00 a time without a zone\n")
        elif kind == len(_BODY_DEFECTS) + 1:
            timeline.unlink()
        elif kind == len(_BODY_DEFECTS) + 2:
            postmortem.write_bytes(postmortem.read_bytes() + b"\nBad bytes \xff\xfe here.\n")
        else:
            lines = timeline.read_text().splitlines(keepends=True)
            timeline.write_text("".join([lines[0], *reversed(lines[1:])]))


def _code_of(ref: str, into: Path) -> Path:
    """The ``tools`` folder of commit ``ref``, written under ``into``."""
    into.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", ref, "tools"],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "tools"


def _findings(tools: Path, root: Path) -> tuple[dict, float]:
    """``hindsight check --format json`` of ``root`` with the package under ``tools``, and its wall time."""
    began = time.perf_counter()
    out = subprocess.run(
        [sys.executable, *CHECK],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(tools)},
    )
    if out.returncode not in (0, 1):
        raise SystemExit(f"hindsight check failed ({out.returncode}): {out.stderr}")
    return json.loads(out.stdout), time.perf_counter() - began


def _differences(before: dict, after: dict) -> list[str]:
    lines = []
    for field in ("version", "incidents_checked", "errors", "warnings"):
        if before.get(field) != after.get(field):
            lines.append(f"{field}: {before.get(field)} before, {after.get(field)} after")
    old = [json.dumps(f, sort_keys=True) for f in before["findings"]]
    new = [json.dumps(f, sort_keys=True) for f in after["findings"]]
    if old != new:
        gone, came = sorted(set(old) - set(new)), sorted(set(new) - set(old))
        lines.append(f"findings: {len(gone)} only before, {len(came)} only after")
        lines += [f"  - {f}" for f in gone[:10]] + [f"  + {f}" for f in came[:10]]
        if not gone and not came:
            lines.append("  the same findings in another order")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=10000)
    parser.add_argument("--baseline", default="0cbbdef")
    parser.add_argument("--defects", action="store_true")
    parser.add_argument("--expected", type=Path, help="a JSON output of the baseline kept earlier")
    parser.add_argument("--keep", type=Path, help="write before.json and after.json here")
    parser.add_argument(
        "--outside",
        metavar="CATEGORY",
        help="compare only the findings outside this category (a change meant to change it)",
    )
    parser.add_argument(
        "--drop-setting",
        metavar="KEY",
        action="append",
        default=[],
        help="remove KEY's line from the generated hindsight.yml (a setting the baseline lacks)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp, "archive")
        generate(root, args.incidents)
        config = root / "hindsight.yml"
        for key in args.drop_setting:
            lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
            config.write_text("".join(x for x in lines if x.strip().split(":")[0] != key))
        if args.defects:
            _defects(root)
        if args.expected:
            before, took = json.loads(args.expected.read_text()), 0.0
        else:
            before, took = _findings(_code_of(args.baseline, Path(tmp, "baseline")), root)
        after, now = _findings(REPO / "tools", root)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        (args.keep / "before.json").write_text(json.dumps(before, indent=1))
        (args.keep / "after.json").write_text(json.dumps(after, indent=1))
    if args.outside:
        for output in (before, after):
            output["findings"] = [f for f in output["findings"] if f["category"] != args.outside]
            output.pop("errors", None), output.pop("warnings", None)
    differences = _differences(before, after)
    rules: dict[str, int] = {}
    for finding in after["findings"]:
        rules[finding["rule"]] = rules.get(finding["rule"], 0) + 1
    print(
        f"{args.incidents} incidents{' with defects' if args.defects else ''}: "
        f"{len(after['findings'])} findings, {after.get('errors')} errors, {after.get('warnings')} warnings; "
        f"baseline {args.baseline} {took:.1f}s, this tree {now:.1f}s"
    )
    print("by rule: " + ", ".join(f"{code} {n}" for code, n in sorted(rules.items())))
    print("\n".join(differences) if differences else "the same findings, in the same order")
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
