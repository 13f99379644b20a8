"""What ``hindsight check`` found, kept between runs: an unchanged incident is not checked again.

Like ruff's cache, it lives in the archive (``.hindsight-cache/``, git-ignored by a
``.gitignore`` of its own) and is only ever an optimisation: a missing, unreadable, foreign
or outdated cache is ignored and rebuilt, one that another check is writing is left alone
for this run, and ``check --no-cache`` does without it.

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
import sqlite3
from pathlib import Path
from typing import Any

from hindsight.config import CONFIG_NAME, Settings
from hindsight.engine import Outcome
from hindsight.model import Category, Finding, Level
from hindsight.rules._base import Facts

DIRECTORY = ".hindsight-cache"
FILE = "check-v3.sqlite3"
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
    # Its data too (the blame rules read language/first_names.txt): every file but bytecode.
    for top, dirs, files in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", "defaults", "site"))
        for name in sorted(files):
            if not name.endswith((".pyc", ".pyo")):
                with open(os.path.join(top, name), "rb") as source:
                    digest.update(b"%s\0%s\0" % (name.encode(), source.read()))
    for path in (
        settings.root / CONFIG_NAME,
        settings.root.joinpath(*_TEMPLATE),
        _PACKAGE.joinpath("defaults", *_TEMPLATE),
    ):
        digest.update(b"\0" + (path.read_bytes() if path.is_file() else b"-"))
    return digest.hexdigest()


class Cache:
    """The kept outcomes of one archive, by incident folder name and files' digest.

    They live in an SQLite file, read one incident at a time and written as they come in one
    transaction: memory stays flat however large the archive, a run that changes a few
    incidents writes a few rows, and an interrupted run leaves the previous cache whole.
    """

    def __init__(
        self,
        folder: Path,
        fingerprint: str,
        db: sqlite3.Connection | None = None,
        *,
        fits: bool = False,
        error: Exception | None = None,
    ) -> None:
        self.folder = folder
        self.fingerprint = fingerprint
        self._db = db  # the open cache file, when it is a cache file
        self._fits = (
            fits  # its entries are this fingerprint's (else it is emptied on the first write)
        )
        self._writing = False
        self._error = error

    @classmethod
    def open(cls, settings: Settings) -> Cache:
        """The archive's cache, or an empty one when there is none that fits."""
        folder = location(settings)
        mark = fingerprint(settings)
        path = folder / FILE
        if not path.is_file():
            return cls(folder, mark)
        db = None
        try:
            db = _connect(path)
            row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
            db.execute("SELECT name, digest, data FROM outcome LIMIT 0")
            db.execute("SELECT name, digest, names, found FROM mention LIMIT 0")
            return cls(folder, mark, db, fits=row is not None and row[0] == mark)
        except sqlite3.Error as exc:
            if db is not None:
                db.close()
            if _busy(exc):  # another check is writing it: do without, and leave it alone
                return cls(folder, mark, error=exc)
            return cls(folder, mark)  # not a database, or another layout: made again on writing

    @property
    def usable(self) -> bool:
        """True when entries may be found: a cache file of this fingerprint (else every incident is checked)."""
        return self._db is not None and self._fits

    def get(self, name: str, digest: str | None) -> Outcome | None:
        """The outcome kept for incident ``name`` when its files' digest is still ``digest``."""
        if digest is None or not self.usable:
            return None
        try:
            row = self._db.execute(
                "SELECT digest, data FROM outcome WHERE name = ?", (name,)
            ).fetchone()
            if row is None or row[0] != digest:
                return None
            return _decode(row[1])
        except (
            sqlite3.Error,
            TypeError,
            ValueError,
            KeyError,
            IndexError,
        ):  # not what put() writes
            return None

    def put(self, name: str, digest: str | None, outcome: Outcome) -> None:
        """Keep ``outcome`` for incident ``name`` whose files have ``digest``."""
        if digest is not None:
            self._write(
                "INSERT OR REPLACE INTO outcome VALUES (?, ?, ?)",
                [(name, digest, _encode(outcome))],
            )

    def mentions(self, name: str, digest: str | None, names: str) -> list[Any] | None:
        """What HS810 found in incident ``name`` when its files' digest is still ``digest`` and
        the restricted incidents looked for are still those of digest ``names``."""
        if digest is None or not self.usable:
            return None
        try:
            row = self._db.execute(
                "SELECT digest, names, found FROM mention WHERE name = ?", (name,)
            ).fetchone()
            if row is None or row[0] != digest or row[1] != names:
                return None
            found = json.loads(row[2])
            return found if isinstance(found, list) else None
        except (sqlite3.Error, ValueError):
            return None

    def put_mentions(self, name: str, digest: str | None, names: str, found: list[Any]) -> None:
        """Keep what HS810 found in incident ``name`` (JSON values), as :meth:`mentions` reads."""
        if digest is not None:
            self._write(
                "INSERT OR REPLACE INTO mention VALUES (?, ?, ?, ?)",
                [(name, digest, names, json.dumps(found))],
            )

    def retain(self, existing: set[str]) -> None:
        """Forget the incidents not in ``existing`` (deleted or renamed folders)."""
        if self._db is None or not self._fits:
            return
        try:
            gone = [
                (name,)
                for (name,) in self._db.execute("SELECT name FROM outcome")
                if name not in existing
            ]
        except sqlite3.Error:
            return
        if gone:
            self._write("DELETE FROM outcome WHERE name = ?", gone)
            self._write("DELETE FROM mention WHERE name = ?", gone)

    def save(self) -> None:
        """Commit what changed; raises OSError when it cannot be kept (say so and go on)."""
        db, self._db = self._db, None
        try:
            if self._error is None and db is not None and self._writing:
                db.commit()
        except sqlite3.Error as exc:
            self._error = exc
        finally:
            if db is not None:
                db.close()
            self._writing = False
        error, self._error = self._error, None
        if isinstance(error, OSError):
            raise error
        if error is not None:
            raise OSError(str(error))

    def _write(self, statement: str, rows: list[tuple[str, ...]]) -> None:
        """Run ``statement`` for ``rows`` in the run's transaction; remember the first failure.

        A file found damaged only now (past the pages ``open`` reads) is made again, once: what
        this run wrote before is lost with it, and is checked again next time.
        """
        for fresh in (False, True):
            if self._error is not None:
                return
            try:
                if not self._writing:
                    self._start()
                assert self._db is not None
                self._db.executemany(statement, rows)
                return
            except sqlite3.DatabaseError as exc:
                if fresh or isinstance(exc, sqlite3.OperationalError):  # locked, read-only, full
                    self._error = exc
                    return
                assert self._db is not None
                self._db.close()
                self._db, self._fits, self._writing = None, False, False
            except (OSError, sqlite3.Error) as exc:
                self._error = exc

    def _start(self) -> None:
        """Begin the run's transaction: make the file if need be, empty it of another fingerprint's."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, text in (
            (".gitignore", "# written by hindsight check: nothing here is kept in git\n*\n"),
            (
                "CACHEDIR.TAG",
                (
                    "Signature: 8a477f597d28d172789f06886806bc55\n"
                    "# hindsight check's cache: https://bford.info/cachedir/\n"
                ),
            ),
        ):
            if not (self.folder / name).exists():
                (self.folder / name).write_text(text, encoding="utf-8")
        # the JSON cache of 0.x releases, and the SQLite one before HS810 was kept
        for old in (self.folder / "check-v1.json", self.folder / "check-v2.sqlite3"):
            old.unlink(missing_ok=True)
        if self._db is None:  # none yet, or not a cache file: make it
            (self.folder / FILE).unlink(missing_ok=True)
            self._db = _connect(self.folder / FILE)
            self._db.executescript(
                "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                "CREATE TABLE outcome (name TEXT PRIMARY KEY, digest TEXT NOT NULL, data TEXT NOT NULL);"
                "CREATE TABLE mention (name TEXT PRIMARY KEY, digest TEXT NOT NULL,"
                " names TEXT NOT NULL, found TEXT NOT NULL);"
            )
        if not self._fits:  # another fingerprint's entries go, in the same transaction as the new
            self._db.execute("DELETE FROM outcome")
            self._db.execute("DELETE FROM mention")
            self._db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (self.fingerprint,)
            )
            self._fits = True
        self._writing = True


def _busy(exc: sqlite3.Error) -> bool:
    """True when ``exc`` says another connection holds the file (SQLITE_BUSY, SQLITE_LOCKED)."""
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    return code in (5, 6) or "locked" in str(exc)


def _connect(path: Path) -> sqlite3.Connection:
    """A connection that waits a little for another check writing the same cache."""
    db = sqlite3.connect(path, timeout=2)
    db.execute("PRAGMA synchronous = OFF")  # a cache: a file damaged by a crash is made again
    return db


def _encode(outcome: Outcome) -> str:
    """``outcome`` as JSON text: kept as one string per incident, the cache in memory stays small."""
    return json.dumps(
        [
            [
                [
                    f.path,
                    f.line,
                    f.column,
                    f.code,
                    f.category.value,
                    f.level.value,
                    f.message,
                    f.incident,
                ]
                for f in outcome.findings
            ],
            [[code, facts.postmortem_path, facts.id, facts.data] for code, facts in outcome.facts],
            [list(pair) for pair in outcome.ignored],
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _decode(text: str) -> Outcome:
    findings, facts, ignored = json.loads(text)
    return Outcome(
        tuple(
            Finding(p, line, col, code, _CATEGORIES[cat], _LEVELS[level], message, incident)
            for p, line, col, code, cat, level, message, incident in findings
        ),
        tuple((code, Facts(path, incident, data)) for code, path, incident, data in facts),
        tuple((line, code) for line, code in ignored),
    )
