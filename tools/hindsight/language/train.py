"""Train the second opinion (:mod:`.learned`) on the tuned labelled sentences; write its weights.

    pip install -e ".[train]"
    python -m hindsight.language.train [--data tests/language/data] [--report]

Reads every ``blame-tune*.tsv`` of the data folder (never ``blame-heldout.tsv``, which is
frozen and only measures), reads each sentence as the blame rules do (quotes masked, no
people known, the rules' findings as signals), and fits two models with scikit-learn: blame or not
on every sentence (an NB-weighted logistic regression, whose weights fold into one a
feature), and the kind on the blameful ones (a logistic regression, one weight a kind). The
weights are written, rounded, to ``blame-model.json`` beside :mod:`.learned`, with the
SHA-256 of each file trained on, so a test can tell when the data changed and the weights
did not. The fit is deterministic (lbfgs, no sampling): training again on the same data
writes the same file.

``--report`` prints, from 5-fold predictions on the tuned part (each sentence scored by a
model that did not see it), recall and false alarms at a few thresholds: what
:data:`hindsight.language.CONFIRM_AT` and ``WARN_AT`` were chosen from.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from hindsight.folding import folded
from hindsight.language import CONFIRM_AT, DISMISS_AT, learned
from hindsight.language.clauses import link
from hindsight.language.sentences import mask_quotes, sentences

ROOT = Path(__file__).parents[3]
DATA = ROOT / "tests" / "language" / "data"
#: the project's own prose, read as unlabelled clean text: what a postmortem and a guide say
#: besides blame, so that the model does not learn that "outage" or a name is blame because
#: the labelled sentences, half of them blameful, have them. Kept in BACKGROUND_FILE, one
#: sentence a line, so that editing the docs does not change the weights;
#: ``--background`` writes it again from these files.
BACKGROUND = ("README.md", "docs/**/*.md", "incidents/*/postmortem.md", "templates/**/*.md")
BACKGROUND_FILE = "background.txt"
#: the regularisation of both models (inverse strength), chosen on 5-fold predictions
C = 30.0
#: a feature is kept when this many sentences have it
MIN_COUNT = 2
#: the data's kinds of blame, as the rules name them ('subject' is any kind: not a class)
KIND_OF = {
    "agent": "agent",
    "fault-noun": "fault",
    "accountability": "accountability",
    "cognitive": "cognitive",
    "character": "character",
    "counterfactual": "counterfactual",
}


def read_rows(path: Path) -> list[tuple[str, str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    if lines[0] != "label\tkind\tsentence":
        raise SystemExit(f"{path}:1: expected the header 'label<TAB>kind<TAB>sentence'")
    return [tuple(line.split("\t")) for line in lines[1:]]  # type: ignore[misc]


def sentence_features(sentence: str) -> list[str]:
    """A labelled sentence's features, read as :func:`hindsight.language.weigh` reads a sentence."""
    return learned.read(mask_quotes(sentence))[1]


def background(data: Path) -> list[str]:
    """The clean sentences of :data:`BACKGROUND_FILE`."""
    path = data / BACKGROUND_FILE
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_background(root: Path) -> list[str]:
    """The sentences of the project's own prose (:data:`BACKGROUND`) the second opinion would read.

    Only sentences the rules find nothing in: the guides quote blameful wording to advise
    against it.
    """
    from hindsight.load.markdown import prose

    found: set[str] = set()
    for pattern in BACKGROUND:
        for path in sorted(root.glob(pattern)):
            for paragraph in prose(path.read_text(encoding="utf-8"), 1, quotes=False):
                masked = mask_quotes(paragraph.text)
                for begin, end in sentences(masked):
                    sentence = masked[begin:end].strip()
                    toks = learned.tokens(sentence)
                    if (
                        learned.worth_reading(sentence, 0, len(sentence))
                        and learned.MIN_TOKENS <= len(toks) <= learned.MAX_TOKENS
                        and not ruled_by(sentence)
                    ):
                        found.add(sentence)
    return sorted(found)


def ruled_by(sentence: str) -> bool:
    """Whether the rules find blame in a labelled sentence."""
    masked = mask_quotes(sentence)
    lowered = folded(masked)
    return any(link(masked, span, lowered) for span in sentences(masked))


