"""Generate a realistic archive of N incidents, deterministically, for the benchmarks.

    python benchmarks/generate.py DEST --incidents 10000

Each incident has full front matter, a postmortem of about 4 KB with every required
section, an action-item table and a 10-30 line timeline, in the shape `hindsight new`
produces. A seed makes the archive the same on every run.
"""

from __future__ import annotations

import argparse
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hindsight.scaffold import init_archive

SERVICES = [
    "checkout-api",
    "payments-db",
    "search",
    "auth",
    "orders",
    "email",
    "cdn",
    "inventory",
    "billing",
    "notifications",
    "gateway",
    "reports",
]
PEOPLE = ["dana", "lee", "sam", "priya", "tomas", "kenji", "ines", "ruth"]
CAUSES = [
    "a connection-pool change reduced the pool to a quarter of its size on the new hosts",
    "a certificate expired because renewal was a manual step with no reminder",
    "a schema migration took a lock on the orders table for eleven minutes",
    "a cache key format changed and every request missed the cache",
    "a DNS change removed the record for the regional endpoint",
    "a retry loop without back-off amplified a short outage of the payment provider",
]
PARAGRAPH = (
    "The service depended on {svc} for every request, and nothing limited how long it waited. "
    "When {cause}, requests queued behind the slow calls and the error rate rose to {pct}% "
    "within {mins} minutes. Alerts fired on the error rate, and the responders followed the "
    "runbook for the service, which pointed at the database first.\n"
)


def postmortem(n: int, rng: random.Random, incident_id: str, signed: str, status: str) -> str:
    """The text of one postmortem.md."""
    svc = rng.sample(SERVICES, 2)
    author, reviewer, commander = rng.sample(PEOPLE, 3)
    sev = rng.choice([1, 2, 2, 3, 3, 3, 4])
    cause = rng.choice(CAUSES)
    approvals = f"[{{by: {reviewer}, date: {signed}}}]" if status == "approved" else "[]"
    body = "".join(
        PARAGRAPH.format(svc=svc[1], cause=cause, pct=rng.randint(2, 60), mins=rng.randint(2, 50))
        for _ in range(3)
    )
    rows = "".join(
        f"| Action {k} for {svc[0]}: add a guard and an alert | {rng.choice(PEOPLE)} | "
        f"2027-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} | PLAT-{n * 10 + k} | "
        f"{rng.choice(['open', 'done', 'done', 'wontfix'])} |\n"
        for k in range(rng.randint(2, 6))
    )
    return f"""---
id: {incident_id}
title: {svc[0].title()} errors after {cause.split(" ")[1]} change {n}
status: {status}  # investigating | draft | in-review | approved
severity: SEV{sev}
visibility: {"restricted" if n % 97 == 0 else "internal"}
services: [{svc[0]}, {svc[1]}]
tags: [generated, {cause.split(" ")[1]}]
commander: {commander}
authors: [{author}]
reviewers: [{reviewer}]
approvals: {approvals}
customer_facing: true
data_loss: false
related: []
---

# {svc[0].title()} errors

## Summary

For {rng.randint(10, 300)} minutes, {svc[0]} returned errors to {rng.randint(2, 40)}% of requests after {cause}.

## Impact

{rng.randint(100, 90000):,} requests failed and {rng.randint(10, 900)} orders were delayed over {rng.randint(10, 300)} minutes.

## Timeline

<!-- The site shows timeline.log here. -->

## Root cause

{body}
## Resolution

The change was rolled back, and the error rate returned to its baseline within {rng.randint(2, 20)} minutes.

## Action items

| Action | Owner | Due | Ticket | Status |
| --- | --- | --- | --- | --- |
{rows}
## Lessons learned

### What went well

The rollback was quick and the runbook was right about the first step.

### What went wrong

The alert fired on errors, not on the latency that came first.
"""


def timeline(rng: random.Random, incident_id: str, start: datetime) -> str:
    """The text of one timeline.log."""
    lines = [f"# Timeline of {incident_id}. One event a line: TIME [milestone] text"]
    moment = start
    marks = ["start", "detected", "acknowledged", "mitigated", "resolved"]
    for k in range(rng.randint(10, 30)):
        moment += timedelta(minutes=rng.randint(1, 12))
        mark = (
            f"[{marks.pop(0)}] "
            if marks and (k % 4 == 0 or k > 20)
            else rng.choice(["", "", "[comms] "])
        )
        lines.append(
            f"{moment:%Y-%m-%dT%H:%MZ} {mark}Event {k}: responders checked the dashboards and logs"
        )
    for mark in marks:
        moment += timedelta(minutes=5)
        lines.append(f"{moment:%Y-%m-%dT%H:%MZ} [{mark}] Closing event")
    return "\n".join(lines) + "\n"


def generate(root: Path, count: int, seed: int = 7) -> list[str]:
    """Write an archive of ``count`` incidents under ``root``; return their ids."""
    init_archive(root, git=False)
    rng = random.Random(seed)
    ids = []
    base = datetime(2019, 1, 1, tzinfo=timezone.utc)
    for n in range(count):
        start = base + timedelta(hours=n * 7 + rng.randint(0, 6))
        incident_id = f"{start:%Y-%m-%d}-generated-incident-{n}"
        status = (
            "approved" if n < count - 3 else ["investigating", "draft", "in-review"][count - 1 - n]
        )
        folder = root / "incidents" / incident_id
        folder.mkdir()
        (folder / "postmortem.md").write_text(
            postmortem(n, rng, incident_id, f"{start + timedelta(days=7):%Y-%m-%d}", status)
        )
        (folder / "timeline.log").write_text(timeline(rng, incident_id, start))
        ids.append(incident_id)
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--incidents", type=int, default=1000)
    args = parser.parse_args()
    generate(args.dest, args.incidents)
    print(f"{args.incidents} incidents in {args.dest}")


if __name__ == "__main__":
    main()
