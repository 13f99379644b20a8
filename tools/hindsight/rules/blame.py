"""HS3xx blame: wording that makes a person the cause, with a systems-focused rewrite.

Person-aware: a cognitive failure ("forgot", "ignored", "failed to") is blame only when
its subject is a person: a handle or name from the front matter or ``hindsight.yml``, an
@mention, a role ("the on-call engineer", "someone"), a team or a department. "The job
failed to acquire a lock" is about the system and is not flagged. Quotes, code, block
quotes and pasted chat logs are other people's words and are not checked, and a sentence
about blamelessness itself ("we never stop at 'human error'") is not blame.
"""

from __future__ import annotations

import functools
import re
from typing import Iterable, Iterator, NamedTuple

from hindsight.config import Settings
from hindsight.model import Category, Finding, Incident, Status
from hindsight.rules._base import CheckContext, Rule, any_of, body_prose, folded, per_incident, rule

# --- who: people, roles, teams ---------------------------------------------------------------

_DETERMINER = r"(?:the|a|an|our|their|one of (?:the|our)|this|that|his|her)"
_ROLE_NOUN = (r"(?:engineers?|developers?|devs?|operators?|admins?|administrators?|SREs?|DBAs?|on-?callers?|"
              r"responders?|reviewers?|authors?|deployers?|interns?|new hires?|contractors?|employees?|"
              r"staff(?: members?)?|team ?members?|colleagues?|person|individuals?|analysts?|managers?|"
              r"testers?|programmers?|technicians?|coders?|sysadmins?|oncall|on-call|incident commander)")
_ROLE = rf"{_DETERMINER}\s+(?:[\w-]+\s+){{0,2}}?{_ROLE_NOUN}\b"
_TEAM = (r"(?i:(?:the|our|their)\s+(?:[\w-]+\s+){0,2}?(?:team|squad|department|group|folks|crew)\b)"
         r"|\b(?:QA|Ops|Operations|Support|Marketing|Sales|Management|Engineering|DevOps|SRE|IT|Finance|Legal|"
         r"Security)\b(?!\s+(?:for|of|tool\w*|system|service|page|API|endpoint|ticket)\b)")
_PRONOUN = r"\b(?:someone|somebody|whoever|everyone|everybody|anybody|he|she|him|her|I)\b"
_QUALIFIER = (r"(?:\s+(?:on[- ]call|on duty|in charge|at the time|responsible|(?:from|on|in) (?:the )?[\w-]+ team)"
              r"|\s+(?:who|that)\s+(?:(?!\b(?:that|which|whose)\b)[^,.;:!?()]){1,60}?"
              r"|\s+\w+ing\s+(?:the|a|an|this|that|our|their)\s+[\w-]+(?:\s+[\w-]+)?)?")
_FILLER = (r"(?:\s+(?:had|has|have|was|were|is|also|then|simply|just|apparently|clearly|obviously|again|"
           r"accidentally|mistakenly|unfortunately|completely|totally|already|initially|still|probably|"
           r"(?:must|may|might|seems? to|seemed to|appears? to|appeared to) have|later|unknowingly|inadvertently|"
           r"repeatedly|once again|evidently|somehow|allegedly|basically))*")

_CHECK_VERBS = (r"(?:check|verify|test|read|follow|notice|look|review|validate|confirm|pay attention|think|"
                r"double-check|escalate|communicate|ask|wait|bother)")
