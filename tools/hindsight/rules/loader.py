"""Problems the loaders find while reading a folder, documented as rules.

The loaders (``hindsight.load``) report these as they read, with their file line; the
rules here give them a name, docs and a level that ``hindsight.yml`` can change. Their
codes, names and levels are declared once, in ``hindsight.problems.LOADER_CODES``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from hindsight.model import Finding
from hindsight.problems import LOADER_CODES
from hindsight.rules._base import CheckContext, Rule, rule


def _loader(code: str) -> Callable[[Callable[..., Any]], Rule]:
    name, category, level = LOADER_CODES[code]

    def wrap(doc_holder: Callable[..., Any]) -> Rule:
        def check(_: Any, __: CheckContext) -> Iterator[Finding]:
            return iter(())  # found while loading; see hindsight.load

        check.__doc__ = doc_holder.__doc__
        return rule(code, name, category, level)(check)._replace(loader=True)

    return wrap


@_loader("HS101")
def front_matter_missing() -> None:
    """Flags a postmortem.md that does not start with a `---` line of front matter.

    ## Why is this bad?
    Without front matter nothing is known about the incident: not its status, its
    severity or whether it may be published. It is treated as restricted and left out
    of the site.

    ## Example
    ```markdown title="postmortem.md"
    # Checkout errors

    The checkout API returned errors for three hours.
    ```

    ## Use instead
    ```markdown title="postmortem.md"
    ---
    id: 2026-11-21-example
    title: Checkout errors
    status: draft
    severity: SEV2
    visibility: internal
    ---

    # Checkout errors
    ```
    """


@_loader("HS102")
def front_matter_unterminated() -> None:
    """Flags front matter whose closing `---` is missing, or cuts a multi-line value in two.

    ## Why is this bad?
    Other tools read such a file differently: some take the whole postmortem as YAML,
    some publish the front matter as text. Hindsight reads nothing and says where.

    ## Example
    ```markdown title="postmortem.md"
    ---
    id: 2026-11-21-example
    title: Checkout errors

    # Checkout errors
    ```

    ## Use instead
    ```markdown title="postmortem.md"
    ---
    id: 2026-11-21-example
    title: Checkout errors
    status: draft
    severity: SEV2
    visibility: internal
    ---

    # Checkout errors
    ```
    """


@_loader("HS103")
def yaml_syntax() -> None:
    """Flags front matter that is not valid YAML, at the line where reading stopped.

    ## Why is this bad?
    Nothing after the error can be read. The most common cause is a colon followed by a
    space inside a value: quote the value.

    ## Example
    ```markdown title="postmortem.md"
    ---
    id: 2026-11-21-example
    title: Checkout: errors for three hours
    ---
    ```

    ## Use instead
    ```markdown title="postmortem.md"
    ---
    id: 2026-11-21-example
    title: "Checkout: errors for three hours"
    status: draft
    severity: SEV2
    visibility: internal
    ---
    ```
    """


@_loader("HS104")
def front_matter_not_mapping() -> None:
    """Flags front matter that is a list or a single value instead of keys and values.

    ## Why is this bad?
    Hindsight needs named keys (`title:`, `status:`); a list between the `---` lines has
    none, so nothing about the incident can be read.

    ## Example
    ```markdown title="postmortem.md"
    ---
    - Checkout errors
    - draft
    ---
    ```

    ## Use instead
    ```markdown title="postmortem.md"
    ---
    id: 2026-11-21-example
    title: Checkout errors
    status: draft
    severity: SEV2
    visibility: internal
    ---
    ```
    """


@_loader("HS105")
def yaml_construct_forbidden() -> None:
    """Flags YAML anchors, aliases, tags, merge keys and directives in front matter.

    ## Why is this bad?
    They make a value mean something other than what is written where it is read, and
    tags can ask a YAML library to build objects. Front matter is data: write each value
    out in full.

    ## Example
    ```yaml
    commander: &ic dana
    authors: [*ic]
    ```

    ## Use instead
    ```yaml
    commander: dana
    authors: [dana]
    ```
    """


@_loader("HS106")
def duplicate_key() -> None:
    """Flags a key written twice in the front matter.

    ## Why is this bad?
    YAML libraries silently keep the last one, so `visibility: restricted` followed by
    `visibility: internal` publishes the incident. Hindsight treats a duplicated
    visibility as restricted and reports both lines.

    ## Example
    ```markdown title="postmortem.md"
    ---
    id: 2026-11-21-example
    title: Checkout errors
    status: draft
    status: in-review
    severity: SEV2
    visibility: internal
    ---
    ```

    ## Use instead
    ```markdown title="postmortem.md"
    ---
    id: 2026-11-21-example
    title: Checkout errors
    status: in-review
    severity: SEV2
    visibility: internal
    ---
    ```
    """


@_loader("HS107")
def key_not_string() -> None:
    """Flags a front matter key that YAML reads as a number, a date or a boolean.

    ## Why is this bad?
    `2026: …` or `yes: …` are not names Hindsight knows, and different tools turn them
    into different keys.

    ## Example
    ```yaml
    2026: a year to remember
    ```

    ## Use instead
    ```yaml
    tags: [a-year-to-remember]
    ```
    """


@_loader("HS108")
def invalid_date() -> None:
    """Flags a date that does not exist, such as `2026-02-30`.

    ## Why is this bad?
    Most YAML libraries stop with an error on it, or keep it as text; either way the
    sign-off or figure that depends on it is lost.

    ## Example
    ```yaml
    approvals: [{by: sam, date: 2026-02-30}]
    ```

    ## Use instead
    ```yaml
    approvals: [{by: sam, date: 2026-11-21}]
    ```
    """


@_loader("HS109")
def text_encoding() -> None:
    """Flags text that is not clean UTF-8: undecodable bytes, control or direction characters.

    ## Why is this bad?
    Undecodable bytes turn into replacement characters, and invisible direction
    characters make text read differently from what it says: a title can display as
    one thing and sort, search and compare as another. A control character such as ESC
    starts a terminal escape sequence: a tool that prints the title could write the
    reader's clipboard (OSC 52) or show a link that goes elsewhere (OSC 8). Hindsight's
    own commands print them as `\u001b`; other tools may not.

    ## Example
    ```yaml
    title: "Checkout \u202eerrors"
    tags: ["rollback \\e]52;c;Y3VybCBldmls\\a"]
    ```

    ## Use instead
    ```yaml
    title: Checkout errors
    ```
    """


@_loader("HS110")
def too_large() -> None:
    """Flags a postmortem over 5 MB, front matter over 64 KB, or YAML nested over 32 levels.

    ## Why is this bad?
    Pasted logs and images belong in `attachments/`. Huge or deeply nested front matter
    slows every check and build, and is how YAML libraries are made to crash.

    ## Example
    ```yaml
    tags: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[deep]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
    ```

    ## Use instead
    ```yaml
    tags: [deep]
    ```
    """


@_loader("HS111")
def ambiguous_value() -> None:
    """Flags a text key whose unquoted value YAML reads as a boolean, like `title: no`.

    ## Why is this bad?
    YAML 1.1 reads `yes`, `no`, `on` and `off` as true and false. Hindsight keeps the text
    as written, but other tools will not: quote it.

    ## Example
    ```yaml
    title: no
    ```

    ## Use instead
    ```yaml
    title: "no"
    ```
    """


@_loader("HS201")
def postmortem_missing() -> None:
    """Flags an incident folder without a postmortem.md.

    ## Why is this bad?
    The folder is an incident nobody can read: it is not listed, checked or published.
    Scaffold it with `hindsight new`, or move the folder out of `incidents/`.

    ## Example
    ```tree
    2026-11-20-orphan/timeline.log
    ```

    ## Use instead
    ```tree
    2026-11-20-orphan/postmortem.md
    2026-11-20-orphan/timeline.log
    ```
    """


@_loader("HS601")
def timeline_syntax() -> None:
    """Flags a timeline line that does not start with a time like `2026-11-21T14:03Z`.

    ## Why is this bad?
    The event is left out of the timeline, its figures and the site. Comments start
    with `#`.

    ## Example
    ```text
    2026-11-21T13:58Z [start] Deploy reached all hosts
    shortly after, the pager fired
    ```

    ## Use instead
    ```text
    2026-11-21T13:58Z [start] Deploy reached all hosts
    # shortly after, the pager fired
    ```
    """


@_loader("HS602")
def timeline_zone_missing() -> None:
    """Flags a timeline time without a zone, such as `2026-11-21 14:03`.

    ## Why is this bad?
    Responders work in several zones; `14:03` means a different moment to each of
    them, and the figures are wrong by hours. Add `Z` for UTC or an offset.

    ## Example
    ```text
    2026-11-21 14:03 [detected] Pager fired
    ```

    ## Use instead
    ```text
    2026-11-21T14:03Z [detected] Pager fired
    ```
    """


@_loader("HS603")
def timeline_partial_line() -> None:
    """Flags a last line without a newline: a write that was cut off.

    ## Why is this bad?
    An error when the line cannot be read; a warning when it still reads as an event, whose
    text may be cut short. It usually means an editor, a script or a full disk stopped halfway through an event.
    `hindsight log` always writes whole lines (a write cut short is taken back); finish the
    line or remove it.

    ## Example
    ```text
    2026-11-21T13:58Z [start] Deploy reached all hosts
    2026-11-21T14:0
    \\ No newline at end of file
    ```

    ## Use instead
    ```text
    2026-11-21T13:58Z [start] Deploy reached all hosts
    2026-11-21T14:03Z [detected] Pager fired
    ```
    """


@_loader("HS604")
def timeline_missing() -> None:
    """Flags an incident folder without a timeline.log (a warning).

    ## Why is this bad?
    The timeline is the single source of the incident's times: without it there is no
    time to detect, mitigate or resolve. `hindsight log` creates it.

    ## Example
    ```tree
    2026-11-20-orphan/postmortem.md
    ```

    ## Use instead
    ```tree
    2026-11-20-orphan/postmortem.md
    2026-11-20-orphan/timeline.log
    ```
    """


RULES = (
    front_matter_missing,
    front_matter_unterminated,
    yaml_syntax,
    front_matter_not_mapping,
    yaml_construct_forbidden,
    duplicate_key,
    key_not_string,
    invalid_date,
    text_encoding,
    too_large,
    ambiguous_value,
    postmortem_missing,
    timeline_syntax,
    timeline_zone_missing,
    timeline_partial_line,
    timeline_missing,
)
