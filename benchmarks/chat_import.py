"""Speed and peak memory of ``hindsight log --from-chat`` on a generated Slack export.

Generates an archive with one incident and a Slack channel export of N messages over three
days (about 1 in 20 pinned; threads, edits, mentions, links, files, alert and other bots,
joins, and a few secrets), then runs the real command R times for each case and prints the
median wall time and the peak memory (max RSS of the child). Usage:

    python benchmarks/chat_import.py [--messages 50000] [--runs 5] [--keep DIR]

With --keep the archive and export stay in DIR, to time them with farm-bench, e.g.
    farm-bench -n 5 -- sh -c 'cd DIR/archive && exec hindsight log --from-chat ../export --all --dry-run'
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hindsight.scaffold import init_archive

START = 1795269600  # 2026-11-21T10:00Z
WORDS = ("checkout", "pool", "latency", "deploy", "rollback", "p95", "errors", "database", "cache")


def generate(root: Path, count: int) -> Path:
    """An archive with one incident, and ``export/`` holding one channel of ``count`` messages."""
    archive = root / "archive"
    init_archive(archive, git=False)
    folder = archive / "incidents" / "2026-11-21-checkout-down"
    folder.mkdir(parents=True)
    (folder / "postmortem.md").write_text(
        "---\nid: 2026-11-21-checkout-down\ntitle: Checkout down\nstatus: investigating\n"
        "severity: SEV2\nvisibility: internal\ncommander: user1\n---\n\n# Checkout down\n"
    )
    (folder / "timeline.log").write_text("# Timeline\n2026-11-21T10:00Z [start] Deploy 4812\n")
    rng = random.Random(22)
    users = [
        {"id": f"U{i}", "name": f"user{i}", "profile": {"display_name": f"User {i}"}}
        for i in range(60)
    ]
    export = root / "export"
    channel = export / "inc-checkout"
    channel.mkdir(parents=True)
    (export / "users.json").write_text(json.dumps(users))
    days: dict[str, list[dict[str, object]]] = {}
    for n in range(count):
        ts = START + n * 4  # 50,000 messages over about 2.3 days
        day = time.strftime("%Y-%m-%d", time.gmtime(ts))
        days.setdefault(day, []).append(_message(rng, n, ts))
    for day, messages in days.items():
        (channel / f"{day}.json").write_text(json.dumps(messages, indent=4))
    return archive


def _message(rng: random.Random, n: int, ts: int) -> dict[str, object]:
    user = f"U{rng.randrange(60)}"
    text = " ".join(rng.choices(WORDS, k=rng.randrange(4, 30)))
    item: dict[str, object] = {
        "type": "message",
        "user": user,
        "text": text,
        "ts": f"{ts}.{n % 1000000:06d}",
    }
    roll = rng.random()
    if roll < 0.02:
        item.update(subtype="channel_join", text=f"<@{user}> has joined the channel")
    elif roll < 0.05:
        item.update(
            subtype="bot_message", bot_id="B1", username="PagerDuty" if roll < 0.03 else "Standup"
        )
    elif roll < 0.10:
        item["text"] = (
            f"<@U{rng.randrange(60)}> see <https://grafana.example.com/d/{n}|the dashboard> :eyes:"
        )
    elif roll < 0.12:
        item["files"] = [{"name": f"graph-{n}.png", "title": f"graph {n}"}]
    elif roll < 0.13:
        item["text"] = text + " token ghp_" + "CanaryHindsightFake0123456789abcdefg"
    if rng.random() < 0.2:
        item["thread_ts"] = f"{ts - 40}.000000"
    if rng.random() < 0.05:
        item["reactions"] = [{"name": "pushpin", "users": [user], "count": 1}]
    if rng.random() < 0.03:
        item["edited"] = {"user": user, "ts": f"{ts + 5}.000000"}
    return item


def run(archive: Path, args: list[str], runs: int, original: bytes) -> tuple[float, float, str]:
    """Median wall seconds and peak MiB of ``hindsight log --from-chat ../export ARGS``."""
    timeline = archive / "incidents" / "2026-11-21-checkout-down" / "timeline.log"
    walls, peaks, last = [], [], ""
    env = {**os.environ, "HINDSIGHT_NOW": "2026-11-24T00:00Z", "TZ": "UTC"}
    for _ in range(runs):
        timeline.write_bytes(original)
        code = (
            "import resource, sys, time\nfrom hindsight.cli import main\n"
            f"t = time.perf_counter(); rc = main({['log', '--from-chat', '../export', *args]!r})\n"
            "w = time.perf_counter() - t\n"
            "print('BENCH', w, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, rc, file=sys.stderr)\n"
        )
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", code],
            cwd=archive,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        walls.append(time.perf_counter() - start)
        bench = next(line for line in proc.stderr.splitlines() if line.startswith("BENCH"))
        peaks.append(int(bench.split()[2]) / 1024)
        last = proc.stdout.splitlines()[0] if proc.stdout else proc.stderr[-300:]
    return statistics.median(walls), max(peaks), last


def main() -> None:
    """Generate, time each case, print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=50000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path)
    options = parser.parse_args()
    root = options.keep or Path(tempfile.mkdtemp(prefix="hindsight-chat-"))
    archive = generate(root, options.messages)
    timeline = archive / "incidents" / "2026-11-21-checkout-down" / "timeline.log"
    original = timeline.read_bytes()
    size = sum(p.stat().st_size for p in (root / "export").rglob("*.json")) / 2**20
    print(
        f"{options.messages} messages, {size:.1f} MiB of JSON; median of {options.runs} runs, whole process"
    )
    for label, args in (
        ("pinned (default)", []),
        ("pinned, --dry-run", ["--dry-run"]),
        ("--all (every message written)", ["--all"]),
        ("--all again (all already there)", ["--all"]),
    ):
        if label.startswith("--all again"):  # the timeline now holds every event once
            original = timeline.read_bytes()
        wall, peak, first = run(archive, args, options.runs, original)
        print(f"  {label:32} {wall:6.2f} s  peak {peak:6.0f} MiB   {first[:70]}")
    if not options.keep:
        import shutil

        shutil.rmtree(root)


if __name__ == "__main__":
    main()
