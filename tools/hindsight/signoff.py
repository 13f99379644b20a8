"""``hindsight approve`` and ``hindsight status``: sign-off and the lifecycle, as line edits."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from hindsight.config import Settings
from hindsight.edit import EditError, FrontMatterEdit
from hindsight.model import HANDLE, Finding, Level, Status
from hindsight.paths import relative


class Outcome(NamedTuple):
    """What a sign-off or a move did, and what to say about it."""

    path: str
    messages: tuple[str, ...]
    findings: tuple[Finding, ...] = ()
    written: bool = True


def _edit(settings: Settings, folder: Path) -> FrontMatterEdit:
    return FrontMatterEdit(
        folder / "postmortem.md", f"{relative(folder, settings.root)}/postmortem.md"
    )


def _handles(meta: Any, key: str) -> list[str]:
    value = meta.get(key)
    if isinstance(value, str):
        return [value.lstrip("@")]
    return [v.lstrip("@") for v in value if isinstance(v, str)] if isinstance(value, list) else []


def approve(settings: Settings, folder: Path, by: str, day: date) -> Outcome:
    """Record ``by``'s sign-off on ``day`` in the incident's ``approvals``."""
    by = by.lstrip("@")
    if not HANDLE.match(by):
        raise EditError(f"'{by}' is not a handle; use the reviewer's code-host handle, like 'sam'")
    edit = _edit(settings, folder)
    meta = edit.meta
    status = Status.parse(meta.get("status"))
    if status not in (Status.IN_REVIEW, Status.APPROVED):
        raise EditError(
            f"{edit.label}: the postmortem is {meta.get('status') or 'without a status'}; "
            f"move it to review first: hindsight status {folder.name} in-review"
        )
    if by in _handles(meta, "authors"):
        raise EditError(
            f"{by} is an author of {folder.name} and cannot sign it off; "
            "a reviewer who did not write it must"
        )
    reviewers = _handles(meta, "reviewers")
    if by not in reviewers:
        listed = ", ".join(reviewers) or "nobody yet"
        raise EditError(
            f"{by} is not a reviewer of {folder.name} (reviewers: {listed}); "
            f"add {by} under 'reviewers:' first if they should sign it off"
        )
    approvals = meta.get("approvals") if isinstance(meta.get("approvals"), list) else []
    signed = {a.get("by"): a.get("date") for a in approvals if isinstance(a, dict)}
    if by in signed:
        return Outcome(
            edit.label,
            (f"{by} already signed off {folder.name} on {signed[by]}; nothing changed",),
            written=False,
        )
    edit.append_item("approvals", {"by": by, "date": day.isoformat()})

    def expected(before: dict[str, Any]) -> dict[str, Any]:
        items = before.get("approvals") if isinstance(before.get("approvals"), list) else []
        return dict(before, approvals=[*items, {"by": by, "date": day}])

    edit.verify(expected)
    edit.write()
    missing = [r for r in reviewers if r not in signed and r != by]
    messages = [f"{edit.label}: signed off by {by} on {day.isoformat()}"]
    if missing:
        messages.append(f"still to sign off: {', '.join(missing)}")
    elif status is Status.IN_REVIEW:
        messages.append(
            f"every reviewer has signed off; next: hindsight status {folder.name} approved"
        )
    return Outcome(edit.label, tuple(messages))


def move(settings: Settings, folder: Path, target: Status, today: date) -> Outcome:
    """Set the incident's status to ``target`` once the checks of that status pass."""
    from hindsight.checking import check_candidate

    edit = _edit(settings, folder)
    current = edit.meta.get("status")
    if current == target.value:
        return Outcome(
            edit.label,
            (f"{folder.name} is already {target.value}; nothing changed",),
            written=False,
        )
    edit.set_scalar("status", target.value)
    edit.verify(lambda before: dict(before, status=target.value))
    errors = tuple(
        f for f in check_candidate(settings, folder, edit.data(), today) if f.level is Level.ERROR
    )
    if errors:
        return Outcome(
            edit.label,
            (
                (
                    f"{folder.name} cannot move to {target.value}: "
                    f"{len(errors)} error{'s' if len(errors) != 1 else ''} "
                    "to fix first (nothing was written)"
                ),
            ),
            errors,
            written=False,
        )
    edit.write()
    moved = f"{edit.label}: status {current or '(none)'} → {target.value}"
    return Outcome(
        edit.label, (moved, *_before_review(settings, folder, edit.data(), today, target))
    )


#: how many of the findings that would block review ``status`` names
SHOWN = 3


def _before_review(
    settings: Settings, folder: Path, postmortem: bytes, today: date, status: Status
) -> list[str]:
    """What review will demand of a postmortem moved to ``status``, when that is before review."""
    from hindsight.checking import check_candidate

    if status.rank >= Status.IN_REVIEW.rank:
        return []
    errors = [
        f
        for f in check_candidate(settings, folder, postmortem, today, Status.IN_REVIEW)
        if f.level is Level.ERROR
    ]
    if not errors:
        return ["in-review will demand nothing more: it can move on when it is written"]
    count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
    where = relative(folder, settings.root)
    lines = [
        f"before review: {count} to fix (hindsight check --as in-review {where} lists them all), first:"
    ]
    lines += [f"  {f.path}:{f.line or 1}: {f.code} {f.message}" for f in errors[:SHOWN]]
    return lines
