"""HS3xx blame: wording that makes a person the cause, with a systems-focused rewrite.

The reading is :mod:`hindsight.language`'s: it splits sentences and clauses, finds people
(names, @handles, roles with their qualifiers, teams, indefinite people) and fault
expressions (a lexicon of lemmas with all their forms), and links the two when the person
is the subject, possessor or by-agent of the fault, or the target of an accountability
frame. A learned second opinion weighs each such finding, sure (an error) or probable (a
warning), and reads the sentences the rules pass (:func:`hindsight.language.weigh`). This
module turns what it finds into findings, one rule per kind. Quotes, code, block quotes
and pasted chat logs are other people's words and are not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from hindsight.config import Settings
from hindsight.language import Hit, find, weigh
from hindsight.model import Category, Finding, Incident, Level, Status
from hindsight.rules._base import CheckContext, Rule, body_prose, per_incident, rule

__all__ = ["ADVICE", "CODES", "RULES", "Hit", "find", "people_names", "scan"]

#: the rule code of each kind of blame
CODES = {
    "cognitive": "HS301",
    "label": "HS302",
    "counterfactual": "HS303",
    "character": "HS304",
    "phrase": "HS305",
    "agent": "HS306",
    "fault": "HS307",
    "accountability": "HS308",
}
#: what each kind is called in a finding, and the rewrite it suggests
ADVICE = {
    "cognitive": (
        "a person's attention or care is made the cause",
        (
            "describe what made it easy to miss (the signal, the tool, the process): 'the alert fired "
            "in a channel that also carries 200 notices a day'"
        ),
    ),
    "label": (
        "a label ends the analysis",
        (
            "'human error' is where the analysis starts; describe what in the system allowed the error "
            "and what would have caught it"
        ),
    ),
    "counterfactual": (
        "hindsight about a person",
        (
            "describe what the person knew and saw at the time, and what would have surfaced the "
            "problem: 'the diff showed 3,000 lines; the DROP statement was on line 2,714'"
        ),
    ),
    "character": (
        "a judgement of a person or their work",
        "drop the judgement; describe the action and the context it was taken in",
    ),
    "phrase": (
        "wording this archive lists as blameful (hindsight.yml blame.phrases)",
        "describe the system instead",
    ),
    "agent": (
        "a person is made the agent of the damage",
        (
            "describe what the system allowed: 'the deploy tool let an unreviewed change reach production', "
            "'the console deleted a zone without asking for confirmation'"
        ),
    ),
    "fault": (
        "a fault is tied to a person",
        "describe the conditions that let one action cause harm, not whose mistake it was",
    ),
    "accountability": (
        "a person is held accountable",
        (
            "a postmortem finds causes, not culprits; describe the decisions and the conditions "
            "they were made in, and what will change"
        ),
    ),
}


def people_names(settings: Settings, incident: Incident | None) -> tuple[str, ...]:
    """Handles and names of the people this incident and the archive know about."""
    names: set[str] = set()
    for handle, display in settings.people.items():
        names.add(handle)
        if display.strip():
            names.add(display.strip())
            first = display.split()[0]
            if len(first) >= 3 and first[:1].isupper():
                names.add(first)
    if incident is not None:
        names.update(incident.listed("authors"))
        names.update(incident.listed("reviewers"))
        commander = incident.meta.get("commander")
        if isinstance(commander, str):
            names.add(commander)
        approvals = incident.meta.get("approvals")
        for item in approvals if isinstance(approvals, list) else ():
            if isinstance(item, dict) and isinstance(item.get("by"), str):
                names.add(item["by"])
    names.update([n[:1].upper() + n[1:] for n in names if n.isalpha() and n.islower()])
    return tuple(sorted(n for n in names if len(n) >= 2))


def message(text: str, hit: Hit) -> str:
    """What a finding says: sure or probable, the kind, the words quoted, and a rewrite."""
    phrase = " ".join(text[hit.start : hit.end].split())
    if len(phrase) > 60:
        phrase = phrase[:57] + "…"
    what, rewrite = ADVICE[hit.kind]
    if not hit.sure:
        return f'this may read as blame: "{phrase}" ({what}?): {rewrite}'
    return f'blameful wording "{phrase}" ({what}): {rewrite}'


#: a heading or a table row: a line the second opinion's warnings are not given on
_LAYOUT = re.compile(r" {0,3}(?:#{1,6}(?:\s|$)|\|)")


@per_incident
def scan(incident: Incident, ctx: CheckContext) -> list[Finding]:
    """Every blame finding in the title, body and timeline, in one pass shared by the five rules."""
    return list(_scan(incident, ctx))


def _scan(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    names = people_names(ctx.settings, incident)
    settings = ctx.settings

    def report(path: str, text: str, place: object, layout: bool = False) -> Iterator[Finding]:
        for hit in weigh(
            text,
            names,
            settings.blame_phrases,
            settings.blame_allow,
            settings.blame_warning_threshold,
        ):
            if layout and not hit.sure:
                continue  # a heading or a table row is no sentence to warn on, only to flag
            line, column = place(hit.start)  # type: ignore[operator]
            code = CODES[hit.kind]
            yield Finding(
                path,
                line,
                column,
                code,
                Category.BLAME,
                _RULES[code].level if hit.sure else Level.WARNING,
                message(text, hit),
                incident.id,
            )

    title = incident.meta.get("title")
    if isinstance(title, str):
        line = incident.key_lines.get("title", 1)
        yield from report(incident.postmortem_path, title, lambda offset, line=line: (line, None))
    lines = incident.body.split("\n")
    for paragraph in body_prose(incident, quotes=False):
        first = lines[paragraph.starts[0][1] - incident.body_line]
        layout = _LAYOUT.match(first) is not None
        yield from report(incident.postmortem_path, paragraph.text, paragraph.place, layout)
    for event in incident.timeline:
        yield from report(
            incident.timeline_path, event.text, lambda offset, line=event.line: (line, None)
        )


@rule(
    "HS301", "blame-person", Category.BLAME, applies_from=Status.IN_REVIEW, warns_from=Status.DRAFT
)
def blame_person(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a person's attention or care made the cause: "Amara forgot", "the on-call engineer ignored".

    A person is a name (from the front matter, `hindsight.yml`, or any given name or first
    and last name in the text), an @mention, a role with what qualifies it ("the analyst in
    charge that night"), a team, a department or an indefinite person ("someone").
    Cognitive and attitude failures ("forgot", "ignored", "misread", "lost track of", "did
    not check", "couldn't be bothered", "was distracted", "hastily") are flagged when such a
    person is their subject or by-agent; the same verbs about a system ("the scheduler
    ignored the lock") are not, nor is a reason the text gives ("ignored the alert, which
    the runbook lists as a known false positive"). Warning from draft, error from in-review.

    ## Why is this bad?
    Naming a person's attention as the cause ends the analysis where it should begin: people
    acted sensibly on what they saw, in a system that let the action cause harm. Blame also
    teaches everyone to say less in the next postmortem, which is how the next incident is
    not learned from.

    ## Example
    ```markdown
    ## Root cause

    The on-call engineer forgot to renew the certificate.
    ```

    ## Use instead
    ```markdown
    ## Root cause

    Certificate renewal was a manual step with no reminder, and nothing alerted as the
    expiry date approached.
    ```
    """
    return (f for f in scan(incident, ctx) if f.code == "HS301")


