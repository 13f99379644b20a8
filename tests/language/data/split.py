"""Split the labelled blame sentences into a tuning set and a frozen held-out set.

The held-out third (blame-heldout.tsv) is frozen. Rules are tuned only on blame-tune.tsv;
blame-heldout.tsv is read only to measure them. Never edit blame-heldout.tsv to make a test
pass: fix the rule, or accept the miss.

The split is stratified: rows are grouped by (label, kind), the groups are taken in sorted
order, and each group's rows, sorted, are shuffled with one random.Random(20261204); the
first round(n / 3) of each group are held out. Both files are written with a header, rows
sorted by label, kind and sentence.

To re-run, from the repository root:

    python tests/language/data/split.py [POOL.tsv]

With no POOL the two files themselves are read back as the pool; the split is then
reproduced exactly and `git diff` shows nothing. Do not re-run after adding sentences, as
that would move rows across the split: add new sentences to blame-tune.tsv by hand.
"""

import csv
import random
import sys
from itertools import groupby
from pathlib import Path

HERE = Path(__file__).parent
TUNE = HERE / "blame-tune.tsv"
HELDOUT = HERE / "blame-heldout.tsv"
HEADER = ("label", "kind", "sentence")
SEED = 20261204


def read(path):
    with path.open(encoding="utf-8", newline="") as f:
        rows = [tuple(row) for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    if rows[0] != HEADER or any(len(row) != 3 for row in rows):
        raise SystemExit(f"{path}: expected the header {HEADER} and three columns a row")
    return rows[1:]


def write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as f:
        f.writelines("\t".join(row) + "\n" for row in [HEADER, *sorted(rows)])


def split(rows):
    rng = random.Random(SEED)
    tune, heldout = [], []
    for _, group in groupby(sorted(rows), key=lambda row: row[:2]):
        group = list(group)
        rng.shuffle(group)
        cut = round(len(group) / 3)
        heldout += group[:cut]
        tune += group[cut:]
    return tune, heldout


def main(argv):
    pools = [Path(argv[0])] if argv else [TUNE, HELDOUT]
    rows = [row for pool in pools for row in read(pool)]
    if len(set(rows)) != len(rows):
        raise SystemExit("duplicate rows in the pool")
    tune, heldout = split(rows)
    write(TUNE, tune)
    write(HELDOUT, heldout)


if __name__ == "__main__":
    main(sys.argv[1:])
