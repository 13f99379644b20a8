"""Read a Slack export: a channel's folder of per-day JSON files, with ``users.json`` beside it.

Slack's export holds one folder per channel, each with ``YYYY-MM-DD.json`` files (a list of
messages), and ``users.json`` / ``channels.json`` at the top. ``ts`` is seconds since the
epoch in UTC, so these times are exact; no ``--date`` or ``--zone`` is needed.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from hindsight.chat import Chat, Message, Problem, Reading, full_name, is_status_bot
from hindsight.errors import HindsightError

_DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
_ANGLE = re.compile(r"<([^<>\n]*)>")
_NOISE = frozenset(
    {
        "channel_join",
        "channel_leave",
        "group_join",
        "group_leave",
        "channel_topic",
        "channel_purpose",
        "channel_name",
        "channel_archive",
        "channel_unarchive",
        "pinned_item",
        "unpinned_item",
        "bot_add",
        "bot_remove",
        "reminder_add",
        "joiner_notification",
    }
)
_TS = re.compile(r"^(\d{9,11})(?:\.(\d{1,6}))?$")


def read_slack(path: Path, how: Reading) -> Chat:
    """Messages of one channel of a Slack export (a channel folder, or one day file)."""
    days, users_file = _layout(path, how.label)
    problems: list[Problem] = []
    users = _users(users_file, how.label, path, problems) if users_file else {}
    found: dict[str, Message] = {}
    skipped = 0
    for day in days:
        label = _label(day, path, how.label)
        data = _load(day, label, problems)
        if data is None:
            continue
        for index, item in enumerate(data):
            where = f"{label} $[{index}]"
            try:
                skipped += _take(item, where, users, how, found, problems)
            except (TypeError, AttributeError, KeyError) as exc:  # a field of the wrong type
                problems.append(
                    Problem(where, f"not a message as Slack exports them ({exc}); skipped")
                )
    messages = sorted(found.values(), key=lambda m: m.time)
    notes: tuple[str, ...] = ()
    if users_file is None:
        note = (
            f"No users.json in or above {how.label}: authors and mentions show Slack ids "
            "(U…); pass the export's top folder, or the channel's folder inside it"
        )
        notes = (note,)
    return Chat("Slack export", messages, problems, skipped, notes)


def _layout(path: Path, label: str) -> tuple[list[Path], Path | None]:
    """The day files to read and the ``users.json`` to resolve names with."""
    if path.is_file():
        return [path], _beside(path.parent)
    days = sorted(p for p in path.iterdir() if _DAY_FILE.match(p.name) and p.is_file())
    if days:
        return days, _beside(path)
    channels = sorted(
        p.name
        for p in path.iterdir()
        if p.is_dir() and any(_DAY_FILE.match(q.name) for q in p.iterdir())
    )
    if len(channels) == 1:
        return _layout(path / channels[0], label)
    if channels:
        shown = ", ".join(channels[:8]) + (", …" if len(channels) > 8 else "")
        raise HindsightError(
            f"{label} is a Slack workspace export with {len(channels)} channels ({shown}); "
            f"pass the incident channel's folder, like --from-chat {label}/{channels[0]}"
        )
    raise HindsightError(
        f"{label} is not a Slack export: it holds no per-day files named like 2026-11-21.json, "
        "nor folders of them. Pass the folder Slack's export unzipped to, one channel's folder "
        "in it, or a transcript file (Zoom chat, IRC log, 'YYYY-MM-DD HH:MM Name: text' lines)"
    )


def _beside(folder: Path) -> Path | None:
    for place in (folder, folder.parent):
        if (place / "users.json").is_file():
            return place / "users.json"
    return None


def _label(file: Path, given: Path, label: str) -> str:
    """``file`` named the way the user named ``given``: ``export/inc-checkout/2026-11-21.json``."""
    if file == given:
        return label
    base = label if given.is_dir() else os.path.dirname(label) or "."
    return Path(
        os.path.normpath(
            os.path.join(base, os.path.relpath(file, given if given.is_dir() else given.parent))
        )
    ).as_posix()


def _load(file: Path, label: str, problems: list[Problem]) -> list[Any] | None:
    """The list in a day file, or None with a problem saying where it went wrong."""
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        problems.append(Problem(label, f"cannot read: {exc.strerror}"))
        return None
    except UnicodeDecodeError:
        problems.append(Problem(label, "not UTF-8 text; is it really a Slack day file?"))
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(
            Problem(
                f"{label}:{exc.lineno}",
                f"not valid JSON ({exc.msg}, column {exc.colno}); "
                "the file was skipped: fix it or re-export that day",
            )
        )
        return None
    except RecursionError:  # arrays in arrays, thousands deep: no export is made so
        problems.append(
            Problem(label, "nested too deeply to be a Slack day file; the file was skipped")
        )
        return None
    if not isinstance(data, list):
        problems.append(Problem(f"{label} $", "a day file holds a list of messages, not this"))
        return None
    return data


def _users(
    file: Path, label: str, given: Path, problems: list[Problem]
) -> dict[str, dict[str, str]]:
    """User id -> name, display name, real name and e-mail, from ``users.json``."""
    where = _label(file, given, label)
    data = _load(file, where, problems)
    users: dict[str, dict[str, str]] = {}
    for index, item in enumerate(data or []):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            problems.append(Problem(f"{where} $[{index}]", "a user needs an 'id'; skipped"))
            continue
        users[item["id"]] = _names(item)
    return users


def _names(user: dict[str, Any]) -> dict[str, str]:
    profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
    names = {
        "name": user.get("name"),
        "real": user.get("real_name") or profile.get("real_name"),
        "display": profile.get("display_name") or profile.get("display_name_normalized"),
        "email": profile.get("email"),
        "bot": "yes" if user.get("is_bot") else "",
    }
    return {k: v for k, v in names.items() if isinstance(v, str) and v}


def _take(
    item: Any,
    where: str,
    users: dict[str, dict[str, str]],
    how: Reading,
    found: dict[str, Message],
    problems: list[Problem],
) -> int:
    """Add ``item`` to ``found`` (by ts); 1 when it is noise that is never taken, else 0."""
    if not isinstance(item, dict) or item.get("type", "message") != "message":
        return 1
    subtype = item.get("subtype")
    if subtype in _NOISE:
        return 1
    if subtype == "message_deleted":
        found.pop(str(item.get("deleted_ts")), None)
        return 1
    if subtype == "message_changed":  # an edit: the new text replaces the message's
        new = item.get("message")
        old = found.get(str(new.get("ts"))) if isinstance(new, dict) else None
        if old is not None and isinstance(new.get("text"), str):
            found[str(new["ts"])] = old._replace(text=_plain(new["text"], users, how))
        return 1
    moment = _time(item.get("ts"))
    if moment is None:
        problems.append(
            Problem(
                f"{where}.ts",
                f"{item.get('ts')!r} is not a Slack time like '1763733780.000200'; "
                "the message was skipped",
            )
        )
        return 0
    message = _message(item, moment, where, users, how)
    if message is None:
        return 1
    found[str(item["ts"])] = message
    return 0


def _time(ts: Any) -> datetime | None:
    match = _TS.match(ts) if isinstance(ts, str) else None
    if match is None:
        return None
    return datetime.fromtimestamp(int(match[1]), timezone.utc)


def _message(
    item: dict[str, Any],
    moment: datetime,
    where: str,
    users: dict[str, dict[str, str]],
    how: Reading,
) -> Message | None:
    """The message, or None for bot noise and empty messages."""
    user = users.get(item.get("user") or "") or {}
    bot = "bot_id" in item or item.get("subtype") == "bot_message" or "bot" in user
    author = _author(item, user, bot)
    kind = "message"
    if bot:
        lowered = author.lower()
        if is_status_bot(author):
            kind = "status"
        elif any(name in lowered for name in how.alert_bots):
            kind = "alert"
        else:
            return None
    elif "thread_ts" in item and item["thread_ts"] != item.get("ts"):
        kind = "reply"
    text = _plain(_text(item), users, how)
    if "files" in item:
        files = [f for f in item["files"] or () if isinstance(f, dict)]
        names = ", ".join(str(f.get("title") or f.get("name") or "a file") for f in files)
        if names:
            text = f"{text} (file: {names})" if text.strip() else f"shared {names}"
    text = text.strip()
    if not text:
        return None
    pinned = bool(item.get("pinned_to"))
    if not pinned and "reactions" in item:
        names = {r.get("name") for r in item["reactions"] or () if isinstance(r, dict)}
        pinned = any(name in names for name in how.pins)
    ids = tuple(user.get(k, "") for k in ("name", "display", "real", "email") if k in user)
    return Message(moment, author, text, where, kind, pinned, (*ids, author))


def _author(item: dict[str, Any], user: dict[str, str], bot: bool) -> str:
    """The chat's name for the message's author: the full name, else the display name, the handle."""
    if bot and isinstance(item.get("username"), str):
        return str(item["username"])
    if bot and isinstance(item.get("bot_profile"), dict) and item["bot_profile"].get("name"):
        return str(item["bot_profile"]["name"])
    for key in ("real", "display", "name"):
        if key in user:
            return user[key]
    profile = item.get("user_profile")
    if isinstance(profile, dict):
        for key in ("real_name", "display_name", "name"):
            if isinstance(profile.get(key), str) and profile[key]:
                return str(profile[key])
    return str(item.get("user") or "someone")


def _text(item: dict[str, Any]) -> str:
    text = item.get("text") if isinstance(item.get("text"), str) else ""
    if text.strip():
        return text
    for attachment in item.get("attachments") or ():  # alert bots put their words here
        if isinstance(attachment, dict):
            for key in ("fallback", "title", "text", "pretext"):
                if isinstance(attachment.get(key), str) and attachment[key].strip():
                    return str(attachment[key])
    return text


def _plain(text: str, users: dict[str, dict[str, str]], how: Reading) -> str:
    """Slack's markup as text: ``<@U1>`` -> ``@Name`` (named as authors are), ``<url|label>``
    -> ``[label](url)``."""
    if "<" in text:
        text = _ANGLE.sub(lambda m: _angle(m[1], users, how), text)
    if "&" in text:
        text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return text


def _angle(inner: str, users: dict[str, dict[str, str]], how: Reading) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        user = users.get(target[1:], {})
        return "@" + (full_name(user, how.people) or label or target[1:])
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!"):
        return label or "@" + target[1:].split("^")[0]
    if not label or label == target or target == f"mailto:{label}":
        return label or target
    return f"[{label.replace(']', chr(92) + ']')}]({target})"
