"""A small JSON client over urllib for the trackers' REST APIs: retries, back-off, no secrets shown.

Rate limits (429, or 403 with ``x-ratelimit-remaining: 0``) wait as long as the server asks
(``Retry-After`` or ``x-ratelimit-reset``) when that is short, and fail with the time the
limit resets when it is not; 5xx answers and dropped connections are retried with
exponential back-off. The credentials go in one header and appear in no message: every
text that could carry them is passed through :meth:`Client.scrub`.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from email.message import Message
from typing import Any, NamedTuple, TypeVar

from hindsight import __version__
from hindsight.errors import HindsightError

#: attempts for one call, the first delay of the back-off, the longest wait a limit may ask
ATTEMPTS = 5
FIRST_DELAY = 0.5
LONGEST_WAIT = 120.0
TIMEOUT = 30.0

T = TypeVar("T")


class TrackerError(HindsightError):
    """The tracker refused or did not answer; the message says what was asked and why."""

    def __init__(self, message: str, status: int | None = None, *, unsure: bool = False) -> None:
        super().__init__(message)
        self.status = status
        #: the request may have been carried out though no answer said so (a 5xx, a timeout)
        self.unsure = unsure


class Answer(NamedTuple):
    status: int
    body: Any
    headers: Message


class Client:
    """JSON over HTTPS to one API, with its authorisation header set once."""

    def __init__(
        self,
        base: str,
        headers: Mapping[str, str],
        secrets: tuple[str, ...] = (),
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base = base.rstrip("/")
        self._headers = {"User-Agent": f"hindsight/{__version__}", **headers}
        self._secrets = tuple(s for s in secrets if s)
        self._sleep = sleep
        self._clock = clock

    def scrub(self, text: str) -> str:
        """``text`` with every credential replaced by ``***``."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def url(self, path: str, query: Mapping[str, str] | None = None) -> str:
        """The absolute URL of ``path`` (already absolute URLs are kept, as pages' next links)."""
        url = path if path.startswith(("http://", "https://")) else f"{self.base}{path}"
        return f"{url}?{urllib.parse.urlencode(query)}" if query else url

    def call(
        self,
        method: str,
        path: str,
        what: str,
        payload: Any = None,
        *,
        again: bool = True,
        **query: str,
    ) -> Answer:
        """Send one request and return its answer; ``what`` names it in errors ("open an issue").

        With ``again`` false (a request that creates something), a 5xx answer or a lost
        connection is not retried but raised as ``unsure``: the tracker may have carried it
        out, and sending it again could create a second one (see :meth:`create`). A rate
        limit is waited out either way, since the request was refused, not carried out.
        """
        url = self.url(path, query or None)
        data = None if payload is None else json.dumps(payload).encode()
        delay = FIRST_DELAY
        for attempt in range(1, ATTEMPTS + 1):
            request = urllib.request.Request(url, data=data, method=method)
            for name, value in self._headers.items():
                if name == "Authorization":  # never sent on to the host a redirect names
                    request.add_unredirected_header(name, value)
                else:
                    request.add_header(name, value)
            if data is not None:
                request.add_header("Content-Type", "application/json")
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                    raw = response.read()
                    return Answer(response.status, _json(raw), response.headers)
            except urllib.error.HTTPError as exc:
                raw = exc.read()
                wait = self._wait(exc.code, exc.headers, delay)
                unsure = exc.code >= 500 and not again
                if wait is None or attempt == ATTEMPTS or unsure:
                    raise TrackerError(
                        self._refused(method, url, what, exc.code, raw, exc.headers),
                        exc.code,
                        unsure=unsure,
                    ) from None
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt == ATTEMPTS or not again:
                    reason = getattr(exc, "reason", exc)
                    raise TrackerError(
                        self.scrub(f"{what}: cannot reach {self._shown(url)}: {reason}"),
                        unsure=not again,
                    ) from None
                wait = delay
            self._sleep(wait)
            delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    def create(
        self, path: str, what: str, payload: Any, find: Callable[[], T | None]
    ) -> Answer | T:
        """POST ``payload`` once: after an answer that leaves it unsure whether the tracker
        created it, ``find`` looks for what it would have created (by its marker) before the
        request is sent again, so that no retry makes a duplicate."""
        delay = FIRST_DELAY
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return self.call("POST", path, what, payload, again=False)
            except TrackerError as exc:
                if not exc.unsure or attempt == ATTEMPTS:
                    raise
            self._sleep(delay)
            delay *= 2
            found = find()
            if found is not None:
                return found
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, status: int, headers: Message, delay: float) -> float | None:
        """Seconds to wait before trying again, or None when trying again cannot help."""
        limited = status == 429 or (
            status == 403
            and (headers.get("x-ratelimit-remaining") == "0" or headers.get("retry-after"))
        )
        if limited:
            asked = _seconds(headers.get("retry-after"))
            if asked is None and headers.get("x-ratelimit-reset"):
                reset = _seconds(headers.get("x-ratelimit-reset"))
                asked = None if reset is None else max(0.0, reset - self._clock()) + 1
            asked = delay if asked is None else asked
            return asked if asked <= LONGEST_WAIT else None
        if status >= 500:
            return delay
        return None

    def _refused(
        self, method: str, url: str, what: str, status: int, raw: bytes, headers: Message
    ) -> str:
        said = _said(_json(raw))
        hint = ""
        if status == 401:
            hint = "; the credentials were refused: check that the token is set and not expired"
        elif status == 403 and headers.get("x-ratelimit-remaining") == "0":
            reset = _seconds(headers.get("x-ratelimit-reset"))
            when = time.strftime("%H:%M UTC", time.gmtime(reset)) if reset else "later"
            hint = f"; the rate limit is used up until {when}: run again then"
        elif status == 429:
            hint = (
                "; the tracker asks to slow down for longer than Hindsight waits: run again later"
            )
        elif status == 403:
            hint = "; the token lacks a permission for this (see the tracker guide)"
        elif status == 404:
            hint = "; not found, or the token cannot see it"
        text = f"{what}: {method} {self._shown(url)} answered {status}"
        return self.scrub(f"{text}{': ' + said if said else ''}{hint}")

    def _shown(self, url: str) -> str:
        return url.split("?", 1)[0]


def _json(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw.decode("utf-8", "replace"))
    except ValueError:
        return raw.decode("utf-8", "replace")[:200]


def _said(body: Any) -> str:
    """What an error answer says: GitHub's ``message`` and ``errors``, Jira's ``errorMessages``."""
    if isinstance(body, str):
        return " ".join(body.split())[:200]
    if not isinstance(body, dict):
        return ""
    parts: list[str] = []
    if isinstance(body.get("message"), str):
        parts.append(body["message"])
    for error in body.get("errors") or ():
        if isinstance(error, dict):
            parts.append(str(error.get("message") or error.get("code") or ""))
    if isinstance(body.get("errors"), dict):
        parts += [f"{k}: {v}" for k, v in body["errors"].items()]
    parts += [str(m) for m in body.get("errorMessages") or ()]
    return "; ".join(p for p in parts if p)[:300]


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