_COGNITIVE = (
    r"forgot|forgotten|forget|forgets|ignored|ignores|neglected|neglects|failed to|fails to|"
    r"did(?: not|n't) bother|did(?: not|n't) " + _CHECK_VERBS + r"|never (?:checked|tested|verified|read|noticed|"
    r"looked|reviewed|followed|bothered)|overlooked|missed|misjudged|misread|misunderstood|misconfigured|"
    r"mishandled|messed up|screwed up|botched|blundered|dropped the ball|fat-fingered|"
    r"made (?:a|an|the|another|two|several) (?:(?:simple|silly|careless|stupid|big|critical|costly|basic)\s+)?"
    r"(?:mistakes?|errors?|blunders?|typos?|bad calls?|wrong calls?|poor decisions?|bad decisions?)|"
    r"(?:was|were|is|are|got) (?:careless|negligent|sloppy|lazy|reckless|inattentive|distracted|asleep|"
    r"not paying attention)|(?:was|wasn't|were|weren't|is|are)(?: not)? paying (?:no )?attention|"
    r"(?:is|was|are|were) to blame|(?:is|was|are|were) at fault|"
    r"caused (?:the|this|an?) (?:outage|incident|failure|problem|issue|downtime|breakage|disruption)|"
    r"broke (?:production|prod|the site|everything|checkout|the build)|"
    r"(?:is|was|are|were) responsible for (?:the|this) (?:outage|incident|failure|mistake|breakage)")
_HINDSIGHT = (
    r"(?:should|ought to)(?: have|'ve| not have|n't have) (?:noticed|known|caught|seen|checked|realised|realized|"
    r"spotted|verified|tested|asked|waited|double-checked|read|looked|escalated|paged|followed|reviewed|thought|"
    r"understood|anticipated|been (?:more )?(?:careful|aware|vigilant|thorough|cautious|attentive)|"
    r"deployed|merged|pushed|run|ran|done|made|approved|touched|changed)|"
    r"could(?: have|'ve) (?:easily )?(?:prevented|avoided|caught|noticed|stopped|spotted)")
#: predicates so plainly human that any capitalised name before them is taken as a person
_HUMAN_ONLY = (r"forgot|neglected|did(?: not|n't) bother|misjudged|dropped the ball|screwed up|messed up|"
               r"fat-fingered|should(?: have|'ve) known(?: better)?|(?:was|got) (?:careless|negligent|sloppy|lazy|"
               r"reckless|inattentive|asleep)|(?:is|was) to blame|(?:was|is) at fault|made (?:a|an) "
               r"(?:(?:simple|silly|careless|stupid|big|critical|costly|basic)\s+)?(?:mistake|error|blunder)")
_NOT_A_NAME = {"The", "This", "That", "It", "We", "They", "Our", "Then", "After", "When", "If", "But", "And",
               "So", "Nobody", "No", "Nothing", "None", "There", "Here", "What", "Which", "Why", "How", "Who",
               "Everyone", "Monitoring", "Alerting", "Nginx", "Redis", "Kafka", "Postgres", "Kubernetes", "Terraform"}
_FAULT_NOUN = (r"(?:fault|mistake|error|negligence|carelessness|oversight|blunder|screw-?up|misstep|failure|"
               r"incompetence|laziness|sloppiness|lapse)")

# --- what: labels and judgements ---------------------------------------------------------------

#: every pattern scanned over whole paragraphs, with the letters its matches can start with
SCANNED: list[tuple[re.Pattern[str], tuple[str, ...]]] = []


def _scanned(pattern: str, starts: str, flags: int = 0) -> re.Pattern[str]:
    """``pattern`` (matches begin a word) led by a look-ahead for the two letters they can start with.

    Python's ``re`` has no fast path for a pattern that opens with ``\\b``: at every word it
    tries each alternative in turn. The look-ahead turns most words away at once, which
    makes the scan about twice as fast; it changes no match as long as ``starts`` holds
    the first two letters of every alternative, which a test proves for each pattern.
    """
    letters = tuple(starts.split("|"))
    compiled = re.compile(rf"\b(?=(?i:{'|'.join(re.escape(s) for s in letters)}))(?:{pattern})", flags)
    SCANNED.append((compiled, letters))
    return compiled