def _matrix(rows: list[set[str]], vocabulary: list[str]):  # type: ignore[no-untyped-def]
    import numpy as np
    from scipy.sparse import csr_matrix

    index = {f: i for i, f in enumerate(vocabulary)}
    at = [(r, index[f]) for r, feats in enumerate(rows) for f in sorted(feats) if f in index]
    # unit length over all the sentence's features, known or not, as learned.probability scores
    scale = [1 / np.sqrt(len(feats) or 1) for feats in rows]
    return csr_matrix(
        ([scale[r] for r, _ in at], ([r for r, _ in at], [c for _, c in at])),
        shape=(len(rows), len(vocabulary)),
    )


def _fit(rows: list[set[str]], labels: list[str], vocabulary: list[str]):  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    fitted = LogisticRegression(C=C, solver="lbfgs", max_iter=5000, tol=1e-8)
    fitted.fit(_matrix(rows, vocabulary), labels)
    return fitted


def _fit_blame(rows: list[set[str]], blame: list[bool], vocabulary: list[str]):  # type: ignore[no-untyped-def]
    """Blame or not: NB-weighted logistic regression (each feature scaled by how much more often
    blameful sentences have it, then a logistic regression), folded into one weight a feature.

    Returns (bias, weights), a weight for each feature of ``vocabulary``.
    """
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x = _matrix(rows, vocabulary)
    y = np.array(blame)
    has = x.copy()
    has.data[:] = 1.0
    positive = 1.0 + np.asarray(has[y].sum(0)).ravel()
    negative = 1.0 + np.asarray(has[~y].sum(0)).ravel()
    ratio = np.log((positive / positive.sum()) / (negative / negative.sum()))
    fitted = LogisticRegression(C=C, solver="lbfgs", max_iter=5000, tol=1e-8)
    fitted.fit(x.multiply(ratio).tocsr(), y)
    return float(fitted.intercept_[0]), fitted.coef_[0] * ratio


def _vocabulary(rows: list[set[str]]) -> list[str]:
    counts: dict[str, int] = {}
    for feats in rows:
        for f in feats:
            counts[f] = counts.get(f, 0) + 1
    return sorted(f for f, n in counts.items() if n >= MIN_COUNT)


def train(data: Path) -> dict[str, object]:
    """The weights, as :func:`hindsight.language.learned.model` reads them."""
    files = sorted(data.glob("blame-tune*.tsv"))
    rows = [row for path in files for row in read_rows(path)]
    feats = [set(sentence_features(s)) for _, _, s in rows]
    extra = [set(sentence_features(s)) for s in background(data)]
    vocabulary = _vocabulary(feats + extra)
    bias, coef = _fit_blame(
        feats + extra, [label == "blame" for label, _, _ in rows] + [False] * len(extra), vocabulary
    )
    weights = {f: round(float(w), 4) for f, w in zip(vocabulary, coef) if round(float(w), 4)}
    kinds_rows = [(f, KIND_OF[k]) for f, (label, k, _) in zip(feats, rows) if k in KIND_OF]
    kind_feats = [{f for f in fs if f[:2] not in ("b:", "u:")} for fs, _ in kinds_rows]
    kind_vocabulary = _vocabulary(kind_feats)
    kinds = _fit(kind_feats, [k for _, k in kinds_rows], kind_vocabulary)
    return {
        "about": "hindsight.language.learned: written by python -m hindsight.language.train",
        "data": {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in [*files, data / BACKGROUND_FILE]
        },
        "bias": round(bias, 4),
        "weights": weights,
        "kinds": {
            "classes": [str(c) for c in kinds.classes_],
            "bias": [round(float(b), 4) for b in kinds.intercept_],
            "weights": {
                f: [round(float(w), 3) for w in column]
                for f, column in zip(kind_vocabulary, kinds.coef_.T)
                if any(abs(round(float(w), 3)) > 0 for w in column)
            },
        },
    }


