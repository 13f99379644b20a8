"""The line of an archive's ``requirements.txt`` that installs this very Hindsight.

Every workflow of an archive installs Hindsight from that file, so ``hindsight init`` writes
it, and ``hindsight init --upgrade`` rewrites it, from the install that runs the command
(:mod:`importlib.metadata`): a release from the package index is pinned by its version; an
install from a VCS URL, an archive or a folder by the PEP 508 direct reference that the
install's own record, PEP 610's ``direct_url.json``, gives. A reference that a hosted CI
runner cannot reach (a folder or a repository on this machine) is written all the same, with
a warning that says what to write instead.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from hindsight.errors import HindsightError

#: the distribution's name on the package index (``hindsight`` there is another project)
NAME = "hindsight-postmortems"
#: what ``init`` wrote before the distribution had its own name: ``--upgrade`` replaces it
FORMER_NAMES = ("hindsight",)
FILE = "requirements.txt"
HEADER = (
    "# The Hindsight that every workflow installs, as `hindsight init` found it installed.\n"
    "# To move to another one: install it (pip install --upgrade hindsight-postmortems), then\n"
    "# run `hindsight init --upgrade`, which rewrites only the line below.\n"
)
_NAME = re.compile(
    r"\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?P<extras>\[[^\]]*\])?"
)
_EGG = re.compile(r"#egg=(?P<name>[A-Za-z0-9._-]+)")
_COMMENT = re.compile(r"(^|\s)#")


@dataclass(frozen=True)
class Pin:
    """A requirement line that installs Hindsight, and what a hosted CI would make of it."""

    requirement: str
    #: why a hosted CI could not install it, and what to write instead
    warning: str | None = None


@dataclass(frozen=True)
class Change:
    """What ``--upgrade`` did to requirements.txt: the line, before (None: added) and after."""

    line: int
    before: str | None
    after: str


def installed() -> Pin:
    """The pin of the Hindsight that runs this code."""
    try:
        dist = metadata.distribution(NAME)
    except metadata.PackageNotFoundError:
        from hindsight import __version__

        return Pin(
            f"{NAME}=={__version__}",
            f"Hindsight runs from source, not from an installed '{NAME}', so CI will install "
            f"release {__version__} from the package index; install Hindsight (pip install "
            "DIR, or from its git URL) and run 'hindsight init --upgrade' to pin this code",
        )
    return pin(dist)


def pin(dist: metadata.Distribution) -> Pin:
    """The requirement that installs ``dist`` again, from its PEP 610 record if it has one."""
    name = dist.metadata["Name"] or NAME
    release = f"{name}=={dist.version}"
    text = dist.read_text("direct_url.json")
    if text is None:  # installed from an index
        return Pin(release)
    try:
        record = json.loads(text)
        url = record["url"]
        if not isinstance(record, dict) or not isinstance(url, str):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return Pin(
            release,
            f"the record of how {name} was installed (direct_url.json) cannot be read, so "
            f"CI will install release {dist.version} from the package index",
        )
    if isinstance(record.get("vcs_info"), dict):
        return _vcs(name, dist.version, url, record)
    if isinstance(record.get("archive_info"), dict):
        return _archive(name, release, url, record["archive_info"])
    return _folder(name, release, url, record)


def _vcs(name: str, version: str, url: str, record: dict) -> Pin:
    info = record["vcs_info"]
    vcs = str(info.get("vcs", "git"))
    revision = info.get("commit_id") or info.get("requested_revision")
    requirement = f"{name} @ {vcs}+{url}" + (f"@{revision}" if revision else "")
    if record.get("subdirectory"):
        requirement += f"#subdirectory={record['subdirectory']}"
    scheme = urlsplit(url).scheme
    if scheme == "file":
        path = _path(url)
        return Pin(
            requirement,
            f"{path} is a repository on this machine, which CI cannot clone; "
            + _instead(name, f"{name}=={version}", path, revision),
        )
    if scheme == "ssh" or (not scheme and "@" in url):
        return Pin(
            requirement,
            f"{url} is reached over SSH, with a key CI does not have: write its https:// "
            "address instead, or give the workflows a deploy key",
        )
    return Pin(requirement)


def _archive(name: str, release: str, url: str, info: dict) -> Pin:
    hashes = info.get("hashes") if isinstance(info.get("hashes"), dict) else {}
    digest = next(iter(hashes.items()), None)
    if digest is None and isinstance(info.get("hash"), str) and "=" in info["hash"]:
        digest = tuple(info["hash"].split("=", 1))
    requirement = f"{name} @ {url}" + (f"#{digest[0]}={digest[1]}" if digest else "")
    if urlsplit(url).scheme == "file":
        return Pin(
            requirement,
            f"{_path(url)} is a file on this machine, which CI cannot download; write "
            f"instead the release ({release}) once it is on the package index, or an "
            "address CI can reach",
        )
    return Pin(requirement)


def _folder(name: str, release: str, url: str, record: dict) -> Pin:
    path = _path(url)
    info = record.get("dir_info")
    editable = isinstance(info, dict) and info.get("editable") is True
    return Pin(
        f"{name} @ {url}",
        f"Hindsight runs from {'an editable' if editable else 'an'} install of {path}, a "
        "folder on this machine, which CI cannot reach; "
        + _instead(name, release, path, _git(path, "rev-parse", "--verify", "-q", "HEAD")),
    )


def _instead(name: str, release: str, folder: str, commit: str | None) -> str:
    """What to write instead of a reference to ``folder``, a repository CI cannot reach."""
    if commit is None:
        return f"write instead a release ({release}) or a git URL CI can reach"
    origin = _git(folder, "remote", "get-url", "origin")
    if origin and urlsplit(origin).scheme in ("http", "https"):
        return f"once commit {commit} is pushed, write instead: {name} @ git+{origin}@{commit}"
    return (
        f"write instead the repository it is pushed to ({name} @ "
        f"git+https://HOST/OWNER/REPO@{commit}), or a release ({release})"
    )


def _path(url: str) -> str:
    parts = urlsplit(url)
    return unquote(parts.path) if parts.scheme == "file" else url


def _git(folder: str, *args: str) -> str | None:
    """What git prints in ``folder``, or None when it fails or there is no git."""
    try:
        done = subprocess.run(
            ["git", "-C", folder, *args], capture_output=True, text=True, check=False, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return (done.stdout.strip() or None) if done.returncode == 0 else None


def text(requirement: str) -> str:
    """The whole ``requirements.txt`` of a new archive."""
    return f"{HEADER}{requirement}\n"


def _names(line: str) -> str | None:
    """The distribution a requirements line installs, normalised (PEP 503), if it names one."""
    body = _COMMENT.split(line, 1)[0].strip()
    for option in ("-e ", "--editable ", "--editable="):
        if body.startswith(option):
            body = body[len(option) :].strip()
    egg = _EGG.search(line)
    if egg:
        return re.sub(r"[-_.]+", "-", egg["name"]).lower()
    if not body or body.startswith("-") or "://" in body.split("@", 1)[0]:
        return None
    match = _NAME.match(body)
    return re.sub(r"[-_.]+", "-", match["name"]).lower() if match else None


def rewrite(text_: str, requirement: str, label: str = FILE) -> tuple[str, Change]:
    """``text_`` with the line that installs Hindsight replaced by ``requirement``, or with
    ``requirement`` added at the end when no line installs it.

    The line keeps its extras, environment marker and comment; every other line stays as it
    was, line endings included.
    """
    lines = text_.splitlines(keepends=True)
    ours = [NAME, *FORMER_NAMES]
    found = [i for i, line in enumerate(lines) if _names(line) in ours]
    if len(found) > 1:
        numbers = ", ".join(str(i + 1) for i in found[:-1]) + f" and {found[-1] + 1}"
        raise HindsightError(
            f"{label}: lines {numbers} each install Hindsight; keep one of them, then run "
            "'hindsight init --upgrade' again. Nothing was written"
        )
    if not found:
        ending = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += ending
        lines.append(requirement + ending)
        return "".join(lines), Change(len(lines), None, requirement)
    index = found[0]
    old = lines[index]
    body = old.rstrip("\r\n")
    ending = old[len(body) :]
    if body.rstrip().endswith("\\"):
        raise HindsightError(
            f"{label}:{index + 1}: the line that installs Hindsight goes on to the next "
            "(hashes?), which a new version would not match; change those lines by hand, or "
            "generate the file again. Nothing was written"
        )
    lines[index] = _kept(body, requirement) + ending
    return "".join(lines), Change(index + 1, body, lines[index][: -len(ending) or None])


def _kept(old: str, requirement: str) -> str:
    """``requirement`` with the extras, the environment marker and the comment of ``old``."""
    comment = _COMMENT.search(old)
    body = old[: comment.start()] if comment else old
    given = _NAME.match(body)
    if given and given["extras"] and "#egg=" not in old:
        cut = _NAME.match(requirement).end("name")  # type: ignore[union-attr]
        requirement = requirement[:cut] + given["extras"] + requirement[cut:]
    _, semicolon, marker = body.partition(";")
    if semicolon and marker.strip():
        requirement += f" ; {marker.strip()}"
    return requirement + (f"  {old[comment.start() :].strip()}" if comment else "")


def upgrade(folder: Path, new: Pin) -> Change:
    """Rewrite, atomically, the line of ``folder``'s requirements.txt that installs Hindsight.

    The file is replaced only when the line changes, and only if no one changed the file
    meanwhile.
    """
    from hindsight.atomic import ChangedError, replace

    path = folder / FILE
    label = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise HindsightError(
            f"{label} does not exist; run 'hindsight init --upgrade' in an archive made by "
            "'hindsight init', or create the file with one line: " + new.requirement
        ) from None
    except OSError as exc:
        raise HindsightError(f"{label}: cannot read: {exc.strerror}") from None
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    try:
        before = data[len(bom) :].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HindsightError(f"{label}: not UTF-8 (byte {exc.start + len(bom)})") from None
    after, change = rewrite(before, new.requirement, label)
    if after != before:
        try:
            replace(path, bom + after.encode("utf-8"), expected=data)
        except ChangedError:
            raise HindsightError(
                f"{label} changed while it was being rewritten; nothing was written, run the "
                "command again"
            ) from None
        except OSError as exc:
            raise HindsightError(f"{label}: cannot write: {exc.strerror}") from None
    return change
