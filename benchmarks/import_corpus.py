"""Import the real postmortems into a fresh archive and build its site strictly.

    python benchmarks/import_corpus.py [../shared/corpus/real-postmortems] [--keep DIR]

Runs ``hindsight init`` in a temporary folder (or DIR, which must not exist), imports every
document of the corpus there in one run, then ``mkdocs build --strict``. Prints the links the
import changed, one per line as the import summary gives them, and the figures: documents
imported, links reported, rewritten (to an incident imported together or to the source's
address), kept as plain text, anchors rewritten, and whether the strict build passed, with its
warnings. Exit 0 when it passed, 1 when not, 2 when the corpus is not there.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

from hindsight.config import load_settings
from hindsight.importing import import_files
from hindsight.model import Status
from hindsight.scaffold import init_archive

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "real-postmortems"
TODAY = date(2026, 12, 5)


def postmortems(corpus: Path) -> list[Path]:
    """The corpus's documents: its ``*.md`` files but the ones named in capitals (SOURCES.md)."""
    return sorted(p for p in corpus.glob("*.md") if not p.stem.isupper())


def run(corpus: Path, root: Path) -> int:
    """Import ``corpus`` into a new archive at ``root``, build it strictly, print the figures."""
    documents = postmortems(corpus)
    init_archive(root, git=False)
    settings = load_settings(root)
    started = time.perf_counter()
    results = list(
        import_files(
            settings,
            documents,
            day=None,
            zone=None,
            today=TODAY,
            status=Status.DRAFT,
            severity=None,
            restricted=False,
        )
    )
    took = time.perf_counter() - started
    actions: Counter[str] = Counter()
    for result in results:
        for note in result.links:
            actions[note.action] += 1
            print(f"{Path(result.source).name}:{note.line}: {note.message}")
    build = subprocess.run(  # noqa: PLW1510 - the return code is read below
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(root / "site")],
        cwd=root,
        capture_output=True,
        text=True,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    warnings = [line for line in build.stderr.splitlines() if line.startswith("WARNING")]
    imported = sum(r.error is None for r in results)
    print(f"\ndocuments imported: {imported} of {len(documents)} ({took:.1f} s)")
    for result in results:
        if result.error:
            print(f"  not imported: {Path(result.source).name}: {result.error}")
    print(f"links reported:     {sum(actions.values())}")
    print(
        f"links rewritten:    {actions['incident'] + actions['address']} "
        f"({actions['incident']} to an incident imported together, "
        f"{actions['address']} to the source's address)"
    )
    print(f"kept as plain text: {actions['plain']}")
    print(f"anchors rewritten:  {actions['anchor']}")
    print(f"raw HTML, said only: {actions['html']}")
    passed = build.returncode == 0 and not warnings
    print(f"mkdocs build --strict: {'passed' if passed else 'FAILED'}, {len(warnings)} warning(s)")
    for line in warnings:
        print(f"  {line}")
    if build.returncode != 0 and not warnings:
        print(build.stderr[-2000:])
    return 0 if passed else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, nargs="?", default=CORPUS)
    parser.add_argument("--keep", type=Path, help="build the archive here and keep it")
    args = parser.parse_args()
    if not args.corpus.is_dir() or not postmortems(args.corpus):
        print(
            f"import_corpus: no corpus at {args.corpus} (a folder of .md postmortems); "
            "give its path as the first argument",
            file=sys.stderr,
        )
        return 2
    if args.keep is not None:
        if args.keep.exists():
            print(f"import_corpus: {args.keep} exists; give a new folder", file=sys.stderr)
            return 2
        return run(args.corpus, args.keep)
    with tempfile.TemporaryDirectory() as tmp:
        return run(args.corpus, Path(tmp) / "archive")


if __name__ == "__main__":
    raise SystemExit(main())