def write(weights: dict[str, object], path: Path) -> None:
    text = json.dumps(weights, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def report(data: Path, apart: str | None = None) -> None:
    """Recall and false alarms of rules and model together, from 5-fold predictions, or from
    a model trained without the files whose names hold ``apart`` and scored on them."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    files = sorted(data.glob("blame-tune*.tsv"))
    rows = [row for path in files for row in read_rows(path)]
    outside = np.array([bool(apart) and apart in p.name for p in files for _ in read_rows(p)])
    feats = [set(sentence_features(s)) for _, _, s in rows]
    labels = np.array([label == "blame" for label, _, _ in rows])
    ruled = np.array([ruled_by(s) for _, _, s in rows])
    p = np.zeros(len(rows))
    folds = StratifiedKFold(5, shuffle=True, random_state=20261208)
    splits = (
        [(np.flatnonzero(~outside), np.flatnonzero(outside))]
        if apart
        else folds.split(np.zeros(len(rows)), labels)
    )
    extra = [set(sentence_features(s)) for s in background(data)]
    for train_at, test_at in splits:
        part = [feats[i] for i in train_at] + extra
        vocabulary = _vocabulary(part)
        bias, coef = _fit_blame(
            part, [bool(labels[i]) for i in train_at] + [False] * len(extra), vocabulary
        )
        weight = dict(zip(vocabulary, coef))
        for i in test_at:
            z = sum(weight.get(f, 0.0) for f in feats[i]) / np.sqrt(len(feats[i]))
            p[i] = 1 / (1 + np.exp(-(bias + z)))
    if apart:
        labels, ruled, p = labels[outside], ruled[outside], p[outside]
    blame, clean = labels, ~labels
    print(f"{len(labels)} sentences; rules alone: recall {ruled[blame].mean():.3f}, ", end="")
    print(f"false alarms {ruled[clean].mean():.3f}")
    for confirm in (0.1, 0.2, 0.3, 0.4, 0.5):
        error = ruled & (p >= confirm)
        print(f"  confirm at {confirm}: errors recall {error[blame].mean():.3f}, ", end="")
        print(f"false alarms {error[clean].mean():.3f}")
    for warn in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
        flagged = (ruled & (p >= DISMISS_AT)) | (p >= warn)
        print(f"  error {(ruled & (p >= CONFIRM_AT))[clean].mean():.3f};", end="")
        print(f"  warn at {warn}: any level recall {flagged[blame].mean():.3f}, ", end="")
        print(f"false alarms {flagged[clean].mean():.3f}")


def _cannot_train(data: Path) -> list[str]:
    """Why training cannot start here, one line a reason: the ``train`` extra not installed, or
    no labelled data (they are the source checkout's tests, not part of the package)."""
    problems = []
    if not any(data.glob("blame-tune*.tsv")):
        problems.append(
            f"no labelled sentences (blame-tune*.tsv) in {data}: training reads them from "
            "tests/language/data of a source checkout of Hindsight; run it there, after "
            "pip install -e '.[train]', or name the folder with --data FOLDER"
        )
    try:
        import numpy  # noqa: F401
        import scipy.sparse  # noqa: F401
        import sklearn.linear_model  # noqa: F401
    except ImportError as error:
        problems.append(
            f"training needs {error.name or 'numpy, scipy and scikit-learn'}, which is not "
            "installed: pip install -e '.[train]' in a source checkout of Hindsight"
        )
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--report", action="store_true", help="print 5-fold figures too")
    parser.add_argument(
        "--apart",
        metavar="PART",
        help="with --report: score the files named *PART* by a model trained without them",
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name(learned.WEIGHTS))
    parser.add_argument(
        "--background",
        action="store_true",
        help=f"write {BACKGROUND_FILE} again from the project's prose first",
    )
    args = parser.parse_args()
    problems = _cannot_train(args.data)
    for problem in problems:
        print(f"hindsight.language.train: error: {problem}", file=sys.stderr)
    if problems:
        return 2
    if args.background:
        sentences_ = read_background(ROOT)
        (args.data / BACKGROUND_FILE).write_text("\n".join(sentences_) + "\n", encoding="utf-8")
    if args.report:
        report(args.data, args.apart)
    write(train(args.data), args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
