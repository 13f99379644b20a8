"""The second opinion: shipped weights that match the data, scored with the standard library, read lazily.

And, as LanguageTool tests its rules' examples, sentences each reader must hold at its
level: sure blame is an error, probable blame a warning, fair writing nothing.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from hindsight.language import learned, weigh

DATA = Path(__file__).parent / "data"


def shipped() -> dict:  # type: ignore[type-arg]
    text = resources.files("hindsight.language").joinpath(learned.WEIGHTS).read_text("utf-8")
    return json.loads(text)


def test_the_weights_were_trained_on_the_tuned_files_as_they_are_now() -> None:
    """Every blame-tune file and the clean background, unchanged since training, and never the
    frozen held-out third."""
    trained_on = shipped()["data"]
    files = [*DATA.glob("blame-tune*.tsv"), DATA / "background.txt"]
    now = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    assert "blame-heldout.tsv" not in trained_on
    assert trained_on == now, "the labelled data changed: python -m hindsight.language.train"


def test_the_weights_are_small() -> None:
    size = len(resources.files("hindsight.language").joinpath(learned.WEIGHTS).read_bytes())
    assert size < 3_000_000, size


@pytest.mark.slow
def test_training_again_writes_the_shipped_weights(tmp_path: Path) -> None:
    """The training is deterministic: the same data give the same file, byte for byte."""
    pytest.importorskip("sklearn")
    from hindsight.language import train

    out = tmp_path / "weights.json"
    train.write(train.train(DATA), out)
    assert (
        out.read_bytes()
        == resources.files("hindsight.language").joinpath(learned.WEIGHTS).read_bytes()
    )


@pytest.mark.parametrize("data", ["checkout", "elsewhere"])
def test_training_without_the_train_extra_or_the_data_says_what_to_do(
    tmp_path: Path, data: str
) -> None:
    """numpy, scipy and scikit-learn unimportable (the extra not installed), and, outside a
    source checkout, no labelled data: one line each naming the fix, exit 2, no traceback."""
    script = """
import runpy, sys
for name in ("numpy", "scipy", "sklearn"):
    sys.modules[name] = None
sys.argv = ["train", *sys.argv[1:]]
runpy.run_module("hindsight.language.train", run_name="__main__")
"""
    out = tmp_path / "weights.json"
    args = ["--out", str(out)] + (["--data", str(tmp_path)] if data == "elsewhere" else [])
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and not out.exists()
    lines = done.stderr.splitlines()
    assert "training needs numpy" in lines[-1] and "pip install -e '.[train]'" in lines[-1]
    if data == "elsewhere":
        assert len(lines) == 2 and str(tmp_path) in lines[0], lines
        assert "source checkout" in lines[0] and "--data" in lines[0]
    else:
        assert len(lines) == 1, lines


def test_scoring_needs_only_the_standard_library_and_reads_the_weights_once_needed() -> None:
    """A sentence that names no one never loads the weights; one that does, with numpy and
    scikit-learn unimportable, is scored all the same."""
    script = """
import sys
for name in ("numpy", "scipy", "sklearn"):
    sys.modules[name] = None
from hindsight.language import learned, weigh
assert weigh("The disk filled up and the service stopped.") == []
assert learned.model.cache_info().currsize == 0, "weights read for a sentence naming no one"
(hit,) = weigh("Who approves a schema change at midnight without reading it?")
assert not hit.sure and learned.model.cache_info().currsize == 1
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_a_probable_finding_quotes_the_words_that_weigh_most() -> None:
    sentence = "Who approves a schema change at midnight without reading it?"
    (hit,) = weigh(sentence)
    assert sentence[hit.start : hit.end] == "Who approves a schema change"


@pytest.mark.parametrize(
    ("level", "sentence"),
    [
        # sure: a person is subject, possessor or agent of a fault, and nothing excuses it
        ("error", "The fault is Ottoline's alone."),
        ("error", "The mistake was entirely Ottoline's."),
        ("error", "02:10 @pv still ignoring the pager"),
        ("error", "Amara forgot to renew the certificate."),
        ("error", "An intern accidentally deleted the production DNS zone."),
        # probable: no rule ties a person to a fault, the second opinion reads blame
        ("warning", "Who approves a schema change at midnight without reading it?"),
        ("warning", "Were Quill less hurried, the migration would have been fine."),
        ("warning", "His access was cut because he cannot be left alone with production."),
        # fair: a request, a sound decision, a timeline fact, exoneration, text about blame
        ("", "Amara restarted the pods as the runbook asked."),
        ("", "Amara deleted the old volumes, as the cleanup ticket asked."),
        (
            "",
            (
                "Amara chose to fail over to the second region, which was the right call given "
                "what the dashboards showed."
            ),
        ),
        ("", "Chase restarted the ingest workers at 02:10."),
        ("", "Rose paged the database team when the replica fell behind."),
        ("", "Nobody could have caught this: the alert was silenced by the vendor's default."),
        ("", "We removed the blame from the earlier draft of this postmortem."),
        ("", "The deploy tool restarted every pod at once."),
        ("", "Amara ran the migration because the release checklist listed it as the next step."),
        # the state of a component its name makes look like a person's: no warning
        ("", "Mempool is back to zero."),
        ("", "Bifrost is empty again."),
        ("", "Heimdall is back to zero."),
        ("", "The Bifrost queue was empty again by 02:10."),
        # ... but a person in sight, or a judgement rather than a state, is read as before
        ("error", "Brannigan is careless, and Heimdall is back to zero because of it."),
    ],
)
def test_examples_hold_their_level(level: str, sentence: str) -> None:
    hits = weigh(sentence)
    found = "error" if any(h.sure for h in hits) else "warning" if hits else ""
    assert found == level, hits
