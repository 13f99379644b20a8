"""False alarms and cost of the secret scanner (hindsight.leaks) on real and generated text.

    python benchmarks/secrets_scan.py [--corpus ../shared/corpus/real-postmortems] [--archive DIR]

For each text file it scans, the script counts what :func:`hindsight.leaks.scan` finds, by
kind, and the time the scan took. Neither the corpus of real postmortems nor a generated
archive holds a real secret, so every finding is a false alarm (the target is 0); each is
printed as file, line and kind, never with its value. ``--archive`` takes a folder made by
``benchmarks/generate.py``; its incidents' postmortem.md and timeline.log are scanned.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from hindsight import leaks


def scan_files(label: str, files: list[Path]) -> int:
    kinds: Counter[str] = Counter()
    size = 0
    took = 0.0
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        size += len(text)
        start = time.perf_counter()
        found = leaks.scan(text)
        took += time.perf_counter() - start
        for secret in found:
            kinds[secret.kind.id] += 1
            print(f"  false alarm? {path}:{secret.line}:{secret.column}: {secret.describe()}")
    total = sum(kinds.values())
    print(
        f"{label}: {len(files)} files, {size / 1e6:.1f} MB scanned in {took:.2f} s "
        f"({size / 1e6 / max(took, 1e-9):.0f} MB/s); {total} finding(s)"
        + (f": {dict(kinds)}" if kinds else "")
    )
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = Path(__file__).resolve().parents[1]
    parser.add_argument(
        "--corpus", type=Path, default=here.parent / "shared/corpus/real-postmortems"
    )
    parser.add_argument("--archive", type=Path, help="an archive made by benchmarks/generate.py")
    args = parser.parse_args()
    total = 0
    if args.corpus.is_dir():
        total += scan_files("corpus", sorted(p for p in args.corpus.rglob("*") if p.is_file()))
    else:
        print(f"no corpus at {args.corpus}; skipped", file=sys.stderr)
    if args.archive:
        if not (args.archive / "incidents").is_dir():
            print(f"{args.archive} holds no incidents/ folder", file=sys.stderr)
            return 2
        files = sorted(args.archive.glob("incidents/*/postmortem.md"))
        files += sorted(args.archive.glob("incidents/*/timeline.log"))
        total += scan_files("archive", files)
    total += scan_files(
        "this repository's incidents and docs",
        sorted(
            [
                *here.glob("incidents/*/*.md"),
                *here.glob("incidents/*/*.log"),
                *here.glob("docs/**/*.md"),
            ]
        ),
    )
    return 1 if total else 0


if __name__ == "__main__":
    raise SystemExit(main())
