"""Jira Cloud (REST v3): create an issue, find one by its marker, read an issue's state."""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterator
from typing import Any

from hindsight.tracker.http import Client, TrackerError
from hindsight.tracker.model import Created, State

#: resolutions that close an issue without doing it (compared in lower case, ’ read as ')
NOT_DONE = frozenset(
    {
        "won't do",
        "won't fix",
        "duplicate",
        "cannot reproduce",
        "declined",
        "not a bug",
        "obsolete",
        "incomplete",
        "rejected",
    }
)
_URL = re.compile(r"https?://[^\s<>()]+[^\s<>().,;:!?'\"]")


class Jira:
    """The issues of one Jira Cloud project."""

    name = "Jira"

    def __init__(
        self,
        url: str,
        project: str,
        issue_type: str,
        labels: tuple[str, ...],
        client: Client | None = None,
    ) -> None:
        self.base = url.rstrip("/")
        self.project = project
        self.issue_type = issue_type
        self.labels = labels
        user = os.environ.get("JIRA_USER", "").strip()
        token = os.environ.get("JIRA_API_TOKEN", "").strip()
        self.authenticated = bool(user and token)
        basic = base64.b64encode(f"{user}:{token}".encode()).decode()
        headers = {"Accept": "application/json"}
        if self.authenticated:
            headers["Authorization"] = f"Basic {basic}"
        self.client = client or Client(self.base, headers, secrets=(token, basic))
        self._key = re.compile(rf"^({re.escape(project)}-\d+)$")
        self._browse = re.compile(rf"^{re.escape(self.base)}/browse/({re.escape(project)}-\d+)/?$")

    def describe(self) -> str:
        return f"Jira project {self.project} at {self.base}"

    def credentials_missing(self) -> str | None:
        if self.authenticated:
            return None
        return (
            "JIRA_USER and JIRA_API_TOKEN must both be set (your Atlassian account's e-mail and an "
            "API token from id.atlassian.com)"
        )

    def ref(self, ticket: str) -> str | None:
        ticket = ticket.strip()
        match = self._key.match(ticket) or self._browse.match(ticket)
        return match.group(1) if match else None

    def marked(self, markers: set[str]) -> dict[str, Created]:
        found: dict[str, Created] = {}
        for issue in self._issues():
            text = _text((issue.get("fields") or {}).get("description"))
            for marker in markers:
                if marker in text and marker not in found:
                    found[marker] = Created(str(issue["key"]), str(issue["key"]))
        return found

    def _issues(self) -> Iterator[dict[str, Any]]:
        labels = " AND ".join(f'labels = "{label}"' for label in self.labels)
        query: dict[str, Any] = {
            "jql": f'project = "{self.project}" AND {labels} ORDER BY created ASC',
            "fields": ["description"],
            "maxResults": 100,
        }
        while True:
            answer = self.client.call(
                "POST",
                "/rest/api/3/search/jql",
                "search the issues labelled for action items",
                query,
            )
            body = answer.body if isinstance(answer.body, dict) else {}
            for issue in body.get("issues") or ():
                if isinstance(issue, dict) and "key" in issue:
                    yield issue
            token = body.get("nextPageToken")
            if body.get("isLast", True) or not token:
                return
            query["nextPageToken"] = token

    def create(
        self, title: str, body: str, assignee: str | None, due: str | None, what: str, marker: str
    ) -> tuple[Created, str | None]:
        fields: dict[str, Any] = {
            "project": {"key": self.project},
            "summary": title[:255],
            "issuetype": {"name": self.issue_type},
            "labels": list(self.labels),
            "description": document(body),
        }
        if due:
            fields["duedate"] = due
        if assignee:
            fields["assignee"] = {"accountId": assignee}

        def find() -> Created | None:
            return self.marked({marker}).get(marker)

        note = None
        try:
            answer = self.client.create("/rest/api/3/issue", what, {"fields": fields}, find)
        except TrackerError as exc:
            # a project's create screen may lack the due date or the assignee: open it without
            dropped = [f for f in ("duedate", "assignee") if f in fields and f in str(exc)]
            if exc.status != 400 or not dropped:
                raise
            for field in dropped:
                del fields[field]
            answer = self.client.create("/rest/api/3/issue", what, {"fields": fields}, find)
            note = f"opened without {' and '.join(dropped)}, which the project refused: {exc}"
        if isinstance(answer, Created):
            return answer, note
        issue = answer.body if isinstance(answer.body, dict) else {}
        if "key" not in issue:
            raise TrackerError(f"{what}: Jira's answer has no issue key")
        return Created(str(issue["key"]), str(issue["key"])), note

    def state(self, ref: str, what: str) -> State:
        answer = self.client.call(
            "GET", f"/rest/api/3/issue/{ref}", what, fields="status,resolution"
        )
        fields = (answer.body or {}).get("fields") or {} if isinstance(answer.body, dict) else {}
        category = ((fields.get("status") or {}).get("statusCategory") or {}).get("key")
        resolution = (fields.get("resolution") or {}).get("name") or ""
        closed = category == "done"
        undone = resolution.lower().replace("’", "'") in NOT_DONE
        return State(
            url=f"{self.base}/browse/{ref}",
            closed=closed,
            completed=closed and not undone,
            reason=resolution or ("done" if closed else "open"),
        )


def document(text: str) -> dict[str, Any]:
    """Plain text as an Atlassian Document: a paragraph per block, URLs as links."""
    content = []
    for block in re.split(r"\n\s*\n", text.strip()):
        nodes: list[dict[str, Any]] = []
        for i, line in enumerate(block.split("\n")):
            if i:
                nodes.append({"type": "hardBreak"})
            at = 0
            for match in _URL.finditer(line):
                if match.start() > at:
                    nodes.append({"type": "text", "text": line[at : match.start()]})
                url = match.group(0)
                nodes.append(
                    {
                        "type": "text",
                        "text": url,
                        "marks": [{"type": "link", "attrs": {"href": url}}],
                    }
                )
                at = match.end()
            if at < len(line):
                nodes.append({"type": "text", "text": line[at:]})
        if nodes:
            content.append({"type": "paragraph", "content": nodes})
    return {"type": "doc", "version": 1, "content": content}


def _text(node: Any) -> str:
    """The text of an Atlassian Document (or of a plain string description)."""
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        return (node.get("text") or "") + " ".join(_text(c) for c in node.get("content") or ())
    return ""