HUMAN_ERROR = _scanned(
    r"(?:human|operator|user|pilot|engineer|developer|manual|personnel|staff|people)[- ](?:error|mistake|failure|"
    r"fault)s?\b(?![- ](?:page|message|code|response|status|rate|count|handling|screen|class|type))|\bPEBKAC\b|\bPEBCAK\b|\bID-?10-?T\b|\blayer[- ]8\b|\bfat[- ]finger(?:ed|ing|s)?\b",
    "de|en|fa|hu|id|la|ma|op|pe|pi|st|us", re.IGNORECASE)
JUDGEMENTAL = _scanned(
    r"(?:careless(?:ness|ly)?|lazy|laziness|lazily|sloppy|sloppiness|sloppily|incompetent(?:ly)?|incompetence|"
    r"stupid(?:ity|ly)?|idiot(?:ic|s)?|dumb|negligent(?:ly)?|negligence|reckless(?:ly|ness)?|clueless|"
    r"inept(?:itude)?|moron(?:ic|s)?|foolish(?:ly|ness)?|irresponsibl[ey]|amateurish|boneheaded|"
    r"dim-witted|thoughtless(?:ly|ness)?|inexcusabl[ey])\b",
    "am|bo|ca|cl|di|du|fo|id|in|ir|la|mo|ne|re|sl|st|th", re.IGNORECASE)
_TECHNICAL_USE = re.compile(
    r"(?:lazy|lazily)[- ](?:load\w*|evaluat\w*|init\w*|instantiat\w*|delet\w*|expir\w*|migrat\w*|fetch\w*|"
    r"iterat\w*|propagat\w*|consum\w*|sync\w*|computed|import\w*|static|val)|sloppy[- ]quorums?|"
    r"dumb[- ](?:pipes?|terminals?|proxy|proxies|client)", re.IGNORECASE)
_META = re.compile(
    r"\b(?:blameless(?:ness|ly)?|blame-free|no[- ]blame|not about (?:who|blame)|rather than|instead of|"
    r"is not a (?:root )?cause|isn't a (?:root )?cause|never (?:a|the) (?:root )?cause|not (?:a|the) (?:root )?cause|"
    r"stops? at|stopping at|ends? the (?:analysis|inquiry|investigation)|call(?:s|ed|ing)? (?:it|this)|"
    r"label(?:s|led|ling|ed|ing)?|the (?:term|phrase|words?)|avoid(?:s|ed|ing)?|reduc(?:e|es|ed|ing) the "
    r"(?:chance|risk|room)|(?:chance|risk|room|possibility|opportunit(?:y|ies)) (?:of|for)|prone to|"
    r"guard(?:s|ed|ing)? against|prevent(?:s|ed|ing)?|eliminat(?:e|es|ed|ing)|less (?:room|chance)|"
    r"regardless of|no matter|symptoms? of|assign(?:s|ing)? blame|instead,)", re.IGNORECASE)
#: "when I'm lazy": an author's self-deprecation is not a judgement of someone else
_FIRST_PERSON = re.compile(r"\b(?:I'm|I am|I was|I've been|I get|I got|me being)\s+(?:\w+\s+)?$", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|no|never|nor|neither|without|nobody|no one)\b|n't\b", re.IGNORECASE)
#: every branch opens with its quotation mark (the look-behind of the single quote comes after
#: it), so that ``re`` skips to the next quotation mark instead of trying each branch everywhere
_QUOTED = re.compile(r"\"[^\"\n]{1,200}\"|“[^”\n]{1,200}”|‘[^’\n]{1,200}’|'(?<![\w']')[^'\n]{1,80}'(?![\w])|"
                     r"«[^»\n]{1,200}»")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


class Hit(NamedTuple):
    """One piece of blameful wording in a text."""

    start: int
    end: int
    code: str
    advice: str


