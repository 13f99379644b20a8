"""One Jinja environment: the archive's ``templates/`` over the packaged defaults.

Templates are the organisation's source; what users type (titles, event text) is only
ever data passed to them. Nothing here compiles a string that came from a user, and the
templates run in Jinja's immutable sandbox, so even an edited template can reach neither
Python's internals nor change the data it is given.
"""

from __future__ import annotations

import contextvars
import functools
import json
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from hindsight.errors import HindsightError

DEFAULTS = Path(__file__).parent / "defaults"

#: what one template may produce, loop over and take: far above any postmortem or update
MAX_OUTPUT = 1024 * 1024  # characters
MAX_ITERATIONS = 100_000  # items of every range() in one rendering, together
TIME_LIMIT = 5.0  # seconds


class TemplateLimit(SecurityError):
    """A template went over one of the limits above (a TemplateError: it names file and line)."""


class _Budget:
    """What is left of one rendering's iterations, and when its time is up."""

    def __init__(self) -> None:
        self.iterations = MAX_ITERATIONS
        self.deadline = time.monotonic() + TIME_LIMIT

    def spend(self) -> None:
        self.iterations -= 1
        if self.iterations < 0:
            raise TemplateLimit(
                f"the template's loops ran more than {MAX_ITERATIONS:,} times; "
                "loop over the data given to it, not over large ranges"
            )
        if time.monotonic() > self.deadline:
            raise _too_slow()


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("budget", default=None)


def _too_slow() -> TemplateLimit:
    return TemplateLimit(
        f"the template took longer than {TIME_LIMIT:g} seconds; simplify its loops"
    )


def _limited_range(*args: int) -> Iterator[int]:
    """``range`` counted against the rendering's budget, item by item."""
    budget = _BUDGET.get() or _Budget()
    for n in range(*args):
        budget.spend()
        yield n


_limited_range.__name__ = "range"  # as messages name it


def _check_size(length: int, what: str) -> None:
    if length > MAX_OUTPUT:
        raise TemplateLimit(
            f"{what} would make {length:,} characters; a template may make at most {MAX_OUTPUT:,}"
        )


