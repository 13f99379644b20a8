"""GitHub Issues (REST v3): open an issue, find one by its marker, read an issue's state."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from hindsight.tracker.http import Client, TrackerError
from hindsight.tracker.model import Created, State

DEFAULT_API = "https://api.github.com"
_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


class GitHub:
    """The issues of one repository, ``OWNER/NAME``."""

    name = "GitHub"

    def __init__(self, repo: str, labels: tuple[str, ...], client: Client | None = None) -> None:
        self.repo = repo
        self.labels = labels
        token = os.environ.get("GITHUB_TOKEN", "").strip()
        self.authenticated = bool(token)
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        api = os.environ.get("GITHUB_API_URL", "").strip() or DEFAULT_API
        self.client = client or Client(api, headers, secrets=(token,))
        owner, _, name = repo.partition("/")
        self._url = re.compile(
            rf"^https?://[^/\s]+/{re.escape(owner)}/{re.escape(name)}/issues/(\d+)/?$",
            re.IGNORECASE,
        )
        self._short = re.compile(rf"^(?:{re.escape(repo)})?#(\d+)$", re.IGNORECASE)

    def describe(self) -> str:
        return f"GitHub issues of {self.repo}"

    def credentials_missing(self) -> str | None:
        """What to set before changing anything, or None."""
        if self.authenticated:
            return None
        return (
            "GITHUB_TOKEN is not set: set it to a token that may write issues of "
            f"{self.repo} (in GitHub Actions: permissions: issues: write)"
        )

    def ref(self, ticket: str) -> str | None:
        """The issue number when ``ticket`` is an issue of this repository, else None."""
        ticket = ticket.strip()
        match = self._url.match(ticket) or self._short.match(ticket)
        return match.group(1) if match else None

    def marked(self, markers: set[str]) -> dict[str, Created]:
        """Issues already opened for an action item, by the marker in their body."""
        found: dict[str, Created] = {}
        for issue in self._issues():
            body = issue.get("body") or ""
            for marker in markers:
                if marker in body and marker not in found:
                    found[marker] = Created(str(issue["html_url"]), str(issue["number"]))
        return found

    def _issues(self) -> Iterator[dict]:  # type: ignore[type-arg]
        path: str | None = f"/repos/{self.repo}/issues"
        query = {"state": "all", "labels": ",".join(self.labels), "per_page": "100"}
        while path:
            answer = self.client.call(
                "GET", path, "list the issues labelled for action items", **query
            )
            for issue in answer.body if isinstance(answer.body, list) else ():
                if isinstance(issue, dict) and "pull_request" not in issue:
                    yield issue
            link = _NEXT.search(answer.headers.get("Link") or "")
            path, query = (link.group(1), {}) if link else (None, {})

    def create(
        self, title: str, body: str, assignee: str | None, due: str | None, what: str, marker: str
    ) -> tuple[Created, str | None]:
        """Open an issue; returns it and a note when the assignee could not be set."""
        payload: dict[str, object] = {"title": title, "body": body, "labels": list(self.labels)}
        if assignee:
            payload["assignees"] = [assignee]
        note = None
        path = f"/repos/{self.repo}/issues"

        def find() -> Created | None:
            return self.marked({marker}).get(marker)

        try:
            answer = self.client.create(path, what, payload, find)
        except TrackerError as exc:
            if not assignee or exc.status != 422:
                raise
            payload.pop("assignees")
            answer = self.client.create(path, what, payload, find)
            note = f"@{assignee} could not be assigned (not a collaborator of {self.repo})"
        if isinstance(answer, Created):
            return answer, note
        issue = answer.body if isinstance(answer.body, dict) else {}
        if "html_url" not in issue or "number" not in issue:
            raise TrackerError(f"{what}: GitHub's answer has no issue number")
        return Created(str(issue["html_url"]), str(issue["number"])), note

    def state(self, ref: str, what: str) -> State:
        answer = self.client.call("GET", f"/repos/{self.repo}/issues/{ref}", what)
        issue = answer.body if isinstance(answer.body, dict) else {}
        closed = issue.get("state") == "closed"
        reason = issue.get("state_reason")
        planned = not (closed and reason in ("not_planned", "duplicate"))
        return State(
            url=str(issue.get("html_url") or ""),
            closed=closed,
            completed=closed and planned,
            reason=str(reason or ("completed" if closed else "open")),
        )
