"""Start-up of ``hindsight log`` and ``hindsight new`` against ``python -c "import yaml, click"``.

Generates an archive of N incidents (one under investigation) in a temporary folder, then
prints the median wall time of each command over R runs. Usage:

    python benchmarks/startup.py [--incidents 2000] [--runs 21]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hindsight.scaffold import init_archive

POSTMORTEM = (
    """\
---
id: {id}
title: Generated incident number {n}
status: {status}
severity: SEV{sev}
visibility: internal
services: [service-{svc}, shared-db]
tags: [generated]
commander: user{svc}
authors: [user{svc}]
reviewers: [user{rev}]
approvals: []
customer_facing: true
data_loss: false
related: []
---

# Generated incident number {n}

## Summary

A generated incident used to measure how long commands take on a large archive.
"""
    + "\nFiller paragraph about the system and what it did.\n" * 40
)

TIMELINE = """\
# Timeline of {id}
{day}T10:00Z [start] Began
{day}T10:05Z [detected] Noticed
{day}T11:00Z [resolved] Over
"""


def generate(root: Path, count: int) -> str:
    """Write ``count`` incidents under ``root``; return the id of the investigating one."""
    init_archive(root, git=False)
    investigating = ""
    for n in range(count):
        day = f"20{20 + n // 365 % 7}-{1 + n // 28 % 12:02d}-{1 + n % 28:02d}"
        incident_id = f"{day}-generated-incident-{n:05d}"
        status = "investigating" if n == count - 1 else "approved"
        investigating = incident_id if status == "investigating" else investigating
        folder = root / "incidents" / incident_id
        folder.mkdir(parents=True)
        (folder / "postmortem.md").write_text(
            POSTMORTEM.format(
                id=incident_id, n=n, status=status, sev=1 + n % 4, svc=n % 17, rev=(n + 1) % 17
            )
        )
        (folder / "timeline.log").write_text(TIMELINE.format(id=incident_id, day=day))
    return investigating


def median_seconds(command: list[str], cwd: Path, runs: int) -> float:
    """Median wall time of ``command`` over ``runs`` runs (after one warm-up)."""
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    """Generate the archive, time the commands, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    script = Path(sys.executable).with_name("hindsight")
    hindsight = [str(script)] if script.exists() else [sys.executable, "-m", "hindsight"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "archive"
        investigating = generate(root, args.incidents)
        floor = median_seconds([sys.executable, "-c", "import yaml, click"], root, args.runs)
        rows = [
            ("python -c 'import yaml, click' (floor)", floor),
            (
                "hindsight log TEXT (finds the incident)",
                median_seconds([*hindsight, "log", "benchmark event"], root, args.runs),
            ),
            (
                "hindsight log --incident ID TEXT",
                median_seconds(
                    [*hindsight, "log", "--incident", investigating, "benchmark event"],
                    root,
                    args.runs,
                ),
            ),
            ("hindsight --help", median_seconds([*hindsight, "--help"], root, args.runs)),
        ]
        new_times = []
        for n in range(args.runs):
            started = time.perf_counter()
            subprocess.run(
                [*hindsight, "new", f"Benchmark incident {n}", "--severity", "SEV3"],
                cwd=root,
                check=True,
                capture_output=True,
            )
            new_times.append(time.perf_counter() - started)
            shutil.rmtree(next((root / "incidents").glob(f"*-benchmark-incident-{n}")))
        rows.append(("hindsight new TITLE", statistics.median(new_times)))
    print(f"archive: {args.incidents} incidents, {args.runs} runs each, median wall time")
    for label, seconds in rows:
        print(f"  {label:44s} {seconds * 1000:7.1f} ms  {seconds / floor:5.2f}x floor")


if __name__ == "__main__":
    main()
