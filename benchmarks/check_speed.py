"""How long `hindsight check` takes on large archives, against a floor, and its peak memory.

    python benchmarks/check_speed.py [--sizes 1000 10000] [--runs 3]

For each size it generates a realistic archive (benchmarks/generate.py) and prints:

- the floor: a fresh Python process that reads every postmortem.md and timeline.log and
  parses each front matter with yaml.CSafeLoader, nothing else;
- a cold `hindsight check` (--no-cache) with one process (HINDSIGHT_JOBS=1) and with the
  default pool;
- a warm one: the cache filled the day before (--today one day later), nothing changed,
  and with 1% of the incidents edited since;
- the peak resident memory of each, which should not grow with the archive beyond the ids,
  and the size of the cache file;
- `hindsight check --changed-since` with one incident changed (a pull request's check, which
  reads no cache), against a full check of a 10-incident archive (the target: within 1.2x).

Wall times are medians of --runs runs; every command starts a fresh process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate

from hindsight.cache import FILE

FLOOR = """
import os, yaml
base = "incidents"
for name in sorted(os.listdir(base)):
    folder = os.path.join(base, name)
    if not os.path.isdir(folder):
        continue
    with open(os.path.join(folder, "postmortem.md"), encoding="utf-8") as f:
        text = f.read()
    with open(os.path.join(folder, "timeline.log"), encoding="utf-8") as f:
        f.read()
    if text.startswith("---\\n"):
        yaml.load(text[4:text.find("\\n---\\n", 4)], Loader=yaml.CSafeLoader)
"""
MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
wall = time.perf_counter() - start
print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def measure(
    command: list[str], cwd: Path, runs: int, env: dict[str, str] | None = None
) -> tuple[float, int]:
    """Median wall seconds and peak RSS (KB) of ``command`` run in a fresh process."""
    walls, peaks = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", MEASURE, *command],
            cwd=cwd,
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            check=True,
        ).stdout.split()
        walls.append(float(out[0]))
        peaks.append(int(out[1]))
    return statistics.median(walls), max(peaks)


def git(root: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-C",
            str(root),
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@example.com",
            *args,
        ],
        check=True,
        capture_output=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    check = [sys.executable, "-m", "hindsight", "check", "--today", "2030-01-02"]
    cold = [*check, "--no-cache"]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; median of {args.runs} runs\n")
    print(
        f"{'incidents':>9}  {'floor':>6}  {'cold, 1 process':>21}  {'cold, pool':>21}  {'warm':>21}  "
        f"{'warm, 1% edited':>21}  {'peak RSS cold/warm/floor':>24}  {'cache':>7}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp, "small")
        generate(small, 10)
        for size in args.sizes:
            root = Path(tmp, str(size))
            began = time.perf_counter()
            generate(root, size)
            made = time.perf_counter() - began
            floor, floor_rss = measure([sys.executable, "-c", FLOOR], root, args.runs)
            one, one_rss = measure(cold, root, args.runs, {"HINDSIGHT_JOBS": "1"})
            pool, _ = measure(cold, root, args.runs)
            subprocess.run(
                [*check[:-1], "2030-01-01"], cwd=root, stdout=subprocess.DEVNULL, check=False
            )
            warm, warm_rss = measure(check, root, args.runs)
            edited = []
            for folder in [p for p in sorted((root / "incidents").iterdir()) if p.is_dir()][::100]:
                edited.append((folder / "postmortem.md", (folder / "postmortem.md").read_bytes()))
            partly = []
            for _ in range(
                args.runs
            ):  # each run finds the same 1% edited since the cache was written
                for path, data in edited:
                    path.write_bytes(data + b"\nOne more paragraph.\n")
                partly.append(measure(check, root, 1)[0])
                for path, data in edited:
                    path.write_bytes(data)
                subprocess.run(check, cwd=root, stdout=subprocess.DEVNULL, check=False)
            some = statistics.median(partly)
            size_mb = (root / ".hindsight-cache" / FILE).stat().st_size / 1e6
            print(
                f"{size:>9}  {floor:5.2f}s  "
                + "  ".join(f"{t:6.2f}s ({t / floor:5.1f}x floor)" for t in (one, pool, warm, some))
                + f"  {one_rss / 1024:8.0f} /{warm_rss / 1024:4.0f} /{floor_rss / 1024:3.0f} MB  {size_mb:4.1f} MB"
                f"   [generated in {made:.1f}s]"
            )
            if size == max(args.sizes):
                git(root, "init", "-q", "-b", "main")
                git(root, "add", "-A")
                git(root, "commit", "-qm", "archive")
                changed = sorted((root / "incidents").iterdir())[size // 2] / "postmortem.md"
                changed.write_text(changed.read_text() + "\nOne more paragraph.\n")
                # as CI runs it: --changed-since reads no cache, whatever is there
                since, _ = measure([*check, "--changed-since", "main"], root, args.runs)
                ten, _ = measure(cold, small, args.runs)
                print(
                    f"\n--changed-since main, 1 of {size} changed: {since:.3f}s; "
                    f"full check of a 10-incident archive (--no-cache): {ten:.3f}s ({since / ten:.2f}x)"
                )


if __name__ == "__main__":
    main()