def _check_ints(args: tuple[Any, ...], kwargs: dict[str, Any], what: str) -> None:
    """No width, count or size argument larger than the output limit (``center(10**9)``)."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_OUTPUT:
            raise TemplateLimit(f"{what} was given {value:,}; the limit is {MAX_OUTPUT:,}")


_WIDTH = re.compile(r"\d{7,}")


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with limits on what an (edited) template can make or take."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """``*``, ``**`` and ``%`` checked for size before they run."""
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int):
                    _check_size(len(seq) * count, "repeating a text or list")
        elif operator == "**" and isinstance(left, int) and isinstance(right, int):
            if abs(left) > 1 and right * max(abs(left).bit_length(), 1) > 4096:
                raise TemplateLimit(f"{left} ** {right} is too large a number for a template")
        elif operator == "%" and isinstance(left, str) and _WIDTH.search(left):
            raise TemplateLimit("a '%' format with a width of a million or more")
        return super().call_binop(context, operator, left, right)

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Calls checked for huge arguments, and the text that ``replace`` or ``format`` makes."""
        name = getattr(obj, "__name__", "a function")
        owner = getattr(obj, "__self__", None)
        if obj is _limited_range or isinstance(owner, str) and name in _SIZED_METHODS:
            _check_ints(args, kwargs, f"{name}()")
        if isinstance(owner, str) and name == "replace" and len(args) >= 2:
            _check_size(_replaced(owner, *args[:2]), "replace()")
        if isinstance(owner, str) and name in ("format", "format_map") and _WIDTH.search(owner):
            # Jinja before 3.1.3 calls str.format here; later ones through wrap_str_format
            raise TemplateLimit("a format with a width of a million or more")
        return super().call(context, obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` as the sandbox runs it, refusing a width of a million or more."""
        owner = getattr(value, "__self__", None)
        if isinstance(owner, str) and _WIDTH.search(owner):

            def refuse(*args: Any, **kwargs: Any) -> str:
                raise TemplateLimit("a format with a width of a million or more")

            return refuse
        return super().wrap_str_format(value)


_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def yaml_value(value: Any) -> str:
    """``value`` as one YAML flow value on one line, quoted as needed: safe after ``key: ``.

    A text with a line break or control character is written as a JSON string, which YAML
    reads as a double-quoted scalar; anything else goes through PyYAML's emitter.
    """
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if isinstance(value, str) and _BREAKS.search(value):
        return json.dumps(value)
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=2**31)
    text = text.removesuffix("\n...\n")
    return text.rstrip("\n")


def one_line(value: Any) -> str:
    """``value`` as text on a single line (for Markdown headings)."""
    return " ".join(str(value).split())


def _replaced(text: str, old: Any, new: Any) -> int:
    """How long ``text.replace(old, new)`` would be."""
    if not isinstance(old, str) or not isinstance(new, str):
        return len(text)
    hits = text.count(old) if old else len(text) + 1
    return len(text) + hits * (len(new) - len(old))


def _limited_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that refuses a huge width or count (``center(10**9)``), huge replacements and
    formats with a huge width; the value filtered may be any number."""

    @functools.wraps(function)
    def limited(*args: Any, **kwargs: Any) -> Any:
        if name in _SIZED_FILTERS:
            _check_ints(args[1:], kwargs, f"the filter '{name}'")
        texts = [a for a in args if isinstance(a, str)]  # after the eval context, if any
        if name == "replace" and len(texts) >= 3:
            _check_size(_replaced(*texts[:3]), "the filter 'replace'")
        if name == "format" and args and isinstance(args[0], str) and _WIDTH.search(args[0]):
            raise TemplateLimit("a format with a width of a million or more")
        return function(*args, **kwargs)

    return limited


#: filters and text methods whose numbers are sizes: a width, a count of items or spaces
_SIZED_FILTERS = frozenset({"center", "indent", "batch", "slice"})
_SIZED_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
_LIMITED_FILTERS = _SIZED_FILTERS | {"replace", "format"}


def environment(root: Path | None) -> jinja2.Environment:
    """The environment for the archive at ``root`` (packaged defaults only when None)."""
    search = [str(root / "templates")] if root is not None and (root / "templates").is_dir() else []
    env = LimitedSandbox(
        loader=jinja2.FileSystemLoader([*search, str(DEFAULTS / "templates")]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["yaml"] = yaml_value
    env.filters["one_line"] = one_line
    for name in _LIMITED_FILTERS & set(env.filters):
        env.filters[name] = _limited_filter(name, env.filters[name])
    env.globals["range"] = _limited_range
    return env


def template_names(env: jinja2.Environment, folder: str) -> list[str]:
    """Names of the ``.j2`` templates under ``folder/`` in any search path."""
    return sorted(
        name for name in env.list_templates(extensions=["j2"]) if name.startswith(f"{folder}/")
    )


def render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render template ``name`` within the limits; a mistake names its file and line (exit 2)."""
    try:
        template = env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise HindsightError(
            f"{_shown(exc.filename) if exc.filename else name}:{exc.lineno}: "
            f"template error: {exc.message}"
        ) from None
    except jinja2.TemplateError as exc:
        raise HindsightError(f"{name}: template error: {exc}") from None
    token = _BUDGET.set(_Budget())
    try:
        with _time_limit():
            return _generate(template, context)
    except jinja2.TemplateError as exc:
        where = _template_line(exc, name)
        raise HindsightError(f"{where}: template error: {exc}") from None
    except (Exception, RecursionError) as exc:  # noqa: BLE001 - any mistake in a template is the template's
        where = _template_line(exc, name)
        raise HindsightError(
            f"{where}: template error: {type(exc).__name__}: {exc}".rstrip(": ")
        ) from None
    finally:
        _BUDGET.reset(token)


def _generate(template: jinja2.Template, context: dict[str, Any]) -> str:
    """The rendered text, piece by piece, stopped when it grows too long or takes too long."""
    budget = _BUDGET.get()
    assert budget is not None
    parts, size = [], 0
    pieces = template.generate(context)
    for part in pieces:
        size += len(part)
        problem = None
        if size > MAX_OUTPUT:
            problem = TemplateLimit(
                f"the template's output is longer than {MAX_OUTPUT:,} characters; "
                "a postmortem or an update needs far less"
            )
        elif time.monotonic() > budget.deadline:
            problem = _too_slow()
        if problem is not None:
            pieces.throw(problem)  # raised where the template is, so that its line is named
        parts.append(part)
    return "".join(parts)


@contextmanager
def _time_limit() -> Iterator[None]:
    """Interrupt a rendering that runs over TIME_LIMIT (only in the main thread, where
    signals are delivered; elsewhere the budget's checks between pieces and items stop it)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise _too_slow()

    previous = signal.signal(signal.SIGALRM, stop)
    started = time.monotonic()
    outer, interval = signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT + 0.5)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:  # a timer someone else set (a test runner's timeout) runs on
            left = outer - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), interval)


def _template_line(exc: BaseException, name: str) -> str:
    """``file:line`` of the template frame in ``exc``'s traceback (Jinja rewrites it there)."""
    tb, found = exc.__traceback__, name
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = f"{_shown(filename)}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found


def _shown(filename: str) -> str:
    """A template's path as the user would type it: relative to the current folder if inside."""
    path = Path(filename)
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return filename
