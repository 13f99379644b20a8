"""Link fault expressions to the people they are about, clause by clause.

A fault expression (:mod:`hindsight.language.lexicon`) found in a sentence becomes a finding
only when the clause makes a person (:mod:`hindsight.language.people`) its subject ("Amara
forgot"), its possessor ("Amara's oversight"), its by-agent ("ignored by the on-call
engineer"), or the target of an accountability frame ("the blame lies with the storage
group"). Judgements of character and the "human error" label need no person. Negation,
modals of prevention and text about blamelessness itself ("no single person caused this")
turn a match away.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from hindsight.language import lexicon as lx
from hindsight.language.heads import DEPTH, Dispatch, branches, fingerprint, starts
from hindsight.language.people import PERSON, PERSON_HINT, PERSON_PLAIN, QUALIFIER, name_strength
from hindsight.language.sentences import clause_end, clause_start


class _Lazy:
    """A pattern compiled the first time it is used.

    The patterns that hold :data:`PERSON` are long; compiling all of them costs about a
    fifth of a second, paid by every ``hindsight`` process that reads prose, though most
    checks need only a few of them.
    """

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source, self._flags = source, flags
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> object:  # for what is not an attribute of ours yet
        if self._compiled is None:
            self._compiled = compiled = re.compile(self._source, self._flags)
            self.search, self.match, self.finditer = (
                compiled.search,
                compiled.match,
                compiled.finditer,
            )
        return getattr(self._compiled, name)


def _lazy(source: str, flags: int = 0) -> re.Pattern[str]:
    return _Lazy(source, flags)  # type: ignore[return-value]


def _lower_letters(pattern: str) -> str:
    """``pattern`` for lower-cased text: its capitals lowered, escapes (``\\S``) and ``(?P`` kept."""
    return re.sub(r"(?<![\\?])[A-Z]+", lambda m: m.group().lower(), pattern)


#: what may stand between a subject and its verb: auxiliaries, adverbs, "went on to", "who"
_BETWEEN = (
    r"\s+(?:had|has|have|'d|'s|was|were|is|are|did|does|do|also|then|simply|just|apparently|clearly|obviously|"
    r"again|accidentally|mistakenly|unfortunately|completely|totally|already|initially|still|probably|later|"
    r"subsequently|unknowingly|inadvertently|repeatedly|once again|evidently|somehow|allegedly|basically|"
    r"reportedly|quickly|hastily|carelessly|recklessly|blindly|casually|knowingly|deliberately|actually|even|"
    r"themselves|himself|herself|personally|alone|single-handedly|herself|first|promptly|immediately|be|been|"
    r"being|[a-z]+ly|as usual|once more|yet again|"
    r"(?:must|may|might|seems? to|seemed to|appears? to|appeared to|happened to|managed to|went on to|"
    r"proceeded to|chose to|decided to|opted to|tried to|got to|went and) have|"
    r"(?:then |also )?(?:went on to|proceeded to|chose to|decided to|opted to|happened to|managed to|went and|"
    r"keeps?|kept|continued to|continues to|started|began|"
    r"got|tried to|went ahead and|just|somehow|took it upon (?:himself|herself|themselves) to|between them)|who|that)|"
    r"\s*:(?=\s)|\s*,\s*(?:apparently|evidently|once again|again|"
    r"it seems|it turns out|unfortunately|predictably|as usual|of course)\s*,|\s*,\s*who"
)
FILLER = rf"(?:{_BETWEEN})*"
#: the same, and the modals of a sanction ("should face consequences")
_MODAL_FILLER = (
    rf"(?:{_BETWEEN}|\s+(?:should|must|will|needs? to|ought to|has to|have to|deserves? to|"
    r"may|might|could|would|shall|is going to|are going to|is to|are to|was to|not|never))*"
)

_SUBJECT = _lazy(rf"(?:^|(?<=[\s,;:(\"“]))(?:{PERSON})(?:{QUALIFIER})(?P<fill>{FILLER})\s*$")
_SUBJECT_MODAL = _lazy(
    rf"(?:^|(?<=[\s,;:(\"“]))(?:{PERSON})(?:{QUALIFIER})(?P<fill>{_MODAL_FILLER})\s*$"
)
_LEAD = (
    r"(?:\s*(?:\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:UTC|Z|[AP]M))?\s*[-–—:|]?\s*)?"
    r"(?:(?:[A-Z][\w' -]{0,40}|\d[\w:' -]{0,40}),\s+|[A-Z][\w -]{0,30}:\s+)?"
    r"(?:(?i:then|later|next|finally|eventually|so|and|because|since|as|when|once|after|until|although|though|"
    r"but|it was|it's|it is)\s+)?)"
)
_SENTENCE_SUBJECT = _lazy(rf"{_LEAD}(?:{PERSON})(?:{QUALIFIER})")
_COORDINATED = re.compile(
    rf"(?:,?\s+(?:and|but|then|and then|yet|so|before|after|or|only to)|,)(?P<fill>{FILLER})\s*$",
    re.IGNORECASE,
)
_BY = _lazy(rf"\s+(?:[\w-]+\s+)?by\s+(?:{PERSON})(?:{QUALIFIER})")
_PERSON_HERE = _lazy(rf"\s*(?:{PERSON})(?:{QUALIFIER})")
_POSSESSOR = _lazy(
    rf"(?:(?:^|(?<=[\s,;:(\"“]))(?:{PERSON})['’]s?|\b(?i:his|her|their))\s+(?:(?i:own|simple|big|silly|careless|"
    r"costly|obvious|basic|small|tiny|critical|fatal|honest|early|first|second|latest|earlier|repeated|"
    r"unfortunate|understandable|single|one|major|minor|classic|typical|usual|sheer|uncharacteristic|rare|"
    r"hurried|rushed|late-night|late|clumsy|quick|careless)\s+|[\w-]+\s+(?=(?:[\w-]+\s+)?$))*$"
)
_MADE = _lazy(
    rf"(?:^|(?<=[\s,;:(\"“]))(?:{PERSON})(?:{QUALIFIER})(?P<fill>{FILLER})\s+(?i:made|makes|make|making|"
    r"committed|commits|owned up to|admitted|admits|repeated)\s+(?i:a|an|the|another|one|two|three|several|"
    r"his|her|their|some|that|this|the same|a (?:simple|silly|big|costly|basic|careless|critical|classic))"
    r"(?:\s+[\w-]+)?\s+$"
)
_ON_PART = _lazy(
    rf"(?:\s+(?:in|of) (?:the )?[\w-]+)?(?:\s+on\s+(?:{PERSON_PLAIN})['’]s?\s+(?:part|side|end)|\s+(?:of|by|from|on the part of|"
    r"on behalf of|within|among|"
    rf"made by|committed by|introduced by|caused by)\s+(?:{PERSON_PLAIN})(?:{QUALIFIER}))"
)
_MADE_AFTER = _lazy(rf"\s+(?:that\s+|which\s+)?(?:{PERSON})\s+(?:had\s+)?(?:made|committed)\b")
_BELONGS = _lazy(
    rf"(?:\s+(?:that|which)\s+[^,.;]{{1,80}}?)?\s+(?:was|is|were|are)\s+(?:all\s+|entirely\s+)?(?:{PERSON})['’]s?(?!\w)"
)
_OBJECT_NEGATED = re.compile(
    r"\s+(?:no|nothing|none|neither|nobody|not a single|zero)\b", re.IGNORECASE
)
_NEGATED = re.compile(r"\b(?:not|never|no longer|hardly|neither|nor)\b|n't\b", re.IGNORECASE)
#: sentences about blamelessness itself
META = re.compile(
    r"\b(?:blameless\w*|blame-free|no[- ]blame|not about (?:who|blame|fault|individuals|people)|"
    r"assign(?:s|ed|ing)? (?:any )?(?:blame|fault)|(?:point|pointing) fingers|finger-pointing|"
    r"(?:is|was|are|were)(?:n't| not| never) (?:a|the) (?:root )?cause|never (?:a|the) (?:root )?cause|"
    r"(?:nobody|no one|no-one)(?! else)(?!\s+(?:in|on|from|at|of)\s)(?!\s+(?:\w+\s+)?(?:bothered|cared|thought to|"
    r"could be bothered))|no single|not (?:any|one) (?:single )?(?:person|individual|engineer)|"
    r"not (?:a|the) (?:person|people|individual)|not (?:the|any) (?:person|individual)'s|"
    r"(?:the|this) (?:label|term|phrase|word|words)(?![-\w])|counterfactuals?|hindsight bias|"
    r"left out of this (?:report|review|postmortem|document)|not a single (?:person|one|individual|engineer)|"
    r"whether (?:anyone|anybody|someone|somebody)|outside the scope|not a question we ask|(?:labell?(?:ed|ing)|calls?|calling|called) (?:it|this|that) (?:[\"'“‘]|human|operator|user|pilot|a mistake|"
    r"an error|negligence|carelessness)|(?:reject|rejected|dispute|disputed|drop|dropped) the (?:framing|claim|idea|"
    r"suggestion|wording)|"
    r"(?:stops?|stopping|stopped|ends?|ending|ended) (?:the )?(?:analysis|inquiry|investigation|conversation)|"
    r"would (?:stop|end|cut short)|we do not|we don't|we never|we avoid|avoid(?:s|ed|ing)? "
    r"(?:blame|naming|blaming|words)|"
    r"not (?:to )?(?:blame|punish|shame|single out)|without (?:blame|blaming|fault)|regardless of who|"
    r"no matter who|(?:do|does|did)(?: not|n't) (?:blame|fault|single out|name)|"
    r"(?:easy|tempting|unfair|wrong|pointless|unhelpful) to (?:call|say|blame|label|conclude|write off|brand)|"
    r"(?:saying|calling|labell?ing|branding|to say|to call|to label|to brand)\s+(?:that\s+)?(?:\w+\s+){0,4}?"
    r"(?:as\s+)?(?:careless|sloppy|negligent|lazy|incompetent|should|was|is|forgot|ignored|missed|at fault|"
    r"to blame|responsible)|"
    r"rather than (?:ask(?:ing)?|wonder(?:ing)?) (?:why|whether|who|if)|none of this (?:is|was) about|"
    r"would (?:miss|be missing) the point|(?:pinning|blaming|putting) (?:this|it) on \S+ would|"
    r"rewrote (?:it|the chain|the answer|the why)|"
    r"(?:reads?|read|comes? across|came across) as blam\w*|"
    r"did nothing wrong|(?:did|does)(?: not|n't) do anything wrong|(?:was|were|is|are)(?: not|n't) at fault|"
    r"no fault of|through no fault|"
    r"what any(?:one|body)?\b[^.;]{0,40}would have done)\b",
    re.IGNORECASE,
)
#: the same, on the lower-cased text, without re.IGNORECASE (four times faster)
_META_LOWERED = re.compile(_lower_letters(META.pattern))
_NOBODY = re.compile(r"(?:nobody|no one|no-one)$", re.IGNORECASE)
#: words about a label, for the label and judgement kinds: "we look at the system rather than 'human error'"
_LABEL_META = re.compile(
    r"\b(?:rather than|instead of|prevent\w*|avoid\w*|reduc\w* the (?:chance|risk|room)|"
    r"(?:chance|risk|room|possibility|opportunit(?:y|ies)) (?:of|for)|prone to|guard\w* against|"
    r"eliminat\w*|less (?:room|chance)|symptoms? of|regardless of|no matter)\b",
    re.IGNORECASE,
)
#: prevention and possibility: "so that no one can forget", "easy to misread"
_HYPOTHETICAL = re.compile(
    r"\b(?:so that|so nobody|so no one|so an?|to prevent|to avoid|to make sure|to ensure|in case|easy to|easier to|"
    r"hard not to|could easily|can easily|would let|lets? (?:an?|any|the) \w+|allow(?:s|ed)? (?:an?|any|the) \w+|"
    r"can no longer|cannot|can't|won't be able|must not|must never|should not|shouldn't|should never|"
    r"make it (?:harder|impossible|easy|easier)|made it (?:easy|easier|possible|likely)|risk of|chance of|"
    r"possibility of|prone to|likely to|unlikely to|able to|unable to|impossible to|whenever|anytime|if an?)\b",
    re.IGNORECASE,
)


def _alt(words: object) -> str:
    return lx.alternation(words)  # type: ignore[arg-type]


_PARTICIPLE = (
    r"(?:[a-z-]+(?:ed|en|wn|ght|lt|pt|nt|ne|un|ng|id|ad|ck|de|ld|nd|rd|ft|ut|et|it|st)|known|seen|done|"
    r"caught|read|run|set|put|let|kept|left|lost|thought|made|found|heard|said|told|sent|spent|felt|"
    r"met|paid|built|meant|held|stood|understood|gone|got|taken|given|written|chosen|broken|been)"
)
_HARM_STRONG = (
    "outage",
    "outages",
    "downtime",
    "disruption",
    "disruptions",
    "breakage",
    "regression",
    "regressions",
    "data loss",
    "loss of data",
    "corruption",
    "havoc",
    "chaos",
    "meltdown",
    "page storm",
    "cascade",
    "mess",
    "damage",
    "crash",
    "crashes",
    "degradation",
    "breach",
    "incident",
    "incidents",
    "failure",
    "failures",
    "outage window",
)
_HARM_WEAK = (
    "bug",
    "bugs",
    "defect",
    "defects",
    "typo",
    "typos",
    "error",
    "errors",
    "mistake",
    "fault",
    "problem",
    "problems",
    "issue",
    "issues",
    "misconfiguration",
    "leak",
)
_NOT_HARM_AFTER = (
    r"(?![\w-]*\s*(?:channel|call|bridge|doc|document|review|response|process|room|ticket|page|"
    r"commander|timeline|report|record|log|notes|retro|retrospective|postmortem|post-mortem|"
    r"meeting|management|handling|budget|rate|code|message|tracker|board|queue|template|"
    r"drill|exercise|runbook|playbook|checklist|form|summary|update)s?\b)"
)

#: where "had Amara checked" and "were Amara more careful" begin: a sentence or clause's start
_CLAUSE_OPENS = r"(?:^|(?<=^\s)|(?<=^\s\s)|(?<=[.;,:—–]\s)|(?<=[.;,:—–]\s\s)|(?<=[.;,:—–])|(?<=\band\s)|(?<=\bbut\s))"
#: every expression starts a word (or an apostrophe: "'s"): the guard turns the other
#: positions away with one test instead of one per alternative
_GUARD = r"(?:(?<![\w\x01])|(?=['’]))"
_EXPRESSION = (
    _GUARD + r"(?:"
    r"(?P<label>" + lx.LABELS + ")"
    r"|(?P<cneg>\b(?:paid (?:no|little|scant|zero) (?:attention|heed|mind)|could(?: not|n't) be bothered|couldn't care less|(?:did(?: not|n't)|never) (?:dig|look) "
    r"(?:any )?(?:deeper|further|closer)|took (?:[\w-]+ ){1,3}at face value|(?:was|were)(?: not|n't) (?:\w+ly )?"
    r"(?:concentrating|focused|focusing|listening|watching|looking|paying attention)|had every (?:chance|"
    r"opportunity)|"
    r"(?:did(?: not|n't)|does(?: not|n't)|do(?: not|n't)|never|could(?: not|n't)|would(?: not|n't)|"
    r"failed to|neglected to|forgot to|omitted to|didn't even|did not even)\s+"
    r"(?:even\s+|bother(?:ed)? to\s+|think to\s+|care to\s+|take the time to\s+|stop to\s+|(?:once|properly|"
    r"actually|really|fully|carefully|first)\s+)?(?:" + _alt(lx.CHECK_FORMS) + r")\b))"
    r"|(?P<wrongly>\b(?:wrongly|incorrectly|mistakenly|falsely|naively|blindly|lazily|prematurely)\s+"
    r"(?:assum|presum|believ|think|thought|guess|conclud|decid|judg|declar|dismiss|mark|clos|sign)\w*)"
    r"|(?P<cstate>\b(?:was|were|is|are|got|seemed|appeared|became|had been|grew|had grown|'s|'re)\s+"
    r"(?:(?:too|so|rather|a bit|a little|quite|very|clearly|obviously|simply|visibly|plainly|far too)\s+)?"
    r"(?:" + _alt(lx.COGNITIVE_STATES) + r")\b)"
    r"|(?P<acc>\b(?:is|was|are|were|be|been|being|'s|'re|remains?|remained|seems?|seemed|appears?|appeared)\s+"
    r"(?:(?:\w+ly|partly|partially|also|all|the one|alone|clearly|obviously|definitely|plainly)\s+)?(?:"
    r"at fault|to blame|culpable|guilty|liable|blameworthy|accountable for|answerable for|the culprit|"
    r"the guilty party|the weak link|the (?:person|one|engineer|party|team|individual) (?:at fault|to blame|"
    r"responsible)|the reason (?:we|for|that|why|the)\b(?=[^.;]{0,60}\b(?:down|outage|broke|broken|failed|lost|"
    r"incident|downtime|corrupt|breach\w*|SLA|late|delay\w*|took \w+ (?:hours|days|weeks?)|missed|fail\w*|times|twice|duplicate\w*|same))|(?:the )?(?:root )?cause of (?:the|this|our|that)|the (?:root )?cause\b(?!\s+\w)|"
    r"the problem(?=\s*(?:[.,;!?]|$|here|all along))|"
    r"(?:\w+ly\s+)?responsible for (?:(?:the|this|that|our|today's|yesterday's|last night's|the whole|"
    r"the entire|all|much of the|most of the|some of the)\s+)?(?:[\w-]+\s+){0,2}?(?:"
    + _alt(_HARM_STRONG + _HARM_WEAK)
    + r")\b|(?:\w+ly\s+)?responsible for (?:the|this|that|our|all the) (?:corrupted|broken|failed|lost|botched|bad|"
    r"deleted|wiped|missing|expired|leaked|dropped|outdated|stale)\b|the one (?:who|that) (?:caused|broke|deleted|took|brought|started|triggered|pushed|ran|dropped|"
    r"wiped|corrupted|messed|screwed)))"
    r"|(?P<accv>\b(?:" + _alt(lx.ACCOUNTABLE_VERB_FORMS) + r")\b)"
    r"|(?P<thank>\b(?:have|has|had|got)\s+(?P<thanked>.{1,60}?)\s+to thank for\b)"
    r"|(?P<hold>\b(?:hold|holds|holding|held)\s+(?P<held>.{1,60}?)\s+(?:accountable|responsible|liable|culpable|to account|at fault)\b)"
    r"|(?P<owns>\b(?:is|was|'s)\s+(?:all\s+|entirely\s+|squarely\s+|solely\s+|wholly\s+)?(?:on\s+)?(?P<owner>[^,.;]{1,40}?)['’]s\s+"
    r"(?:own\s+)?(?:doing|fault|responsibility|problem|mess|handiwork|shoulders|head|record|call)\b"
    r"|\b(?:is|was)\s+(?:all\s+)?(?:his|hers|theirs)\b(?!\s+[a-z]))"
    r"|(?P<frame>\b(?:the\s+)?(?:blame|responsibility|fault|guilt|culpability|accountability|onus|liability)\s+(?:for\s+[^,.;]{1,60}?\s+)?(?:lies|lay|rests|rested|"
    r"falls|fell|sits|sat|goes|went|belongs|is|was|lands|landed)\s+(?:\w+ly\s+)?(?:with|on|to)"
    r"|\b(?:falls|fell|lies|lay|rests|rested|lands|landed)\s+(?:\w+ly\s+)?(?:on|with)"
    r"|\b(?:(?:blame|responsibility|fault|guilt|culpability|accountability)\s+for\s+[^,.;]{1,60}?\s+(?:is|was|lies|"
    r"rests|sits|falls)(?:\s+(?:with|on))?)"
    r"|\b(?:pin|pinned|pins|pinning|blame|blamed|blames|blaming|lay|laid|lays|laying)\s+(?:it|this|that|the\s+[\w-]+"
    r"(?:\s+[\w-]+)?|the whole thing|everything)\s+on"
    r"|\b(?:blame|blamed|blames|blaming)|\bat the (?:feet|door|doorstep) of|\bcourtesy of"
    r"|\bpoint(?:ed|ing|s)? (?:the|a|our) finger at|\bfinger-pointing at"
    r"|\bthe buck (?:for [^,.;]{1,60}? )?stops (?:here )?with|\bthe (?:culpable|guilty|responsible) party\b"
    r"(?: (?:in|for) [^,.;]{1,50}?)? (?:was|is)|\bthe finger (?:points|pointed) (?:squarely )?at"
    r"|\b(?:belongs|belonged) (?:\w+ly\s+)?to"
    r"|(?:^|(?<=[\s(*_-]))(?:Fault|Culprit|Culpable|At fault|Blame|Responsible(?: party)?|Root cause|Primary cause|Main cause|"
    r"Direct cause|Cause|Owner of the (?:failure|outage|mistake|incident))"
    r"\s*:"
    r"|\b(?:this|that|it|this one|that one|outage|incident|failure|mistake|miss|downtime|breakage)"
    r"(?:\s+(?:is|was)|\s*['’]s)\s+(?:\w+ly\s+|all\s+)?on"
    r"|\b(?:was|is|were|are)\s+(?:all\s+|\w+ly\s+)?(?:down|due|owing)\s+to"
    r"|\bbecause of)"
    r"|(?P<watch>\b(?:on|under)\s+(?P<watcher>\S+(?:\s+\S+)?)['’]s?\s+watch\b)"
    r"|(?P<why>\b(?:why|how come) (?:didn't|did not|couldn't|could not|wouldn't|hadn't|hasn't|won't)\s+"
    r"(?P<why_who>[^,;.?]{1,40}?)\s+(?:just\s+|simply\s+|even\s+|bother to\s+|first\s+)?[a-z][\w-]+"
    r"|\bhow (?:did|could|can|do) (?P<how_who>[^,;.?]{1,40}?)\s+(?:not|never)\s+(?:notice|see|spot|check|catch|"
    r"realise|realize|read|look|test|think|ask)\b)"
    r"|(?P<mind>\b(?:slip(?:ped|s)?|went clean out of|escaped)\s+(?P<minder>[^,;.]{1,40}?)['’]s?\s+(?:mind|memory|"
    r"attention|notice)\b)"
    r"|(?P<door>\b(?:chalked up to|put down to|(?:lies|lay|laid|rests|sits|is) at(?! the (?:feet|door|doorstep) of)|"
    r"attaches to|assigned to|"
    r"(?:was|is|were|are) on)\s+(?P<door_who>[^,;.]{1,50}?)(?:['’]s? (?:door|doorstep|feet))?(?=[,;.!?]|\s*$|\s+(?:and|but|for|who|,))"
    r"|\b(?:lay|laid|lays|put|puts|place|placed) (?:[\w'’-]+\s+){1,6}?at (?P<lay_who>[^,;.]{1,40}?)['’]s? "
    r"(?:door|doorstep|feet)\b"
    r"|\b(?:has|have|had|with) (?P<name_who>[^,;.]{1,40}?)['’]s? name (?:written )?all over it\b"
    r"|\b(?:wants?|wanted|calling for|call for|demands?) (?P<head_who>[^,;.]{1,40}?)['’]s? head\b"
    r"|\b(?:make|makes|made|hold|holds|held|consider|considers|considered|deem|deems|deemed|found|finds|find) "
    r"(?P<made_who>[^,;.]{1,50}?)\s+"
    r"(?:responsible|accountable|liable|culpable|answerable|guilty)\b"
    r"|\b(?:is|was|'s) (?P<own_who>[^,;.]{1,40}?)['’]s (?:to own|to answer for|to carry|cross to bear)\b"
    r"|\bnames? (?P<named_who>[^,;.]{1,40}?) as (?:the )?(?:\w+ )?(?:culpable|responsible|at fault|guilty|to blame|"
    r"the culprit|the cause)\b)"
    r"|(?P<sanction>\bheads (?:should|will|must|need to|have to|are going to|ought to|are gonna) roll\b|"
    r"\b(?:someone|somebody) (?:has|needs|ought|deserves|will have) to (?:pay|answer|be (?:fired|punished|"
    r"disciplined|held accountable|held responsible|let go))\b)"
    r"|(?P<had>"
    + _CLAUSE_OPENS
    + r"(?i:had)\s+(?P<had_who>[^,;.]{1,60}?)\s+(?:(?:only|just|actually|"
    r"really|bothered to|not)\s+)?(?:" + _PARTICIPLE + r"))"
    r"|(?P<care>\bwith (?:even )?(?:a (?:little|bit) )?(?:more|better|less|a little more|a bit more|basic|a minimum of|"
    r"minimal|some|a bit of|any|proper|real|actual) (?:care|attention|testing|review|reviewing|checks|"
    r"diligence|thought|focus|patience|caution|rigour|rigor)\s+(?:from|by|on the part of)\s+"
    r"|\b(?:a|one|another) (?:second|closer|proper|careful|quick|real|single) look (?:by|from)\s+)"
    r"|(?P<passed>\b(?:should|ought to|could)(?: not| never)?(?: have|'ve) (?:passed|got past|gotten past|"
    r"made it (?:past|through)|gone through|slipped (?:past|through)|survived|cleared)\s+(?:the\s+|code\s+|a\s+)?"
    r"(?:review|QA|testing|approval|sign-off|CAB|change review))"
    r"|(?P<obvious>\b(?:should|ought to) have been (?:obvious|clear|apparent|evident) to\s+)"
    r"|(?P<knowbetter>\b(?:ought to|should|must) (?:know|have known) (?:better|by now)\b)"
    r"|(?P<supposed>\b(?:needed|had|was supposed|were supposed|was meant|were meant|was expected|were expected|"
    r"(?:was|is) \S+['’]s (?:job|task|duty|responsibility)) to "
    r"[^.;]{1,80}?(?:,\s*)?(?:but|and)(?: (?:he|she|they|\S+))? (?:didn't|did not|never did|never|waited|"
    r"went straight|instead|chose not)\b"
    r"|\bhad no (?:need|reason|business) to [^.;]{1,80}?,?\s*but (?:he|she|they|\S+) did\b"
    r"|\btoo much to ask (?:for|of)\s"
    r"|\bcould(?:'ve| have) [a-z]+(?:ed|en|wn|t)\b[^.;]{0,40}? (?:instead of|rather than)\b"
    r"|\b(?:was|were) (?:supposed|meant|expected) to [^.;]{1,80}? first\b"
    r"|\bneeded to [^.;]{1,60}? (?:at once|immediately|instead of|rather than|right away|not (?:\w+\s+){0,3}later)\b)"
    r"|(?P<were>"
    + _CLAUSE_OPENS
    + r"(?i:were|was)\s+(?P<were_who>[^,;.]{1,60}?)\s+(?:more|less|a bit more|"
    r"a little more|paying|better|not so|not as)\b)"
    r"|(?P<iff>\bif(?: only)?\s+(?P<if_who>[^,;.]{1,60}?)\s+(?:had|'d|were|was|would have|could have|did|took|"
    r"paid|bothered|cared|listened|looked|checked|read|waited|asked)\b(?!\s+been\s+(?!more|less))"
    r"(?:\s+(?:(?:only|just|actually|really|bothered to|been|taken the time to)\s+)*(?P<if_verb>[\w-]+))?)"
    r"|(?P<any>\b(?:any|a more|a senior|an older|a real|a proper|a less|a better|a properly|an experienced|a competent|a careful|a diligent|"
    r"an attentive|a seasoned|a responsible|a sensible|a halfway|a half-decent|an alert|any half-decent|"
    r"any competent|any careful|any experienced|any reasonable)\s+(?:[\w-]+\s+){0,2}?(?:engineer|developer|"
    r"reviewer|operator|admin|administrator|DBA|SRE|approver|person|on-call(?:er)?|responder|analyst|tester|"
    r"team|professional|programmer|coder|manager|lead|owner|code owner|maintainer|operator)s?\s+(?:than\s+\S+\s+)?(?:would|could|should)(?: not| never)?(?:'ve| have)"
    r"|\b(?:anyone|anybody|everyone|any one)\s+(?:\w+\s+){1,5}?(?:would|could)(?: not| never)?(?:'ve| have))"
    r"|(?P<modal>\b"
    + lx.MODAL_HINDSIGHT
    + r"\s+(?P<been>be(?:en)?\s+)?(?:(?:more|less|far more|much more|a bit more|"
    r"properly|actually|easily|simply|just|really)\s+)?(?P<pp>[\w-]+)(?P<pp2>\s+(?:up|through|at|out|off|with))?)"
    r"|(?P<deemed>\b(?:deemed|judged|considered|declared|called|decided)\b)"
    r"|(?P<cause>\b(?:"
    + _alt(lx.AGENT_CAUSE_FORMS)
    + r")\s+(?!by\b)(?:(?:the|this|that|a|an|our|his|her|their|its|yesterday's|today's|last night's|another|two|"
    r"several|the whole|the entire|all|most of the|much of the)\s+)?(?:[\w-]+\s+){0,2}?(?P<harm>"
    + _alt(_HARM_STRONG + _HARM_WEAK)
    + r")\b"
    + _NOT_HARM_AFTER
    + r"|\b(?:caused|cause|causes|causing)\s+(?:(?:it|this|that|all of this|the whole thing|everything)"
    r"(?=\s*(?:[.,;:!?)]|$|\s+(?:by|when|with|through|in|on)\b))))"
    r"|(?P<causedby>\b(?:caused|triggered|introduced|started|created|provoked|brought about|set off|sparked|"
    r"precipitated)\s+by)"
    r"|(?P<takedown>\b(?:took|take|takes|taking|brought|bring|brings|bringing|knocked|knock|knocks|knocking)\s+"
    r"(?:[\w'’-]+\s+){1,3}?(?:down|offline|over)\b"
    r"|\b(?:left|leave|leaves|leaving)\s+(?:[\w'’-]+\s+){1,4}?(?:open to|exposed|unlocked|public|broken|in a broken|"
    r"world-readable|world readable|publicly readable|wide open|unprotected|unpatched|unencrypted|"
    r"half-(?:finished|done|applied|migrated)|inconsistent|corrupt)"
    r"|\b(?:let|lets|letting)\s+(?:[\w'’-]+\s+){1,4}?(?:lapse|expire|run out|rot|fill up|fill|fail|die|overflow)\b"
    r"|\bcut (?:the )?power\b|\bpull(?:ed|s|ing)? the plug\b|\bforced? (?:[\w-]+\s+){1,3}through\b)"
    r"|(?P<cadv>\b(?:" + _alt(lx.COGNITIVE_ADVERBS) + r")\b)"
    r"|(?P<cog>\b(?:" + _alt(lx.COGNITIVE_FORMS) + r")\b(?![-]))"
    # any past tense made with mis-: "mis-scanned", "misrouted", "misapplied"
    r"|(?P<mis>\bmis-?[a-z]{3,}ed\b)"
    r"|(?P<strong>\b(?:" + _alt(lx.AGENT_STRONG_FORMS) + r")\b(?![-]))"
    r"|(?P<weak>\b(?:" + _alt(lx.AGENT_WEAK_FORMS) + r")\b(?![-]))"
    r"|(?P<fault>\b(?:" + _alt(lx.FAULT_NOUNS) + r")\b(?![-]))"
    r"|(?P<char>\b(?:" + _alt(lx.CHARACTER) + r")\b(?![-])))"
)
#: the fault expressions, matched on the lower-cased text (:func:`hindsight.folding.folded`,
#: same offsets): without re.IGNORECASE, re compares letters as they are, which is nearly twice
#: as fast on a pattern of this size. Capitals in the pattern are lowered with the text.
#: the fault expressions, lower-cased, to match on the lower-cased text
_LOWERED = _lower_letters(_EXPRESSION)
_TECHNICAL = re.compile(lx.TECHNICAL, re.IGNORECASE)
_DAMAGE = re.compile(rf"\b(?:{_alt(lx.DAMAGE_MARKERS)})(?!\w)", re.IGNORECASE)
_CRITICAL = re.compile(rf"\b(?:{_alt(lx.CRITICAL_OBJECTS)})\b", re.IGNORECASE)
_REPAIR = re.compile(rf"\b(?:{_alt(lx.REPAIR_MARKERS)})", re.IGNORECASE)
_DESTRUCTIVE = frozenset(f.lower() for f in lx.DESTRUCTIVE_FORMS)
_TECH_COMPOUND = re.compile(
    r"[\s-]+(?:rates?|budgets?|codes?|messages?|handling|handler|pages?|logs?|counts?|responses?|paths?|states?|"
    r"conditions?|domains?|modes?|tolerance|tolerant|injection|detection|detector|recovery|class(?:es)?|types?|"
    r"reporting|reports?|tracking|tracker|spikes?|ratio|percentage|threshold|metrics?|dashboards?|alerts?|"
    r"signals?|events?|strings?|banners?|dialogs?|toasts?|screens?|boundary|boundaries|bars?|margins?|"
    r"checking|correction|lines?|points?|scenarios?|cases?|injection|window|windows?|isolation|analysis)\b",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(
    r"\b(?:I|I'm|I am|I was|I've been|I get|I got|me being|I felt|we|we're|we were|"
    r"we are|our|my)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
#: a reason that makes the act sensible: "ignored the alert, which the runbook lists as a false positive"
_JUSTIFIED = re.compile(
    r"\b(?:which|as) (?:the|our) (?:[\w-]+\s+){0,2}?(?:runbook|tool|process|policy|playbook|checklist|procedure|"
    r"guide|docs|documentation|team|wiki|handbook|README) (?:\w+\s+){0,3}?(?:lists?|listed|allows?|allowed|offers?|"
    r"offered|says?|said|permits?|permitted|recommends?|recommended|describes?|described|marks?|marked|tells?|told|"
    r"instructs?|instructed|asks?|asked|requires?|required)|"
    r"known false positive|as (?:allowed|permitted|documented|instructed|agreed|planned)|"
    r"which is the (?:\w+\s+){0,2}?(?:option|default|setting|choice|procedure|step)\b|on purpose|"
    r"as the (?:[\w-]+\s+){0,2}?(?:runbook|playbook|script|plan|procedure|checklist) (?:advises|advised|planned|"
    r"suggests|suggested|says|said|requires|required)|"
    r"as the (?:[\w-]+\s+){0,2}?(?:MOP|runbook|plan|procedure|checklist|ticket|change request) "
    r"(?:described|said|specified|required|prescribes|describes|says)|"
    r"because (?:the|it|its|a) (?:page|link|doc|runbook|tool|dashboard|alert)\b",
    re.IGNORECASE,
)
#: "the service did not respond to any events": what only a system is asked to answer
_SYSTEM_OBJECT = re.compile(
    r"\s+(?:to\s+)?(?:(?:any|the|all|our|some|incoming|new|most|many)\s+)?(?:[\w-]+\s+)?(?:events?|requests?|"
    r"quer(?:y|ies)|pings?|probes?|health ?checks?|webhooks?|traffic|packets?|connections?|signals?|"
    r"heartbeats?|API calls?|RPCs?|SIGTERM|SIGKILL|signals?|liveness|readiness)\b",
    re.IGNORECASE,
)
#: "the jobs had been skipped": the subject of a passive is what the act was done to
#: "neither the shepherd nor the signatory skipped a step"
_NEITHER = re.compile(r"\b(?:neither|nor|not even|never)\s+$", re.IGNORECASE)
_PASSIVE_AUX = re.compile(
    r"\b(?:is|are|was|were|be|been|being|got|gets|get)\s+(?:\w+ly\s+)?$", re.IGNORECASE
)
#: "all changes", "a missing or broken mechanism": the verb's form is a noun or an adjective here
_NOMINAL = re.compile(
    r"(?:^|\s)(?:a|an|the|all|any|some|these|those|its|their|our|his|her|this|that|every|each|no|of|"
    r"several|many|most|other|such)\s+(?:[\w-]+(?:ing|ed|en|ful|less|ive|al|ous)\s+(?:or|and)\s+|"
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|nightly|daily|weekly|monthly|quarterly|yearly|scheduled|planned|"
    r"first|second|third|last|next|initial|final|previous|latest|big|small|same|new)\s+)?$",
    re.IGNORECASE,
)
#: load that an audience puts on a system is demand, not an act: "the students overloaded the nodes"
_LOAD = re.compile(r"(?:overload|flood|hammer|fill|ddos|swamp|overwhelm)", re.IGNORECASE)
_AUDIENCE = re.compile(
    r"\b(?:users?|customers?|students?|players?|visitors?|clients?|subscribers?|people|fans|shoppers|learners|"
    r"viewers|readers|buyers|members|the public|everyone)\b",
    re.IGNORECASE,
)
_ITS = re.compile(r"\bits\b", re.IGNORECASE)
_RELEASE = re.compile(r"\b(?:release|branch|tag|build|rc|version|candidate)s?\b", re.IGNORECASE)
_FAULT_WORDS = frozenset(f.lower() for f in lx.FAULT_NOUNS)
#: a lapse with a plain reason: "forgot the page because her phone had died"
_EXCUSED = re.compile(
    r"\b(?:her|his|their) (?:laptop|phone|charger|badge|keys|lunch|password manager|coat|headset)\b|"
    r"\bbecause (?:he|she|they) (?:was|were) (?:already |busy )?(?:on|in|handling|working|dealing|paged)\b|"
    r"\bmissed (?:the |a |his |her |their )?(?:\d{1,2}:\d{2} )?(?:stand-?up|meeting|call|sync|retro|1:1|train|bus|"
    r"flight|lunch)\b",
    re.IGNORECASE,
)
#: a person's act as the subject of a damaging verb: "Filmon's force-push to the repo erased"
_ACT_OF = _lazy(
    rf"(?:^|(?<=[\s,;:(\"“]))(?:{PERSON})['’]s\s+[\w-]+(?:\s+[^,.;:]{{0,60}}?)?\s+(?:also\s+|then\s+)?$"
)
_HUMAN = frozenset({"cognitive", "counterfactual", "accountability", "fault"})


_GROUPS = ("mark", "handle", "role", "team", "whoever", "pronoun", "they", "name")


class Link(NamedTuple):
    """A fault expression found about a person: where the words start and end, and the kind."""

    start: int
    end: int
    kind: str


def _person_ok(match: re.Match[str], kind: str) -> bool:
    """Whether the PERSON match names a person strongly enough for ``kind``."""
    group = next((g for g in _GROUPS if match.group(g)), None)
    if group == "name":
        return name_strength(match.group("name")) > 0
    if group == "they":
        return kind in _HUMAN
    return group is not None


def _subject(
    text: str, begin: int, at: int, kind: str, modal: bool = False
) -> re.Match[str] | None:
    """The person who is the subject of the words at ``at``, within the clause from ``begin``."""
    window = max(begin, at - 200)
    if not PERSON_HINT.search(text, window, at):
        return None  # nobody is mentioned before the words: the long pattern need not run
    pattern = _SUBJECT_MODAL if modal else _SUBJECT
    for _ in range(3):  # "Then Takumi": a capitalised opener is not part of the name
        match = pattern.search(text, window, at)
        if match is None:
            return None
        if _person_ok(match, kind):
            if _NEGATED.search(match.group("fill") or "") or _NEITHER.search(
                text, max(begin, match.start() - 12), match.start()
            ):
                return None
            return match
        name = match.group("name")
        if not name or not re.match(r"\S+ \S", name):
            return None
        window = match.start("name") + name.index(" ") + 1
    return None


def _coordinated_subject(
    text: str, sentence: int, clause: int, at: int, kind: str
) -> re.Match[str] | None:
    """The sentence's subject when the words at ``at`` follow 'and', 'but', 'then' or a comma."""
    if not _COORDINATED.search(text, max(clause, at - 80), at):
        return None
    match = _SENTENCE_SUBJECT.match(text, sentence)
    if match is None or not _person_ok(match, kind):
        return None
    between = text[match.end() : at]
    if _NEGATED.search(between) or re.search(
        r"\b(?:it|the system|the job|the script|the tool)\b", between
    ):
        return None
    return match


def _person_at(text: str, at: int, kind: str) -> re.Match[str] | None:
    match = _PERSON_HERE.match(text, at)
    return match if match and _person_ok(match, kind) else None


_WHO = _lazy(rf"(?:{PERSON})(?:{QUALIFIER})(?:\s+\w+ly)?\s*$")


def _who(words: str, kind: str) -> bool:
    match = _WHO.match(words.strip())
    return bool(match) and _person_ok(match, kind)


def link(text: str, sentence: tuple[int, int], lowered: str | None = None) -> list[Link]:
    """Every fault expression in ``text[sentence]`` that this module ties to a person.

    ``lowered`` is ``text`` lower-cased by :func:`hindsight.folding.folded`, when the
    caller has it already.
    """
    if lowered is None:
        from hindsight.folding import folded

        lowered = folded(text)
    s_begin, s_end = sentence
    found: list[Link] = []
    metas: list[re.Match[str]] | None = None
    for m in _expressions(lowered, s_begin, s_end):
        kind_group = m.lastgroup
        if kind_group is None:
            continue
        if metas is None:
            metas = list(_META_LOWERED.finditer(lowered[s_begin:s_end]))
        start, end = m.start(), m.end()
        # "no one caused this" is about blame; "X's oversight meant nobody looked" is not
        meta = any(not _NOBODY.match(x.group()) or s_begin + x.start() < start for x in metas)
        c_begin = clause_start(text, s_begin, start)
        c_end = clause_end(text, end, s_end)
        result = _judge(text, m, kind_group, s_begin, c_begin, c_end, meta)
        if result is not None:
            found.append(Link(min(result[0], start), max(result[1], end), result[2]))
    return found


def signals(text: str, lowered: str, begin: int, end: int) -> list[str]:
    """What the analysis knows of ``text[begin:end]``, as features of the second opinion (:mod:`.learned`).

    Whether the sentence names a person, negates, tells a repair or a plan, gives a reason that
    makes an act sensible, or is about blame itself. Which rule fired is left out: the rules
    were tuned on the same sentences, so the model would learn to trust them more than unseen
    writing does (0.88 recall on the tuned part, 0.70 on the held-out third), and it is asked
    exactly where the rules are unsure.
    """
    out = []
    for name, pattern, where in (
        ("person", PERSON_HINT, text),
        ("negation", _NEGATED, text),
        ("meta", _META_LOWERED, lowered),
        ("repair", _REPAIR, text),
        ("reason", _JUSTIFIED, text),
    ):
        if pattern.search(where, begin, end):
            out.append(name)
    return out


#: where each expression can begin, read once from the pattern and shipped (see STARTS)
STARTS = "starts.json"


def alternatives() -> list[str]:
    """The fault expressions one by one (the named groups of the pattern), lower-cased."""
    assert _LOWERED.startswith(_GUARD + "(?:") and _LOWERED.endswith(")")
    body = _LOWERED[len(_GUARD) + 3 : -1]
    parts = branches(body)
    assert "|".join(parts) == body
    return parts


def _dispatch() -> Dispatch:
    """The expressions, each tried only where it can begin.

    Reading where they begin from the pattern costs a few tenths of a second; the result is
    kept in :data:`STARTS` beside this module (``python -m hindsight.language.clauses``
    writes it, a test checks it is current) and read again only for an expression it lacks.
    """
    import json
    from importlib import resources

    try:
        known = json.loads(resources.files("hindsight.language").joinpath(STARTS).read_text())
    except (OSError, ValueError):
        known = {}
    return Dispatch(_GUARD, alternatives(), known=known)


_DISPATCH = _dispatch()


_EVERYWHERE = re.compile("")


def candidates() -> re.Pattern[str]:
    """A pattern found wherever a fault expression may begin (everywhere, if that is unknown)."""
    return _DISPATCH.candidates or _EVERYWHERE


def _expressions(lowered: str, begin: int, end: int) -> Iterator[re.Match[str]]:
    """Every fault expression in ``lowered[begin:end]``, as ``finditer`` of the whole pattern finds them."""
    return _DISPATCH.finditer(lowered, begin, end)


_BY_NEAR = re.compile(r"\s+(?:[\w-]+\s+)?by\s")


def _nobody_near(text: str, s_begin: int, start: int, end: int) -> bool:
    """Whether no person can be linked to the words at ``start``: none is named before them in
    the sentence (subject, coordinated subject) and no by-agent follows them. Cheap, and it
    spares the long subject patterns on most sentences, which name nobody."""
    return not PERSON_HINT.search(text, s_begin, start) and not _BY_NEAR.match(text, end)


def _original(text: str, m: re.Match[str], name: str) -> str | None:
    """The words of group ``name`` as the text has them (the match is on the lower-cased text)."""
    return None if m.start(name) < 0 else text[m.start(name) : m.end(name)]


def _judge(
    text: str, m: re.Match[str], group: str, s_begin: int, c_begin: int, c_end: int, meta: bool
) -> tuple[int, int, str] | None:
    start, end = m.start(), m.end()
    clause = text[c_begin:c_end]
    before = text[max(c_begin, start - 40) : start]

    if group == "label":
        if meta or _NEGATED.search(before) or _LABEL_META.search(text, s_begin, c_end):
            return None
        return start, end, "label"

    if group == "char":
        if (
            meta
            or _LABEL_META.search(text, s_begin, c_end)
            or _NEGATED.search(text[max(s_begin, start - 40) : start])
            or _TECHNICAL.search(text, max(s_begin, start - 30), min(c_end, end + 40))
            and _technical_here(text, start, end, s_begin, c_end)
        ):
            return None
        if _FIRST_PERSON.search(text, max(s_begin, start - 30), start):
            return None
        if re.match(r"\s+of\b", text[end : end + 4]):
            return None  # "careless of ordering guarantees": heedless of, said of a thing
        return start, end, "character"

    if meta:
        return None

    if group == "mis":
        group = "cog"
    if group in ("cog", "cneg", "cstate", "wrongly"):
        if _nobody_near(text, s_begin, start, end) and not (
            group == "cog" and PERSON_HINT.search(text, end, min(len(text), end + 100))
        ):
            return None  # a cognitive noun ("the blunder of the on-call engineer") names its owner after
        if group == "cog" and _OBJECT_NEGATED.match(text, end):
            return None
        if group == "cneg" and _SYSTEM_OBJECT.match(text, end):
            return None
        passive = group == "cog" and _PASSIVE_AUX.search(text, max(c_begin, start - 12), start)
        if _JUSTIFIED.search(text, end, min(len(text), c_end + 120)) or _EXCUSED.search(
            text, start, min(len(text), c_end + 120)
        ):
            return None
        if group != "cstate" and _hypothetical(text, c_begin, end, c_end):
            return None
        person = not passive and (
            _subject(text, c_begin, start, "cognitive")
            or _coordinated_subject(text, s_begin, c_begin, start, "cognitive")
        )
        if person:
            return person.start(), end, "cognitive"
        if group == "cog" and m.group().lower().endswith(("ed", "en", "ook", "ead", "ot")):
            by = _BY.match(text, end)
            if by and _person_ok(
                _PERSON_HERE.match(text, by.start() + by.group().index("by") + 2), "cognitive"
            ):
                return start, by.end(), "cognitive"
        if group == "cog":
            return _fault(text, start, end, c_begin, before)
        return None

    if group == "cadv":
        if _HYPOTHETICAL.search(clause):
            return None
        person = _SENTENCE_SUBJECT.match(text, c_begin) or _SENTENCE_SUBJECT.match(text, s_begin)
        if (
            person
            and _person_ok(person, "cognitive")
            and not _NEGATED.search(text[person.end() : start])
        ):
            return person.start(), end, "cognitive"
        subject = _subject(text, c_begin, start, "cognitive")
        return (subject.start(), end, "cognitive") if subject else None

    if group in ("care", "obvious"):
        person = _person_at(text, end, "counterfactual")
        return (start, person.end(), "counterfactual") if person else None

    if group == "supposed" and m.group().startswith("too much"):
        person = _person_at(text, end, "counterfactual")
        return (start, person.end(), "counterfactual") if person else None
    if group == "supposed" and re.match(
        r"needed to|(?:was|were) (?:supposed|meant|expected) to .* first$", m.group()
    ):
        # "Kasun needed to roll back at once", "was supposed to stage it first": about whom?
        person = _subject(text, c_begin, start, "counterfactual", modal=True)
        return (person.start(), end, "counterfactual") if person else None

    if group in ("passed", "knowbetter", "supposed"):
        if group == "knowbetter" and not _subject(
            text, c_begin, start, "counterfactual", modal=True
        ):
            return None
        return start, end, "counterfactual"

    if group == "owns":
        who = _original(text, m, "owner")
        if who is None or _who(who, "accountability"):
            return start, end, "accountability"
        return None

    if group == "cause" and m.group("harm") and m.group("harm").lower() in _FAULT_WORDS:
        owned = _fault(text, m.start("harm"), m.end("harm"), c_begin, before)
        if owned:
            return owned
    if group in ("strong", "weak", "cause", "takedown"):
        if _nobody_near(text, s_begin, start, end):
            return None
        # the cheapest tests first: many forms are nouns ("the change"), most acts tell no harm
        if group in ("strong", "weak") and _NOMINAL.search(text, max(c_begin, start - 40), start):
            return None
        if group == "weak" and not _harmful(text, m, c_begin, c_end):
            return None
        if any(
            not (h.start() < end and start < h.end())
            for h in _HYPOTHETICAL.finditer(text, c_begin, c_end)
        ):
            return None  # "so that nobody can delete", but not "let the certificate expire" itself
        if _JUSTIFIED.search(text, end, min(len(text), c_end + 120)):
            return None
        if (
            group == "strong"
            and re.match(r"(?i)(?:br|cr|wr)", m.group())
            and (
                _INTRANSITIVE.match(text, end)
                or re.match(
                    r"\s+(?:the |a |an )?[\w-]+(?:\s+[\w-]+)?\s+(?:into|down)\b", text[end:]
                )
            )
        ):
            return None
        if group in ("strong", "takedown") and _REPAIR.search(clause):
            return None
        if group == "weak" and re.match(
            r"\s+(?:everything|what (?:he|she|they) (?:was|were) doing)\b", text[end:]
        ):
            return None
        if _OBJECT_NEGATED.match(text, end):
            return None
        passive = _PASSIVE_AUX.search(text, max(c_begin, start - 12), start)
        person = not passive and (
            _subject(text, c_begin, start, "agent")
            or _coordinated_subject(text, s_begin, c_begin, start, "agent")
        )
        if (
            person
            and person.group("name")
            and name_strength(person.group("name")) < 2
            and _ITS.search(text, end, _SENTENCE_END.search(text, end).start())  # type: ignore[union-attr]
        ):
            return None  # "Slurm killed every job when its state file was truncated": a thing
        if (
            group in ("strong", "weak")
            and m.group().lower().startswith("cut")
            and _RELEASE.search(text, max(s_begin, start - 40), min(len(text), end + 40))
        ):
            return None  # "the release was cut by Rosnah": release engineering, not damage
        if person and _LOAD.match(m.group()) and _AUDIENCE.search(person.group()):
            return None  # "the students overloaded the nodes": demand, not a person's fault
        if person:
            return person.start(), end, "agent"
        by = _BY.match(text, end)
        if by:
            return (start, by.end(), "agent") if _by_person(text, by) else None
        if group == "strong" and not passive:
            owner = _ACT_OF.search(text, max(c_begin, start - 120), start)
            if owner and _person_ok(owner, "agent"):
                return owner.start(), end, "agent"  # "Filmon's force-push to the repo erased …"
        return None

    if group == "causedby":
        if _NEGATED.search(before) or meta:
            return None
        person = _person_at(text, end, "agent")
        if person and not re.match(
            r"\s*(?:the|a|an)\s+(?:\w+\s+)?(?:script|job|tool|bot|pipeline|process|system)",
            text[end : end + 40],
        ):
            return start, person.end(), "agent"
        return None

    if group == "fault":
        return _fault(text, start, end, c_begin, before)
    return _rest(text, m, group, s_begin, c_begin, c_end, meta)


def _fault(
    text: str, start: int, end: int, c_begin: int, before: str
) -> tuple[int, int, str] | None:
    """A fault noun ('oversight') or a failure's participle ('botched') owned by a person."""
    if (
        _TECH_COMPOUND.match(text, end)
        or _NEGATED.search(before)
        or re.search(r"\b(?:no|without|any)\s+(?:[\w-]+\s+){0,2}(?:of\s+)?$", before, re.IGNORECASE)
    ):
        return None
    owner = _POSSESSOR.search(text, max(c_begin, start - 160), start)
    if owner and (
        not owner.group().lower().startswith(("his", "her", "their"))
        and not _person_ok(_PERSON_HERE.match(text, owner.start()), "fault")
    ):
        owner = None
    if owner:
        return owner.start(), end, "fault"
    made = _MADE.search(text, max(c_begin, start - 200), start)
    if made and _person_ok(made, "fault") and not _NEGATED.search(made.group("fill") or ""):
        return made.start(), end, "fault"
    after = _ON_PART.match(text, end)
    if after and _part_person(text, after):
        return start, after.end(), "fault"
    maker = _MADE_AFTER.match(text, end)
    if maker and _person_ok(maker, "fault"):
        return start, maker.end(), "fault"  # "a mistake Marlene made while replaying the queue"
    belongs = _BELONGS.match(text, end)
    if belongs:
        # the owner follows the last copula: "the fault is Ottoline's alone"
        *_, copula = _COPULA.finditer(belongs.group())
        owner = _PERSON_HERE.match(text, belongs.start() + copula.end())
        if owner and _person_ok(owner, "fault"):
            return start, belongs.end(), "fault"
    return None


_COPULA = re.compile(r"\b(?:was|is|were|are)\s+(?:all\s+|entirely\s+)?")


def _rest(
    text: str, m: re.Match[str], group: str, s_begin: int, c_begin: int, c_end: int, meta: bool
) -> tuple[int, int, str] | None:
    start, end = m.start(), m.end()
    before = text[max(c_begin, start - 40) : start]
    if group in ("acc", "accv"):
        if (
            group == "accv"
            and _FACTUAL_PASSIVE.match(m.group())
            and not _DEMAND.search(text, max(c_begin, start - 40), start)
        ):
            return None
        person = _subject(
            text, c_begin, start, "accountability", modal=True
        ) or _coordinated_subject(text, s_begin, c_begin, start, "accountability")
        if person:
            return person.start(), end, "accountability"
        return None

    if group == "sanction":
        return start, end, "accountability"

    if group == "why":
        who = _original(text, m, "why_who") or _original(text, m, "how_who")
        if who and _who(who, "counterfactual"):
            return start, end, "counterfactual" if m.group("why_who") else "cognitive"
        return None

    if group == "mind":
        return (
            (start, end, "cognitive")
            if _who(_original(text, m, "minder") or "", "cognitive")
            else None
        )

    if group == "door":
        for name in (
            "door_who",
            "lay_who",
            "name_who",
            "head_who",
            "made_who",
            "own_who",
            "named_who",
        ):
            who = _original(text, m, name)
            if who is not None:
                if name == "door_who" and not (
                    re.search(r"(?:door|doorstep|feet)$", m.group())
                    or re.search(
                        r"\b(?:blame|responsibility|fault|liability|culpability|failure|outage|incident|"
                        r"mistake|error|failed|lost|missed|breach|damage|loss)\w*\b",
                        text[c_begin:start],
                        re.IGNORECASE,
                    )
                ):
                    return None
                return (start, end, "accountability") if _who(who, "accountability") else None
        return None

    if group == "watch":
        return (
            (start, end, "accountability")
            if _who(_original(text, m, "watcher"), "accountability")
            else None
        )

    if group in ("thank", "hold"):
        who = _original(text, m, "thanked" if group == "thank" else "held")
        return (start, end, "accountability") if _who(who, "accountability") else None

    if group == "frame":
        words = m.group().lower()
        if _NEGATED.search(before):
            return None
        if re.match(
            r"(?:blame|responsibility|fault|guilt|culpability|accountability)\s+for", words
        ):
            person = _person_at(text, end, "accountability")
            if person:
                return start, person.end(), "accountability"
        if re.match(
            r"(?:falls|fell|lies|lay|rests|rested|sits|sat|lands|landed|belongs|belonged)\b", words
        ) and not re.search(
            r"\b(?:blame|responsibility|fault|outage|incident|failure|downtime|mistake|this|it|"
            r"that|mess|damage|error|breakage)\b",
            text[c_begin:start],
            re.IGNORECASE,
        ):
            return None
        if words.startswith("because of") and not re.match(r"\s*(?:the|a|an|our)?\s*", text[end:]):
            return None
        person = _person_at(text, end, "accountability")
        if (
            person
            and (
                words.endswith(":")  # "Root cause: @ystrand's deploy", "Culprit: Glenn (merged …)"
                or not re.match(r"['’]s?\b", text[person.end() : person.end() + 2])
            )
        ):
            return start, person.end(), "accountability"
        return None

    if group in ("had", "were", "iff"):
        who = _original(
            text, m, f"{'had' if group == 'had' else 'were' if group == 'were' else 'if'}_who"
        )
        if not _who(who, "counterfactual"):
            return None
        if group == "iff":
            if re.search(r"\b(?:as|even|what)\s+$", text[max(s_begin, start - 6) : start].lower()):
                return None
            tail = m.group()[m.end("if_who") - start :].strip().lower()
            if tail.startswith(("were", "was")) and not _IF_STATE.match(tail):
                return None
            if not tail.startswith(("had", "'d", "would have", "could have", "were", "was")):
                rest = re.match(r"[^.!?;]*", text[end : end + 240]).group()  # type: ignore[union-attr]
                if not _PAST_CONSEQUENT.search(rest + " " + text[s_begin:start]):
                    return None
            verb = (m.group("if_verb") or "").lower()
            if re.search(r"\bbeen\s+(?!more|less)", m.group()) or verb in (
                "access",
                "a",
                "an",
                "the",
                "known",
            ):
                return None
        return start, end, "counterfactual"

    if group == "any":
        return start, end, "counterfactual"

    if group == "modal":
        return _modal(text, m, s_begin, c_begin, c_end)

    if group == "deemed":
        by = _BY.search(text, end, c_end)
        if by and _by_person(text, by) and m.group().lower() == "deemed":
            return start, by.end(), "counterfactual"
        return None
    return None


#: "if Amara were more careful": the state that makes 'if ... were' a counterfactual about a person
_IF_STATE = re.compile(
    r"(?:were|was)\s+(?:more|less|paying|not so|not as|careful|attentive|thorough|awake|alert)\b"
)
#: the consequent that makes 'if Amara checked the diff' a counterfactual: "... would have been caught"
_PAST_CONSEQUENT = re.compile(
    r"\b(?:would|could|might)(?: not|n't| never)?(?: have|'ve)\b", re.IGNORECASE
)


#: passives that are plain facts unless demanded: "was removed from the organisation" (fact),
#: "should be removed from the rota" (a sanction)
_FACTUAL_PASSIVE = re.compile(
    r"(?:was|were|is|are|been)\s+(?:removed from|taken off|named|retrained|ashamed|embarrassed)\b",
    re.IGNORECASE,
)
_DEMAND = re.compile(
    r"\b(?:should|must|ought to|deserves? to|needs? to|will|has to|have to|had to|going to|shall)\b(?:\s+\w+)?"
    r"(?:\s+have)?\s*$",
    re.IGNORECASE,
)


def _hypothetical(text: str, c_begin: int, end: int, c_end: int) -> bool:
    """Whether the clause tells a prevention or a possibility, not an act ('so that no one forgets').

    "if a ..." after the words is their object ("forgot to check if a job ran"), not a condition.
    """
    found = _HYPOTHETICAL.search(text, c_begin, c_end)
    return found is not None and (found.start() < end or not found.group().lower().startswith("if"))


def _technical_here(text: str, start: int, end: int, s_begin: int, c_end: int) -> bool:
    for match in _TECHNICAL.finditer(text, max(s_begin, start - 40), min(c_end, end + 60)):
        if match.start() <= start < match.end() or start <= match.start() < end:
            return True
    return False


def _by_person(text: str, by: re.Match[str]) -> bool:
    at = by.group().index("by") + by.start() + 2
    person = _PERSON_HERE.match(text, at)
    return bool(person) and _person_ok(person, "agent")


def _part_person(text: str, after: re.Match[str]) -> bool:
    words = after.group()
    at = after.start() + len(words) - len(words.lstrip())
    for lead in (
        "on the part of",
        "on behalf of",
        "within",
        "among",
        "made by",
        "committed by",
        "introduced by",
        "caused by",
        "on",
        "of",
        "by",
        "from",
    ):
        if words.lstrip().startswith(lead + " "):
            at += len(lead) + 1
            break
    person = _PERSON_HERE.match(text, at)
    return bool(person) and _person_ok(person, "fault")


def _harmful(text: str, m: re.Match[str], c_begin: int, c_end: int) -> bool:
    """Whether a weak act ('deleted', 'pushed') did harm as the clause tells it."""
    clause = text[c_begin:c_end]
    sentence_end = _SENTENCE_END.search(text, c_end).start()  # type: ignore[union-attr]
    if any(
        not re.search(
            r"\b(?:the|a|an|this|that|its|their)\s+$", text[max(c_begin, o.start() - 8) : o.start()]
        )
        for o in _OVERRIDE.finditer(text, c_begin, sentence_end)
    ):
        return (
            True  # "the old cluster while players were still queued on it": harm outweighs cleanup
        )
    if _STRONG_CONSEQUENCE.search(text, m.end(), sentence_end):
        return True  # "…with a stale export, which took their storefront offline"
    if _REPAIR.search(clause):
        return False
    if _DAMAGE.search(clause):
        return True
    if m.group().lower() in _DESTRUCTIVE and _CRITICAL.search(text, m.end(), c_end):
        return True
    # the harm told as what followed: "..., so 140k users talked to staging", "-> 41k subs dropped"
    following = _FOLLOWING_ANYWHERE.search(text, m.end(), sentence_end)
    if following:
        rest = text[following.start() : sentence_end]
        return bool(_CONSEQUENCE.search(rest) or _DAMAGE.search(rest)) and not _REPAIR.search(rest)
    return False


#: what tells harm whatever else the sentence says
_OVERRIDE = re.compile(
    r"\b(?:by accident|accidentally|by mistake|mistakenly|inadvertently|the wrong|a wrong|"
    r"while (?:\w+\s+){0,3}?(?:was|were) still|still (?:in use|serving|needed|used|queued|connected|live|in production)|"
    r"instead of the|not (?:his|her|their) (?:own|local)|(?:our|the) only production)\b",
    re.IGNORECASE,
)
_FOLLOWING_ANYWHERE = re.compile(
    r"(?:[,;]\s*(?:and (?:so |then )?|so |which |so that |therefore |hence )|\s(?:->|→)\s*|\s[—–]\s*|"
    r",\s*(?=causing|leaving|taking|breaking|wiping|locking|knocking|bringing|putting|sending|emptying))",
    re.IGNORECASE,
)
#: what a following clause tells as plain harm, whatever the act looked like
_STRONG_CONSEQUENCE = re.compile(
    r"[,;]\s*(?:and |which |so )?(?:[\w'’-]+\s+){0,6}?(?:took (?:[\w'’-]+\s+){0,4}?(?:offline|down)|went (?:dark|down|offline)|"
    r"lost (?:a|all|every|their|our|two|three|several|\d)|broke|are now bricks|bricked|emptied|corrupted|"
    r"(?:also )?stopped (?:all |every |the )?(?:\w+ )?(?:processing|payments|traffic|deliveries|orders)|"
    r"(?:leaving|left) [\d,.]+ \w+ (?:unbalanced|broken|offline|without))\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|$")
#: what a following clause tells as harm: people or systems losing something
_CONSEQUENCE = re.compile(
    r"\b(?:outage|down|offline|broke|broken|lost|locked out|dropped|rejected|failed|failing|crashed|"
    r"stopped|wrong|corrupt\w*|deleted|wiped|unavailable|could(?: not|n't)|nobody could|no one could|"
    r"every|all (?:of )?(?:the|our)|whole|entire|\d[\d,.]*\s*(?:k|m|%|users|customers|subs|orders|requests|accounts|"
    r"records|devices|people|rows|payments|messages|emails|jobs|hosts|servers|sites|stores|clients|subscribers)|"
    r"filled|removed the|duplicate\w*|failing|went through)\b",
    re.IGNORECASE,
)


_SYSTEM_AGENT = re.compile(
    r"\s+by\s+(?:the\s+|a\s+|an\s+|our\s+)?(?:[\w-]+\s+){0,2}?(?:CI|linter|lint|tests?|test suite|monitoring|"
    r"alert(?:ing)?|canary|canaries|automation|check|checks|pipeline|scanner|tool|tooling|validator|"
    r"validation|schema|type checker|compiler|probe|health ?check|staging|dry[- ]run|script|job|system|"
    r"guardrail|policy|admission controller|webhook|bot|pre-commit|hook|integration tests?|unit tests?|"
    r"load tests?|smoke tests?|e2e|end-to-end tests?|dashboards?|SLOs?|alarms?|detector|rate limiter|"
    r"limits?|quotas?|[\w-]+ing)\b",
    re.IGNORECASE,
)
_HUMAN_PROCESS = re.compile(
    r"\s+(?:in|during|at|before|while|on|by)\s+(?:the\s+|a\s+|our\s+|code\s+|peer\s+)?(?:code\s+|peer\s+|"
    r"change\s+|PR\s+|design\s+)?(?:review|reviews|reviewing|approval|sign-off|signoff|QA|testing|merge|"
    r"merging|the PR|the pull request|pull request|handover|hand-off|standup|planning|triage|the time|"
    r"then|now|the first page|the first alert)\b|\s+before (?:the |it |this )?(?:change |release |deploy |"
    r"deployment |merge |rollout |patch |fix )?(?:went|was|got|reached|shipped|hit|merged|deployed)\b",
    re.IGNORECASE,
)
_INTRANSITIVE = re.compile(
    r"\s*(?:[.,;:!?)]|$|(?:when|after|because|during|at|under|on|in|again|down|into|up|"
    r"the news|the silence|the ice|the glass|ground|even|a record|for|with|away|out|off)\b)",
    re.IGNORECASE,
)
#: the first word of each discovery participle ("picked" of "picked up")
_DISCOVERY_HEADS = frozenset(d.split()[0] for d in lx.DISCOVERY)
#: what people do with a problem once seen: hindsight when the sentence says it came too late
_HANDLING = frozenset(
    [
        "addressed",
        "handled",
        "fixed",
        "escalated",
        "raised",
        "flagged",
        "reviewed",
        "tested",
        "investigated",
        "prioritised",
        "prioritized",
        "followed",
        "dealt",
        "triaged",
        "patched",
        "resolved",
        "reported",
        "chased",
        "actioned",
    ]
)
_SOONER = re.compile(
    r"\s+(?:earlier|sooner|much earlier|long before|before (?:it|this|that|then|the|any|we|customers|users)|"
    r"immediately|at once|right away|first|then|straight away|at the time|in time|weeks ago|days ago|"
    r"months ago)\b"
)
_MORE_CARE = re.compile(
    r"\bwith (?:even )?(?:a (?:little|bit) )?(?:more|better|basic|a minimum of|minimal|some|a bit of|any|a little more|"
    r"a bit more) (?:care|attention|diligence|thought|focus|caution|rigou?r)\b",
    re.IGNORECASE,
)
_NOT_CAUSE_SUBJECT = re.compile(r"\b(?:we|i|you|us)\s*$", re.IGNORECASE)


def _modal(
    text: str, m: re.Match[str], s_begin: int, c_begin: int, c_end: int
) -> tuple[int, int, str] | None:
    start, end = m.start(), m.end()
    participle = m.group("pp").lower()
    if not re.fullmatch(_PARTICIPLE, participle) or participle in ("need", "seen fit", "had"):
        return None
    modal = m.group().split()[0].lower()
    if m.group("been"):
        if participle in ("more", "less") or re.match(
            r"(?:careful|aware|vigilant|thorough|cautious|attentive|"
            r"diligent|alert|awake|paying)",
            participle,
        ):
            person = _subject(text, c_begin, start, "counterfactual")
            return (person.start(), end, "counterfactual") if person else None
        if modal in ("would", "might", "must"):
            return None
        after = text[end:c_end]
        by = re.match(r"\s+by\s+", after)
        if by:
            person = _person_at(text, end + by.end(), "counterfactual")
            if person and not _SYSTEM_AGENT.match(text, end):
                return start, person.end(), "counterfactual"
            return None
        handled = participle in _HANDLING
        if participle not in _DISCOVERY_HEADS and not handled:
            return None
        if _HUMAN_PROCESS.match(text, end):
            return start, end, "counterfactual"
        sooner = _SOONER.match(text, end)
        if (
            (handled and sooner)
            or (not handled and re.match(r"\s*(?:[.,;:!?)]|$)", after))
            or sooner
        ):
            subject = text[max(s_begin, start - 80) : start].lower()
            if _SYSTEM_AGENT.search(" by " + subject.split(" by ")[-1]) and " by " in subject:
                return None
            if re.search(
                r"\b(?:this|it|that|(?:the|an?|this|that) (?:\w+\s+)?(?:bug|change|mistake|typo|error|problem|issue|"
                r"regression|misconfiguration|diff|pr|pull request|patch|commit|flaw|omission|gap|"
                r"oversight|typo|query|migration|config|setting)(?:\s+(?:which|that))?)\s*$",
                subject.strip() + " ",
            ) or re.search(r"\b(?:this|it|that)\s*$", subject.strip()):
                return start, end, "counterfactual"
        return None
    if modal in ("would", "could") and _MORE_CARE.search(text, s_begin, start):
        person = _subject(text, c_begin, start, "counterfactual", modal=True)
        if person:
            return person.start(), end, "counterfactual"
    if (
        modal == "would"
        and participle
        in ("prevented", "avoided", "stopped", "caught", "spotted", "noticed", "saved")
        and re.search(r"\b(?:just|simply|only) by\b|\bby (?:just|simply)\b", text[end : end + 60])
    ):
        person = _subject(text, c_begin, start, "counterfactual", modal=True)
        if person:
            return (
                person.start(),
                end,
                "counterfactual",
            )  # "Thilini would have prevented it just by …"
    if modal in ("would", "might", "must"):
        return None
    if modal == "could" and participle not in (
        "prevented",
        "avoided",
        "stopped",
        "caught",
        "spotted",
        "noticed",
        "known",
        "seen",
        "checked",
        "asked",
        "waited",
        "told",
        "warned",
    ):
        return None
    person = _subject(text, c_begin, start, "counterfactual") or _coordinated_subject(
        text, s_begin, c_begin, start, "counterfactual"
    )
    if person and not _NOT_CAUSE_SUBJECT.search(text[person.start() : person.end()]):
        return person.start(), end, "counterfactual"
    return None


def write_starts() -> None:
    """Write :data:`STARTS`: where each expression can begin, as :class:`Dispatch` reads it."""
    import json
    from pathlib import Path

    table = {}
    for alternative in alternatives():
        found = starts(alternative, DEPTH)
        if found is not None:
            table[fingerprint(alternative, DEPTH)] = sorted(found)
    path = Path(__file__).with_name(STARTS)
    path.write_text(json.dumps(table, indent=0, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_starts()
