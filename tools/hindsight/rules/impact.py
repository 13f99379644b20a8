"""HS5xx impact: say how much, for how long, and what was lost."""

from __future__ import annotations

import re
from collections.abc import Iterator

from hindsight.load.markdown import strip_comments
from hindsight.model import Category, Finding, Incident, Status
from hindsight.rules._base import CheckContext, rule

SECTION = "Impact"
_NUMBER = (
    r"(?:\d[\d,.\u202f ]*\d|\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|twenty|thirty|forty|fifty|sixty|ninety|hundreds?|thousands?|millions?|dozens?|half|single)"
)
_UNIT = (
    r"(?:%|percent|per ?cent|pct|k\b|m\b|"
    r"users?|customers?|accounts?|tenants?|merchants?|clients?|people|members?|subscribers?|sellers?|"
    r"buyers?|visitors?|sessions?|devices?|"
    r"requests?|reqs?|calls?|queries|query|transactions?|orders?|payments?|purchases?|checkouts?|"
    r"carts?|bookings?|jobs?|builds?|deploys?|deployments?|messages?|emails?|e-mails?|notifications?|"
    r"events?|records?|rows?|files?|objects?|pages?|sites?|regions?|hosts?|servers?|nodes?|pods?|"
    r"errors?|failures?|timeouts?|tickets?|attacks?|packages?|releases?|versions?|repositor(?:y|ies)|"
    r"projects?|crates?|downloads?|installs?|"
    r"ms|milliseconds?|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?|weeks?|"
    r"[kmgt]i?b|bytes?|gigabytes?|terabytes?|"
    r"usd|eur|gbp|dollars?|euros?|pounds?)"
)
#: a number with a unit (``4%``, ``12,400 requests``, ``3 hours``), money, or a span of clock times
QUANTITY = re.compile(
    r"(?:[$€£¥]\s?\d[\d,.]*\s?[kmb]?)|\b\d{1,2}:\d{2}\s?(?:[-–]|to|until)\s?\d{1,2}:\d{2}|"
    rf"\b{_NUMBER}(?:\s?[-–]\s?{_NUMBER})?\s?(?:[a-z-]+\s){{0,3}}?{_UNIT}(?![a-z])",
    re.IGNORECASE,
)
_LOSS = re.compile(
    r"\b(?:lost|loss|losing|deleted|destroyed|corrupt\w*|unrecoverable|overwritten|"
    r"purged|dropped|missing|irrecoverabl\w*|not (?:be )?recovered)\b",
    re.IGNORECASE,
)


@rule("HS501", "impact-unquantified", Category.IMPACT, applies_from=Status.IN_REVIEW)
def impact_unquantified(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags an Impact section without a single number with a unit.

    ## Why is this bad?
    "Some users saw errors" cannot be compared with any other incident, prioritised
    against other work or checked by a reader. Say how many users, requests or orders,
    which share, for how many minutes, and at what cost.

    ## Example
    ```markdown
    ## Impact

    Some customers could not check out for a while.
    ```

    ## Use instead
    ```markdown
    ## Impact

    12,400 checkout requests failed (4% of all requests) over 182 minutes.
    ```
    """
    section = incident.section(SECTION)
    text = strip_comments(section.text) if section is not None else ""
    if not text.strip():
        return  # section-missing and section-empty say it
    if not QUANTITY.search(text):
        yield impact_unquantified.finding(
            incident,
            section.line,
            "the impact is not quantified; give numbers with units: users, "
            "requests or orders affected, the error rate in %, minutes of impact, cost",
        )


@rule("HS502", "data-loss-unexplained", Category.IMPACT, applies_from=Status.IN_REVIEW)
def data_loss_unexplained(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags `data_loss: true` when the Impact section does not say what was lost.

    ## Why is this bad?
    Lost data is the impact people ask about first, and the one that obliges the company
    to tell customers or regulators. Say what was lost, how much, whose, and whether any
    of it was recovered.

    ## Example
    ```yaml
    data_loss: true
    ```
    ```markdown
    ## Impact

    12,400 checkout requests failed over 182 minutes.
    ```

    ## Use instead
    ```yaml
    data_loss: true
    ```
    ```markdown
    ## Impact

    12,400 checkout requests failed over 182 minutes. 312 saved carts were lost and could
    not be recovered; their owners were emailed.
    ```
    """
    if incident.meta.get("data_loss") is not True:
        return
    section = incident.section(SECTION)
    if section is not None and _LOSS.search(strip_comments(section.text)):
        return
    line = section.line if section else incident.key_lines.get("data_loss")
    yield data_loss_unexplained.finding(
        incident,
        line,
        "data_loss is true but the Impact section does not say what was lost; say what "
        "data, how much, whose, and what was recovered",
    )


RULES = (impact_unquantified, data_loss_unexplained)
