"""Run `hindsight check` over real postmortems: each wrapped as an incident at a chosen status.

    python benchmarks/corpus_check.py ../shared/corpus/real-postmortems [--status in-review] [--rules HS3]

Prints, per document, the findings of the chosen rules with the sentence around each, and
a count per rule. The documents are copied into a temporary archive; nothing is changed.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

from hindsight.checking import check_paths
from hindsight.config import load_settings
from hindsight.load.markdown import prose

FRONT = re.compile(r"\A(?:---\n.*?\n---|\+\+\+\n.*?\n\+\+\+)\n", re.DOTALL)
TIMELINE = """\
2020-01-01T10:00Z [start] Wrapped for the corpus run
2020-01-01T10:05Z [detected] Wrapped for the corpus run
2020-01-01T11:00Z [resolved] Wrapped for the corpus run
"""


def wrap(source: Path, root: Path, status: str) -> Path:
    """Copy ``source`` into ``root/incidents`` as an incident at ``status``; return its folder."""
    slug = re.sub(r"[^a-z0-9]+", "-", source.stem.lower()).strip("-")
    folder = root / "incidents" / f"2020-01-01-{slug}"
    folder.mkdir(parents=True)
    body = FRONT.sub("", source.read_text(encoding="utf-8").replace("\r\n", "\n"))
    front = (
        f"---\nid: 2020-01-01-{slug}\ntitle: {slug}\nstatus: {status}\nseverity: SEV2\n"
        "visibility: internal\nservices: [corpus]\ncommander: ic\nauthors: [writer]\n"
        "reviewers: [reviewer]\napprovals: []\n---\n"
    )
    (folder / "postmortem.md").write_text(front + body, encoding="utf-8")
    (folder / "timeline.log").write_text(TIMELINE, encoding="utf-8")
    return folder


def context(folder: Path, line: int) -> str:
    """The paragraph of the postmortem that holds ``line``."""
    text = (folder / "postmortem.md").read_text(encoding="utf-8")
    for paragraph in prose(text, 1):
        lines = [s[1] for s in paragraph.starts]
        if lines[0] <= line <= lines[-1]:
            return paragraph.text
    return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--status", default="in-review")
    parser.add_argument("--rules", default="HS3", help="code prefix of the findings to print")
    args = parser.parse_args()
    documents = sorted(p for p in args.corpus.glob("*.md") if p.name[0].isdigit())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folders = {wrap(doc, root, args.status): doc for doc in documents}
        report = check_paths(load_settings(root), [], date(2026, 11, 21))
        counts = Counter(f.code for f in report.findings)
        shown = [f for f in report.findings if f.code.startswith(args.rules)]
        for finding in shown:
            folder = root / finding.path.rsplit("/", 1)[0]
            print(f"{folders[folder].name}:{finding.line}: {finding.code} {finding.message}")
            print(f"    | {context(folder, finding.line or 0)[:400]}")
    print(f"\n{len(documents)} documents, {len(shown)} findings matching {args.rules}")
    for code, n in sorted(counts.items()):
        print(f"  {code} {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
