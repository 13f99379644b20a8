"""What the trackers answer, in the terms the sync uses."""

from __future__ import annotations

from typing import NamedTuple


class Created(NamedTuple):
    """An issue as the Ticket cell names it (a URL, or ``KEY-123``) and as its API names it."""

    cell: str
    ref: str


class State(NamedTuple):
    """A ticket's state: closed or not, and whether it was closed as done."""

    url: str
    closed: bool
    completed: bool
    #: the tracker's word for it: open, completed, not_planned, or a Jira resolution
    reason: str
