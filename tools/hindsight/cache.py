"""What ``hindsight check`` found, kept between runs: an unchanged incident is not checked again.

Like ruff's cache, it lives in the archive (``.hindsight-cache/``, git-ignored by a
``.gitignore`` of its own) and is only ever an optimisation: a missing, unreadable, foreign
or outdated cache is ignored and rebuilt, and ``check --no-cache`` does without it.

An incident's entry is found by the digest of its two files' bytes, never their times, so a
fresh checkout (CI) finds it too. The whole cache belongs to one *fingerprint*: hindsight's
version and code, ``hindsight.yml`` and the incident template the structure rules compare
against; a change to any of them starts a new cache. What depends on today or on the other
incidents is not kept as findings but as the judged rules' facts
(:class:`hindsight.engine.Outcome`), judged again on every run.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from hindsight.config import CONFIG_NAME, Settings
from hindsight.engine import Outcome
from hindsight.load.incident import Sources
from hindsight.model import Category, Finding, Level
from hindsight.rules._base import Facts

DIRECTORY = ".hindsight-cache"
FILE = "check-v1.json"
_TEMPLATE = ("templates", "incident", "postmortem.md.j2")
_PACKAGE = Path(__file__).resolve().parent
_CATEGORIES = {c.value: c for c in Category}
_LEVELS = {level.value: level for level in Level}


def location(settings: Settings) -> Path:
    """The cache folder: ``$HINDSIGHT_CACHE_DIR``, else ``.hindsight-cache`` in the archive."""
    return Path(os.environ.get("HINDSIGHT_CACHE_DIR") or settings.root / DIRECTORY)


def fingerprint(settings: Settings) -> str:
    """The digest of everything besides an incident's files that its findings depend on."""
    from hindsight import __version__

    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    # The code's bytes, not its times: CI installs the same release afresh on every run.
    for top, dirs, files in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", "defaults", "site"))
        for name in sorted(files):
            if name.endswith(".py"):
                with open(os.path.join(top, name), "rb") as source:
                    digest.update(b"%s\0%s\0" % (name.encode(), source.read()))
    for path in (settings.root / CONFIG_NAME, settings.root.joinpath(*_TEMPLATE),
                 _PACKAGE.joinpath("defaults", *_TEMPLATE)):
        digest.update(b"\0" + (path.read_bytes() if path.is_file() else b"-"))
    return digest.hexdigest()


def key(sources: Sources) -> str | None:
    """The digest of an incident's two files; None when one could not be read (never kept)."""
    digest = hashlib.blake2b(digest_size=16)
    for data in sources:
        if isinstance(data, FileNotFoundError):
            digest.update(b"absent\0")
        elif isinstance(data, OSError):
            return None
        else:
            digest.update(b"%d\0" % len(data))
            digest.update(data)
    return digest.hexdigest()


class Cache:
    """The kept outcomes of one archive, by incident folder name and files' digest."""

    def __init__(self, folder: Path, fingerprint: str, entries: dict[str, Any] | None = None) -> None:
        self.folder = folder
        self.fingerprint = fingerprint
        self.entries = entries or {}
        self.changed = False

    @classmethod
    def open(cls, settings: Settings) -> Cache:
        """The archive's cache, or an empty one when there is none that fits."""
        folder = location(settings)
        mark = fingerprint(settings)
        try:
            saved = json.loads((folder / FILE).read_bytes())
        except (OSError, ValueError):
            return cls(folder, mark)
        if not isinstance(saved, dict) or saved.get("fingerprint") != mark or not isinstance(
                saved.get("incidents"), dict):
            return cls(folder, mark)
        return cls(folder, mark, saved["incidents"])

    def get(self, name: str, digest: str | None) -> Outcome | None:
        """The outcome kept for incident ``name`` when its files' digest is still ``digest``."""
        entry = self.entries.get(name)
        if digest is None or entry is None:
            return None
        try:
            kept, outcome = entry
            return _decode(outcome) if kept == digest else None
        except (TypeError, ValueError, KeyError, IndexError):  # not what put() writes: check again
            return None

    def put(self, name: str, digest: str | None, outcome: Outcome) -> None:
        """Keep ``outcome`` for incident ``name`` whose files have ``digest``."""
        if digest is not None:
            self.entries[name] = [digest, _encode(outcome)]
            self.changed = True

    def retain(self, existing: set[str]) -> None:
        """Forget the incidents not in ``existing`` (deleted or renamed folders)."""
        for name in self.entries.keys() - existing:
            del self.entries[name]
            self.changed = True

    def save(self) -> None:
        """Write the cache if anything changed; raises OSError when it cannot (say so and go on)."""
        if not self.changed:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, text in ((".gitignore", "# written by hindsight check: nothing here is kept in git\n*\n"),
                           ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n"
                                            "# hindsight check's cache: https://bford.info/cachedir/\n")):
            if not (self.folder / name).exists():
                (self.folder / name).write_text(text, encoding="utf-8")
        data = json.dumps({"fingerprint": self.fingerprint, "incidents": self.entries},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        fd, temp = tempfile.mkstemp(prefix=f".{FILE}.", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temp, self.folder / FILE)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        self.changed = False


def _encode(outcome: Outcome) -> str:
    """``outcome`` as JSON text: kept as one string per incident, the cache in memory stays small."""
    return json.dumps([
        [[f.path, f.line, f.column, f.code, f.category.value, f.level.value, f.message, f.incident]
         for f in outcome.findings],
        [[code, facts.postmortem_path, facts.id, facts.data] for code, facts in outcome.facts],
        [list(pair) for pair in outcome.ignored],
    ], ensure_ascii=False, separators=(",", ":"))


def _decode(text: str) -> Outcome:
    findings, facts, ignored = json.loads(text)
    return Outcome(
        tuple(Finding(p, line, col, code, _CATEGORIES[cat], _LEVELS[level], message, incident)
              for p, line, col, code, cat, level, message, incident in findings),
        tuple((code, Facts(path, incident, data)) for code, path, incident, data in facts),
        tuple((line, code) for line, code in ignored),
    )
