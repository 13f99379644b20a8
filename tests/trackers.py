"""GitHub's and Jira's REST APIs as they answer the calls ``hindsight actions sync`` makes.

A real HTTP server on 127.0.0.1, answering with the shapes of the public documentation:
GitHub's issues (``Link`` pages, ``pull_request`` entries among issues, ``state_reason``,
``Bad credentials``, ``Validation Failed``, rate-limit headers) and Jira Cloud's issues
(``/rest/api/3/search/jql`` pages by ``nextPageToken``, Atlassian documents, status
categories and resolutions). ``fail`` queues answers to give before the real one.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

TOKEN = "ghp_" + "test0nly" * 4  # built here, so that no file holds a token-shaped literal
JIRA_USER = "sre@example.com"
JIRA_TOKEN = "ATATT3x" + "FAKE" * 6


class Fake:
    """Shared by both fakes: the server, the calls seen, and answers queued to fail with."""

    page_size = 2

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, str], Any]] = []
        self.fail: list[tuple[int, dict[str, str], Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                payload = json.loads(raw) if raw else None
                fake.calls.append((method, self.path, dict(self.headers), payload))
                if fake.fail:
                    status, headers, body = fake.fail.pop(0)
                else:
                    status, headers, body = fake.answer(method, self.path, self.headers, payload)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def posts(self) -> list[Any]:
        return [payload for method, _, _, payload in self.calls if method == "POST"]

    def answer(
        self, method: str, path: str, headers: Any, payload: Any
    ) -> tuple[int, dict[str, str], Any]:
        raise NotImplementedError


class FakeGitHub(Fake):
    def __init__(
        self,
        repo: str = "example/incident-archive",
        collaborators: tuple[str, ...] = ("lee", "sam"),
    ) -> None:
        self.repo = repo
        self.collaborators = collaborators
        self.issues: dict[int, dict[str, Any]] = {}
        super().__init__()
        # a pull request, listed among issues as GitHub does, with a label and a marker-like body
        self.issues[1] = self._issue(
            1, "A pull request", "hindsight-action:x:y", ["postmortem-action"]
        )
        self.issues[1]["pull_request"] = {"url": f"{self.url}/repos/{repo}/pulls/1"}

    def _issue(self, number: int, title: str, body: str, labels: list[str]) -> dict[str, Any]:
        return {
            "number": number,
            "title": title,
            "body": body,
            "labels": [{"name": name} for name in labels],
            "state": "open",
            "state_reason": None,
            "assignees": [],
            "html_url": f"https://github.com/{self.repo}/issues/{number}",
        }

    def close_issue(self, number: int, reason: str = "completed") -> None:
        self.issues[number].update(state="closed", state_reason=reason)

    def answer(
        self, method: str, path: str, headers: Any, payload: Any
    ) -> tuple[int, dict[str, str], Any]:
        url = urlparse(path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        auth = headers.get("Authorization")
        if auth is not None and auth != f"Bearer {TOKEN}":
            return (
                401,
                {},
                {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"},
            )
        base = f"/repos/{self.repo}/issues"
        if method == "POST" and url.path == base:
            if auth is None:
                return 401, {}, {"message": "Requires authentication"}
            bad = [a for a in payload.get("assignees", []) if a not in self.collaborators]
            if bad or not payload.get("title"):
                return (
                    422,
                    {},
                    {
                        "message": "Validation Failed",
                        "errors": [{"resource": "Issue", "code": "invalid", "field": "assignees"}],
                    },
                )
            number = max(self.issues) + 1
            issue = self._issue(
                number, payload["title"], payload.get("body", ""), payload.get("labels", [])
            )
            issue["assignees"] = [{"login": a} for a in payload.get("assignees", [])]
            self.issues[number] = issue
            return 201, {}, issue
        if method == "GET" and url.path == base:
            wanted = set(filter(None, query.get("labels", "").split(",")))
            found = [
                i
                for n, i in sorted(self.issues.items())
                if wanted <= {label["name"] for label in i["labels"]}
            ]
            page = int(query.get("page", "1"))
            size = min(int(query.get("per_page", "30")), self.page_size)
            chunk = found[(page - 1) * size : page * size]
            links = {}
            if page * size < len(found):
                nxt = dict(query, page=str(page + 1))
                links["Link"] = (
                    f'<{self.url}{base}?{"&".join(f"{k}={v}" for k, v in nxt.items())}>; rel="next"'
                )
            return 200, links, chunk
        match = re.fullmatch(rf"{base}/(\d+)", url.path)
        if method == "GET" and match and int(match.group(1)) in self.issues:
            return 200, {}, self.issues[int(match.group(1))]
        return (
            404,
            {},
            {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"},
        )


class FakeJira(Fake):
    def __init__(self, project: str = "OPS") -> None:
        self.project = project
        self.issues: dict[str, dict[str, Any]] = {}
        super().__init__()

    def close_issue(self, key: str, resolution: str = "Done") -> None:
        self.issues[key]["status"] = {"name": "Done", "statusCategory": {"key": "done"}}
        self.issues[key]["resolution"] = {"name": resolution}

    def answer(
        self, method: str, path: str, headers: Any, payload: Any
    ) -> tuple[int, dict[str, str], Any]:
        url = urlparse(path)
        expected = "Basic " + base64.b64encode(f"{JIRA_USER}:{JIRA_TOKEN}".encode()).decode()
        if headers.get("Authorization") != expected:
            return 401, {}, {"errorMessages": ["You are not authenticated."], "errors": {}}
        if method == "POST" and url.path == "/rest/api/3/issue":
            fields = payload["fields"]
            if fields.get("project", {}).get("key") != self.project:
                return (
                    400,
                    {},
                    {"errorMessages": [], "errors": {"project": "valid project is required"}},
                )
            key = f"{self.project}-{len(self.issues) + 101}"
            self.issues[key] = {
                "fields": dict(fields),
                "status": {"name": "To Do", "statusCategory": {"key": "new"}},
                "resolution": None,
            }
            return (
                201,
                {},
                {
                    "id": str(10000 + len(self.issues)),
                    "key": key,
                    "self": f"{self.url}/rest/api/3/issue/{key}",
                },
            )
        if method == "POST" and url.path == "/rest/api/3/search/jql":
            labels = re.findall(r'labels = "([^"]+)"', payload["jql"])
            found = [
                (key, issue)
                for key, issue in self.issues.items()
                if set(labels) <= set(issue["fields"].get("labels", []))
            ]
            start = int(payload.get("nextPageToken") or 0)
            chunk = found[start : start + self.page_size]
            body: dict[str, Any] = {
                "issues": [
                    {
                        "id": key,
                        "key": key,
                        "fields": {"description": i["fields"].get("description")},
                    }
                    for key, i in chunk
                ],
                "isLast": start + self.page_size >= len(found),
            }
            if not body["isLast"]:
                body["nextPageToken"] = str(start + self.page_size)
            return 200, {}, body
        match = re.fullmatch(r"/rest/api/3/issue/([A-Z]+-\d+)", url.path)
        if method == "GET" and match and match.group(1) in self.issues:
            issue = self.issues[match.group(1)]
            return (
                200,
                {},
                {
                    "key": match.group(1),
                    "fields": {"status": issue["status"], "resolution": issue["resolution"]},
                },
            )
        return (
            404,
            {},
            {
                "errorMessages": ["Issue does not exist or you do not have permission to see it."],
                "errors": {},
            },
        )


def rate_limited(seconds_from_now: float = 0) -> tuple[int, dict[str, str], Any]:
    """GitHub's answer when the primary rate limit is used up."""
    return (
        403,
        {
            "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": str(int(time.time() + seconds_from_now)),
        },
        {
            "message": "API rate limit exceeded for user ID 1.",
            "documentation_url": "https://docs.github.com/rest",
        },
    )


def walk(text: str) -> Iterator[str]:
    """Lines of ``text`` (for asserting on output)."""
    yield from text.splitlines()
