"""How the blame rules read real postmortems and labelled sentences: recall and false alarms.

    python benchmarks/blame_corpus.py [../shared/corpus]

Prints two things:

- for the labelled sentences of ``tests/language/data`` (the tuned parts and the frozen
  held-out third), or the files given with ``--labelled``: recall (error or warning) and
  false alarms (at error level; at any level), overall and by kind;
- for the real postmortems of ``corpus/real-postmortems`` (each checked as an in-review
  incident, as ``benchmarks/corpus_check.py`` does): the blame findings, each marked as one
  of the sentences ``corpus/NOTES.md`` section 4.2 judges blameful or as another finding
  (a false alarm unless a reader judges otherwise), the listed sentences that were not found,
  and the other findings per 10 documents, errors and warnings apart (the targets: at most 1
  error and 3 warnings).

The listed sentences are read from NOTES.md at run time, so nothing of the corpus is copied
into the project. It is a benchmark, not a test: CI's tests must pass without ``../shared``.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus_check import wrap

from hindsight.checking import check_paths
from hindsight.config import load_settings
from hindsight.language import weigh

DATA = Path(__file__).parents[1] / "tests" / "language" / "data"
#: the parts of section 4.2 whose sentences are blameful (the others are attributions and
#: self-criticism, which the notes say should not be flagged)
LISTED = re.compile(r"^(?:Clear cases|Hindsight / counterfactual)", re.MULTILINE)


def labelled(paths: list[Path]) -> None:
    """Recall (error or warning) and false alarms (errors; any level) of each file, by kind."""
    for path in paths:
        lines = path.read_text(encoding="utf-8").splitlines()
        rows = [line.split("\t") for line in lines[1:]]
        kinds: dict[tuple[str, str], list[int]] = collections.defaultdict(lambda: [0, 0, 0])
        for label, kind, sentence in rows:
            hits = weigh(sentence)
            kinds[label, kind][0] += 1
            kinds[label, kind][1] += any(h.sure for h in hits)
            kinds[label, kind][2] += bool(hits)
        blame = [v for (label, _), v in kinds.items() if label == "blame"]
        clean = [v for (label, _), v in kinds.items() if label == "clean"]
        n_blame, n_clean = sum(v[0] for v in blame), sum(v[0] for v in clean)
        print(
            f"{path.name}: recall {sum(v[2] for v in blame) / n_blame:.3f} "
            f"(errors {sum(v[1] for v in blame) / n_blame:.3f}), false alarms: errors "
            f"{sum(v[1] for v in clean) / n_clean:.3f}, any level {sum(v[2] for v in clean) / n_clean:.3f} "
            f"({len(rows)} sentences)"
        )
        for (label, kind), (total, sure, any_level) in sorted(kinds.items()):
            shown = f"{any_level}" if label == "blame" else f"{sure} errors, {any_level} flagged"
            print(f"    {label:5} {kind:15} {shown}/{total}")


def listed_sentences(notes: Path) -> dict[str, list[str]]:
    """Document name prefix -> the blameful sentences NOTES.md 4.2 quotes from it."""
    text = notes.read_text(encoding="utf-8")
    section = text[text.index("### 4.2") :]
    section = section[: section.index("\n### ", 10)] if "\n### " in section[10:] else section
    out: dict[str, list[str]] = collections.defaultdict(list)
    keep = False
    for line in section.splitlines():
        if line and not line.startswith("-"):
            keep = bool(LISTED.match(line))
            continue
        document = re.match(r"- `(\d\d)-", line)
        if keep and document:
            for quoted in re.findall(r': "(.+?)"(?:\s|\.|$)', line):
                out[document.group(1)].append(quoted.strip("*"))
    return out


def corpus(root: Path) -> None:
    documents = sorted(p for p in (root / "real-postmortems").glob("*.md") if p.name[0].isdigit())
    listed = listed_sentences(root / "NOTES.md")
    found: set[tuple[str, str]] = set()
    others = []
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp)
        folders = {wrap(doc, archive, "in-review"): doc for doc in documents}
        report = check_paths(load_settings(archive), [], date(2026, 11, 21))
        for finding in report.findings:
            if not finding.code.startswith("HS3"):
                continue
            folder = archive / finding.path.rsplit("/", 1)[0]
            doc = folders[folder]
            line = (
                (folder / "postmortem.md")
                .read_text(encoding="utf-8")
                .splitlines()[(finding.line or 1) - 1]
            )
            match = [s for s in listed.get(doc.name[:2], []) if _overlap(s, line)]
            label = "listed" if match else "OTHER "
            level = finding.level.value[0].upper()
            print(
                f"  {label} {level} {doc.name}:{finding.line}: {finding.code} {finding.message[:110]}"
            )
            if match:
                found.add((doc.name[:2], match[0]))
            else:
                others.append(finding)
    wanted = [(d, s) for d, sentences in listed.items() for s in sentences]
    missed = [(d, s) for d, s in wanted if (d, s) not in found]
    print(
        f"\n{len(documents)} documents: {len(wanted) - len(missed)} of {len(wanted)} listed sentences found"
    )
    for d, s in missed:
        print(f"  not found ({d}): {s[:100]}")
    errors = [f for f in others if f.level.value == "error"]
    print(
        f"other findings: {len(errors)} errors ({10 * len(errors) / len(documents):.2f} per 10 "
        f"documents), {len(others) - len(errors)} warnings "
        f"({10 * (len(others) - len(errors)) / len(documents):.2f} per 10 documents)"
    )


def _overlap(sentence: str, line: str) -> bool:
    words = re.findall(r"\w+", sentence.lower())
    text = " ".join(re.findall(r"\w+", line.lower()))
    return any(" ".join(words[i : i + 5]) in text for i in range(max(1, len(words) - 4)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, nargs="?", default=Path("../shared/corpus"))
    parser.add_argument(
        "--labelled",
        type=Path,
        nargs="+",
        default=sorted(DATA.glob("blame-*.tsv")),
        help="labelled files to measure (default: every file of tests/language/data)",
    )
    args = parser.parse_args()
    labelled(args.labelled)
    if (args.corpus / "NOTES.md").is_file():
        print()
        corpus(args.corpus)
    else:
        print(f"\n{args.corpus}/NOTES.md not found: the real postmortems are skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
