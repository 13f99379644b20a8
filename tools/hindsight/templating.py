"""One Jinja environment: the archive's ``templates/`` over the packaged defaults.

Templates are the organisation's source; what users type (titles, event text) is only
ever data passed to them. Nothing here compiles a string that came from a user, and the
templates run in Jinja's immutable sandbox, so even an edited template can reach neither
Python's internals nor change the data it is given.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jinja2
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from hindsight.errors import HindsightError

DEFAULTS = Path(__file__).parent / "defaults"


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


def environment(root: Path | None) -> jinja2.Environment:
    """The environment for the archive at ``root`` (packaged defaults only when None)."""
    search = [str(root / "templates")] if root is not None and (root / "templates").is_dir() else []
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader([*search, str(DEFAULTS / "templates")]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["yaml"] = yaml_value
    env.filters["one_line"] = one_line
    return env


def template_names(env: jinja2.Environment, folder: str) -> list[str]:
    """Names of the ``.j2`` templates under ``folder/`` in any search path."""
    return sorted(
        name for name in env.list_templates(extensions=["j2"]) if name.startswith(f"{folder}/")
    )


def render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render template ``name``; a template mistake names its file and line (exit 2)."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise HindsightError(
            f"{exc.filename or name}:{exc.lineno}: template error: {exc.message}"
        ) from None
    except jinja2.TemplateError as exc:
        where = _template_line(exc, name)
        raise HindsightError(f"{where}: template error: {exc}") from None


def _template_line(exc: BaseException, name: str) -> str:
    """``file:line`` of the template frame in ``exc``'s traceback (Jinja rewrites it there)."""
    tb, found = exc.__traceback__, name
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found