ADVICE = {
    "cognitive": "describe what made it easy to miss (the signal, the tool, the process) rather than what the "
                 "person did not do",
    "fault": "describe the conditions that let one action cause harm, not whose fault it was",
    "human-error": "'human error' ends the analysis where it should start; describe what in the system "
                   "allowed the error and what would have caught it",
    "hindsight": "that is hindsight; describe what the person knew and saw at the time, and what would have "
                 "surfaced the problem",
    "judgement": "drop the judgement; describe the action and the context it was taken in",
    "phrase": "this archive lists it as blameful wording (hindsight.yml blame.phrases); describe the system instead",
}


def _alternatives(names: Iterable[str]) -> str:
    """Longest first; each name not after a word character, checked once its first letter matched.

    A pattern whose every branch opens with a letter lets ``re`` skip to the next position
    holding one of those letters; a look-behind in front of the branches would make it try
    every branch at every position.
    """
    unique = sorted({n for n in names if n}, key=len, reverse=True)
    return "|".join(rf"{re.escape(n[0])}(?<![\w@-].){re.escape(n[1:])}" for n in unique)


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


#: known people's names are masked with this character before matching, so that the
#: patterns below are compiled once, whoever the incident's people are
_MARK = "\x01"
_PERSON = rf"(?:(?i:{_ROLE})|{_TEAM}|(?i:{_PRONOUN})|@[\w.-]+|{_MARK}+)"
_WHOEVER = r"(?i:whoever)\s+(?:(?!\b(?:that|which)\b)[^,.;:!?()]){1,50}?"
#: the end of the text before a predicate: a person, what qualifies them, adverbs
_SUBJECT_BEFORE = re.compile(rf"(?:{_WHOEVER}|{_PERSON}{_QUALIFIER}){_FILLER}\s+$")
_PREDICATE = _scanned(rf"(?i:(?P<cognitive>{_COGNITIVE})|(?P<hindsight>{_HINDSIGHT}))(?![\w-])",
                      "ar|bl|bo|br|ca|co|di|dr|fa|fo|go|ig|is|ma|me|mi|ne|ou|ov|sc|sh|wa|we")
_COUNTER_VERB = (r"(?:checked|read|noticed|been|followed|looked|tested|verified|waited|asked|paid attention|"
                 r"double-checked|known)")
_COUNTERFACTUAL = _scanned(rf"(?i:(?P<had>had(?:n't| not)?\s+)?{_COUNTER_VERB})\b",
                           "as|be|ch|do|fo|ha|kn|lo|no|pa|re|te|ve|wa")
_IF_PERSON_BEFORE = re.compile(rf"\b(?i:if)\s+{_PERSON}\s+$")
_HAD_PERSON_BEFORE = re.compile(rf"\b(?i:had)\s+{_PERSON}\s+$")
_FAULT = _scanned(rf"(?i:{_FAULT_NOUN})(?P<of>s?\s+(?i:of|by|on the part of|from)\s+)?",
                  "bl|ca|er|fa|in|la|mi|ne|ov|sc|sl")
_OWNER_BEFORE = re.compile(rf"{_PERSON}['’]s?\s+(?:(?i:own|simple|big|silly|careless|costly)\s+)?$")
_PERSON_AHEAD = re.compile(rf"{_PERSON}(?!['’]s)\b|{_MARK}+(?!['’]s)")
_BY_PERSON = _scanned(
    r"(?i:(?P<passive>ignored|overlooked|missed|neglected|forgotten|mishandled|botched|misconfigured|misread|"
    r"fat-fingered)\s+by|(?P<blame>(?:blame|responsibility) (?:lies|rests|falls|is) (?:with|on)|\b(?:we|they|I) "
    r"blame)|(?P<caused>caused by))\s+", "bl|bo|ca|fa|fo|i |ig|mi|ne|ov|re|th|we")