@rule(
    "HS302", "human-error", Category.BLAME, applies_from=Status.IN_REVIEW, warns_from=Status.DRAFT
)
def human_error(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags "human error", "operator error", "fat-fingered" and similar labels given as a cause.

    Text about the label itself ("we do not stop at 'human error'") and prevention
    ("removes the chance of human error") is not flagged.

    ## Why is this bad?
    "Human error" is where the analysis should start, not its conclusion: what made the
    error possible, likely and harmful, and what would catch it next time?

    ## Example
    ```markdown
    ## Root cause

    The outage was caused by human error during the database migration.
    ```

    ## Use instead
    ```markdown
    ## Root cause

    The migration tool ran against production when the staging profile was expected:
    both profiles used the same prompt and colours.
    ```
    """
    return (f for f in scan(incident, ctx) if f.code == "HS302")


@rule(
    "HS303",
    "hindsight-bias",
    Category.BLAME,
    applies_from=Status.IN_REVIEW,
    warns_from=Status.DRAFT,
)
def hindsight_bias(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags hindsight about people: "Lee should have noticed", "if the engineer had checked".

    Requirements about systems ("requests should have been retried by the client",
    "every service should have an owner") are not flagged.

    ## Why is this bad?
    After the fact, the signal is obvious; at the time it was one of many. Saying what a
    person should have done hides why it was hard to do, which is the part a change to
    the system can fix.

    ## Example
    ```markdown
    ## Lessons learned

    Dana should have noticed the disk filling up.
    ```

    ## Use instead
    ```markdown
    ## Lessons learned

    The disk-usage graph was on a dashboard nobody watches during deploys, and no alert
    fired below 95%.
    ```
    """
    return (f for f in scan(incident, ctx) if f.code == "HS303")


@rule(
    "HS304",
    "judgemental-word",
    Category.BLAME,
    applies_from=Status.IN_REVIEW,
    warns_from=Status.DRAFT,
)
def judgemental_word(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags judgemental words: careless, lazy, sloppy, incompetent, stupid, negligent, reckless.

    Technical uses ("lazy-loaded", "lazy evaluation", "sloppy quorum") are not flagged.

    ## Why is this bad?
    Judgements about people or their work say nothing a reader can act on, and make the
    people involved defend themselves instead of explaining what happened.

    ## Example
    ```markdown
    ## Root cause

    A sloppy change to the retry settings went out without review.
    ```

    ## Use instead
    ```markdown
    ## Root cause

    A change to the retry settings went out without review: configuration changes did
    not require one.
    ```
    """
    return (f for f in scan(incident, ctx) if f.code == "HS304")


@rule(
    "HS305", "blame-phrase", Category.BLAME, applies_from=Status.IN_REVIEW, warns_from=Status.DRAFT
)
def blame_phrase(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags wording this archive lists under `blame.phrases` in `hindsight.yml`.

    Teams add their own words there ("Friday special", "asleep at the wheel"), and list
    under `blame.allow` wording that the built-in rules flag wrongly for them.

    ## Why is this bad?
    Every organisation has its own ways of blaming; the built-in rules cannot know them
    all. The reason is the same as for `blame-person`.

    ## Example
    ```yaml title="hindsight.yml"
    blame:
      phrases: [Friday special]
    ```
    ```yaml
    title: A Friday special took checkout down
    ```

    ## Use instead
    ```yaml title="hindsight.yml"
    blame:
      phrases: [Friday special]
    ```
    ```yaml
    title: A configuration change took checkout down
    ```
    """
    return (f for f in scan(incident, ctx) if f.code == "HS305")


@rule(
    "HS306",
    "person-as-cause",
    Category.BLAME,
    applies_from=Status.IN_REVIEW,
    warns_from=Status.DRAFT,
)
def person_as_cause(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a person, role or team made the agent of the damage: "a trainee purged the queue".

    Acts whose harm is in the verb ("corrupted", "wiped", "took down", "caused the outage")
    are flagged with a person as subject or by-agent. Everyday acts ("deleted", "restarted",
    "pushed") are flagged only when the clause tells the harm ("by accident", "the wrong
    bucket", "on the primary", "without a review", "taking the site down"), and not when it
    tells a repair or a plan ("deleted the stale snapshots to free the disk", "removed the
    zone after the review approved it"). The same verbs with a system as subject ("the purge
    job emptied the queue") are not flagged.

    ## Why is this bad?
    "X deleted the zone" stops at the last hand that touched the system. The questions that
    prevent the next incident are about the system: why one command could delete a zone in
    use, why nothing asked for confirmation, why the change needed no second pair of eyes.

    ## Example
    ```markdown
    ## Root cause

    An intern accidentally deleted the production DNS zone.
    ```

    ## Use instead
    ```markdown
    ## Root cause

    The DNS console deleted a zone that still served traffic without asking for
    confirmation, and the intern's account had the same rights as an administrator's.
    ```
    """
    return (f for f in scan(incident, ctx) if f.code == "HS306")


@rule(
    "HS307",
    "fault-of-person",
    Category.BLAME,
    applies_from=Status.IN_REVIEW,
    warns_from=Status.DRAFT,
)
def fault_of_person(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a fault tied to a person: "Amara's oversight", "a slip by the operator", "an error on her part".

    Fault nouns ("mistake", "oversight", "slip", "blunder", "haste", "bad call", "botched")
    are flagged when a person owns them (a possessive, "his", "her", "their"), made them
    ("made a mistake") or is named after them ("by", "of", "on the part of"). Technical
    compounds ("error rate", "failure mode") and negations ("no one's mistake") are not.

    ## Why is this bad?
    A mistake always has an owner and never explains itself: what explains it is what made
    it easy to make and hard to notice. Naming the owner answers neither.

    ## Example
    ```markdown
    ## Root cause

    The outage was the result of the DBA's oversight during the restore.
    ```

    ## Use instead
    ```markdown
    ## Root cause

    The restore procedure did not say that the replica must be stopped first, and the
    restore tool did not check it.
    ```
    """
    return (f for f in scan(incident, ctx) if f.code == "HS307")


@rule(
    "HS308",
    "accountability-frame",
    Category.BLAME,
    applies_from=Status.IN_REVIEW,
    warns_from=Status.DRAFT,
)
def accountability_frame(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags a person held accountable: "was at fault", "the blame lies with", "should face consequences".

    Accountability predicates ("was at fault", "is to blame", "bears responsibility for the
    downtime", "is responsible for the outage") with a person as subject, frames that put a
    person after them ("the blame lies with", "the outage falls on the storage group", "we
    have Amara to thank for the downtime", "this one is on the DBA", "the buck stops with",
    "it happened on Amara's watch", "can be chalked up to the night shift"), labels in notes
    ("Fault: Amara"), and sanctions ("should face consequences", "must be held accountable",
    "heads should roll") are flagged. Ownership of a service ("is responsible for the billing
    service") and a plain fact ("was removed from the organisation") are not.

    ## Why is this bad?
    A postmortem that finds a culprit has found nothing the organisation can change, and
    tells everyone that the next honest account may be used against them.

    ## Example
    ```markdown
    ## Root cause

    The storage team was at fault for the failed migration.
    ```

    ## Use instead
    ```markdown
    ## Root cause

    The migration ran with no way to pause it, and its progress was visible only on the
    storage hosts themselves.
    ```
    """
    return (f for f in scan(incident, ctx) if f.code == "HS308")


#: what every blame rule but HS305 adds to its documentation: the two levels and the setting
LEVELS = """

## Sure and probable
A finding is an error (from in-review) only where the reading is sure: a person is the
subject, possessor or agent of the fault, nothing around it excuses it (a reason, a
request, a repair, an exoneration), and a learned second opinion, trained on labelled
postmortem sentences, agrees. Where it is probable but not sure, it is a warning that
never blocks review: "this may read as blame: …", with the kind followed by a question
mark. A rule's finding the second opinion doubts is such a warning, and so is a sentence
no rule ties to a person that the second opinion reads as blame (a rhetorical question at
someone, an idiom, sarcasm). Read the sentence as the person named would, and rewrite it
as suggested, or keep it and silence the line with `<!-- hindsight: ignore HS3xx -->`.

How likely a sentence must read as blame to be such a warning is `blame.warning_threshold`
in `hindsight.yml`: from 0.5 (more warnings) to 1 (none of these), 0.95 by default."""

RULES: tuple[Rule, ...] = tuple(
    r if r.code == "HS305" else r._replace(doc=r.doc + LEVELS)
    for r in (
        blame_person,
        human_error,
        hindsight_bias,
        judgemental_word,
        blame_phrase,
        person_as_cause,
        fault_of_person,
        accountability_frame,
    )
)
_RULES = {r.code: r for r in RULES}