_CAUSE_END = re.compile(r"\s*(?:[.;,!?]|$)|\s+(?i:forgetting|ignoring|not|failing|neglecting|missing)\b")
_HUMAN_ONLY_PREDICATE = _scanned(rf"(?:{_HUMAN_ONLY})(?![\w-])", "di|dr|fa|fo|go|is|ma|me|mi|ne|sc|sh|wa")
_NAME_BEFORE = re.compile(rf"(?<![\w@-])(?P<name>[A-Z][a-z]{{2,}}){_FILLER}\s+$")
_WINDOW = 160


@functools.lru_cache(maxsize=1024)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    known = _alternatives(names)
    return re.compile(rf"(?:{known})(?![\w-])") if known else None


def _mask_names(text: str, names: tuple[str, ...]) -> str:
    pattern = _names_pattern(names)
    return pattern.sub(lambda m: _MARK * len(m.group()), text) if pattern else text


#: words without which a pattern cannot match: a paragraph without any skips the pattern
_PREDICATE_WORDS = ("forg", "ignor", "neglect", "fail", "bother", "did", "never", "overlook", "miss", "mis",
                    "mess", "screw", "botch", "blunder", "dropped", "fat-f", "made", "careless", "negligent",
                    "sloppy", "lazy", "reckless", "inattentive", "distracted", "asleep", "attention", "blame",
                    "fault", "caused", "broke", "responsible", "should", "ought", "could")
_FAULT_WORDS = ("fault", "mistake", "error", "neglig", "careless", "oversight", "blunder", "screw", "misstep",
                "failure", "incompeten", "lazi", "sloppi", "lapse")
_LABEL_WORDS = ("error", "mistake", "failure", "fault", "pebk", "pebc", "id-10", "id10", "layer", "finger")
_JUDGEMENT_WORDS = ("careless", "lazy", "lazi", "sloppy", "sloppi", "incompeten", "stupid", "idiot", "dumb",
                    "neglig", "reckless", "clueless", "inept", "moron", "foolish", "irresponsib", "amateurish",
                    "boneheaded", "dim-witted", "thoughtless", "inexcusab")
#: any of the three above: most paragraphs have none, and one scan tells
_NOUN_WORDS = _FAULT_WORDS + _LABEL_WORDS + _JUDGEMENT_WORDS
_PREDICATE_HINT, _FAULT_HINT, _LABEL_HINT, _JUDGEMENT_HINT, _NOUN_HINT = (
    any_of(words) for words in (_PREDICATE_WORDS, _FAULT_WORDS, _LABEL_WORDS, _JUDGEMENT_WORDS, _NOUN_WORDS))
#: any word a pattern needs, searched in the text before its quotes and names are masked
#: (masking only blanks characters out, but can put spaces around a bare "by" or "had")
_ANY_HINT = any_of(_PREDICATE_WORDS + _NOUN_WORDS + ("by", "had"))


def _person_first(masked: str, lowered: str, nouns: bool) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, code, advice) of each person made the cause, found predicate first.

    ``nouns`` tells whether ``lowered`` holds any of :data:`_NOUN_WORDS`.
    """
    fault = nouns and _FAULT_HINT.search(lowered) is not None
    predicate = _PREDICATE_HINT.search(lowered) is not None  # every predicate below holds one of its words
    for match in _PREDICATE.finditer(masked) if predicate else ():
        window = max(0, match.start() - _WINDOW)
        subject = _SUBJECT_BEFORE.search(masked, window, match.start())
        if subject:
            if match.group("cognitive"):
                yield subject.start(), match.end(), "HS301", "cognitive"
            else:
                yield subject.start(), match.end(), "HS303", "hindsight"
    for match in _COUNTERFACTUAL.finditer(masked) if "had " in lowered else ():
        before = _IF_PERSON_BEFORE if match.group("had") else _HAD_PERSON_BEFORE
        subject = before.search(masked, max(0, match.start() - _WINDOW), match.start())
        if subject:
            yield subject.start(), match.end(), "HS303", "hindsight"
    for match in _FAULT.finditer(masked) if fault else ():
        begin, _ = _sentence(masked, match.start())
        if _NEGATION.search(masked, begin, match.start()):
            continue
        window = max(0, match.start() - _WINDOW)
        # "Dana's mistake": no apostrophe before the noun, no owner (and no costly search back)
        apostrophe = masked.find("'", window, match.start()) >= 0 or masked.find("’", window, match.start()) >= 0
        owner = _OWNER_BEFORE.search(masked, window, match.start()) if apostrophe else None
        if owner:
            yield owner.start(), match.end(), "HS301", "fault"
        elif match.group("of"):
            person = _PERSON_AHEAD.match(masked, match.end())
            if person:
                yield match.start(), person.end(), "HS301", "fault"
    for match in _BY_PERSON.finditer(masked) if " by " in lowered or "blame" in lowered else ():
        person = _PERSON_AHEAD.match(masked, match.end())
        if not person or (match.group("caused") and not _CAUSE_END.match(masked, person.end())):
            continue
        yield match.start(), person.end(), "HS301", "fault" if not match.group("passive") else "cognitive"
    for match in _HUMAN_ONLY_PREDICATE.finditer(masked) if predicate else ():
        name = _NAME_BEFORE.search(masked, max(0, match.start() - _WINDOW), match.start())
        if name and name.group("name") not in _NOT_A_NAME:
            yield name.start(), match.end(), "HS301", "cognitive"


def _mask_quotes(text: str) -> str:
    return _QUOTED.sub(lambda m: " " * len(m.group()), text)


def _sentence(text: str, start: int) -> tuple[int, int]:
    begin = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        begin = match.end()
    end_match = _SENTENCE_END.search(text, start)
    return begin, end_match.end() if end_match else len(text)


def _allowed(text: str, start: int, end: int, allow: tuple[str, ...]) -> bool:
    lowered = text.lower()
    for phrase in allow:
        p = phrase.lower()
        at = lowered.find(p)
        while at != -1:
            if at <= start < at + len(p) or start <= at < end:
                return True
            at = lowered.find(p, at + 1)
    return False


def find(text: str, names: tuple[str, ...], phrases: tuple[str, ...] = (), allow: tuple[str, ...] = ()) -> list[Hit]:
    """Blameful wording in one paragraph of ``text`` (quotes are masked here)."""
    if not phrases and not _ANY_HINT.search(folded(text)):
        return []  # most paragraphs: none of the words any pattern needs
    masked = _mask_names(_mask_quotes(text), names)
    hits: list[Hit] = []

    def add(start: int, end: int, code: str, advice: str) -> None:
        if any(h.start <= start < h.end or start <= h.start < end for h in hits):
            return
        if allow and _allowed(masked, start, end, allow):
            return
        hits.append(Hit(start, end, code, advice))

    lowered = folded(masked)
    nouns = _NOUN_HINT.search(lowered) is not None
    for start, end, code, advice in sorted(_person_first(masked, lowered, nouns), key=lambda h: (h[0], -h[1])):
        add(start, end, code, advice)
    for pattern, code, advice, hint in ((HUMAN_ERROR, "HS302", "human-error", _LABEL_HINT),
                                        (JUDGEMENTAL, "HS304", "judgement", _JUDGEMENT_HINT)):
        if not (nouns and hint.search(lowered)):
            continue
        for match in pattern.finditer(masked):
            if code == "HS304" and (_TECHNICAL_USE.match(masked, match.start())
                                    or _FIRST_PERSON.search(masked, max(0, match.start() - 30), match.start())):
                continue
            begin, end = _sentence(masked, match.start())
            if _META.search(masked, begin, end) or _NEGATION.search(masked, max(begin, match.start() - 40),
                                                                     match.start()):
                continue
            add(match.start(), match.end(), code, advice)
    for phrase in phrases:
        for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", masked, re.IGNORECASE):
            add(match.start(), match.end(), "HS305", "phrase")
    return sorted(hits)


@per_incident
def scan(incident: Incident, ctx: CheckContext) -> list[Finding]:
    """Every blame finding in the title, body and timeline, in one pass shared by the five rules."""
    return list(_scan(incident, ctx))


def _scan(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    names = people_names(ctx.settings, incident)
    settings = ctx.settings

    def report(path: str, text: str, place: object) -> Iterator[Finding]:
        for hit in find(text, names, settings.blame_phrases, settings.blame_allow):
            line, column = place(hit.start)  # type: ignore[operator]
            phrase = " ".join(text[hit.start : hit.end].split())
            if len(phrase) > 60:
                phrase = phrase[:57] + "…"
            message = f"blameful wording \"{phrase}\": {ADVICE[hit.advice]}"
            yield Finding(path, line, column, hit.code, Category.BLAME, _RULES[hit.code].level, message, incident.id)

    title = incident.meta.get("title")
    if isinstance(title, str):
        line = incident.key_lines.get("title", 1)
        yield from report(incident.postmortem_path, title, lambda offset, line=line: (line, None))
    for paragraph in body_prose(incident, quotes=False):
        yield from report(incident.postmortem_path, paragraph.text, paragraph.place)
    for event in incident.timeline:
        yield from report(incident.timeline_path, event.text, lambda offset, line=event.line: (line, None))


@rule("HS301", "blame-person", Category.BLAME, applies_from=Status.IN_REVIEW)
def blame_person(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags wording that makes a person the cause: "Lee forgot", "the on-call engineer ignored".

    A person is a handle or name from the front matter or `hindsight.yml`, an @mention, a
    role ("the developer", "someone", "whoever"), a team or a department. Cognitive
    failures ("forgot", "ignored", "neglected", "failed to", "didn't bother", "misjudged"),
    a fault or mistake attributed to someone ("Lee's mistake", "the fault of the DBA") and
    "was to blame" are flagged; the same verbs with a system as subject ("the job failed
    to acquire a lock") are not. Quotes, code, block quotes and chat logs are not checked.

    ## Why is this bad?
    Naming a person as the cause ends the analysis where it should begin: people acted
    sensibly on what they saw, in a system that let the action cause harm. Blame also
    teaches everyone to say less in the next postmortem, which is how the next incident
    is not learned from.

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


@rule("HS302", "human-error", Category.BLAME, applies_from=Status.IN_REVIEW)
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


@rule("HS303", "hindsight-bias", Category.BLAME, applies_from=Status.IN_REVIEW)
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


@rule("HS304", "judgemental-word", Category.BLAME, applies_from=Status.IN_REVIEW)
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


@rule("HS305", "blame-phrase", Category.BLAME, applies_from=Status.IN_REVIEW)
def blame_phrase(incident: Incident, ctx: CheckContext) -> Iterator[Finding]:
    """Flags wording this archive lists under `blame.phrases` in `hindsight.yml`.

    Teams add their own words there ("rookie mistake", "asleep at the wheel"), and list
    under `blame.allow` wording that the built-in rules flag wrongly for them.

    ## Why is this bad?
    Every organisation has its own ways of blaming; the built-in rules cannot know them
    all. The reason is the same as for `blame-person`.

    ## Example
    ```yaml title="hindsight.yml"
    blame:
      phrases: [rookie mistake]
    ```
    ```yaml
    title: A rookie mistake took checkout down
    ```

    ## Use instead
    ```yaml title="hindsight.yml"
    blame:
      phrases: [rookie mistake]
    ```
    ```yaml
    title: A configuration change took checkout down
    ```
    """
    return (f for f in scan(incident, ctx) if f.code == "HS305")


RULES: tuple[Rule, ...] = (blame_person, human_error, hindsight_bias, judgemental_word, blame_phrase)
_RULES = {r.code: r for r in RULES}
