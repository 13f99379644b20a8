"""What the hindsight plugin costs over a plain MkDocs build of the same postmortems.

    python benchmarks/site_speed.py [--incidents 1000 5000] [--runs 1]

For each size, generates an archive (benchmarks/generate.py) and builds it twice with
MkDocs and Material, search on, in fresh processes:

- plugin: the archive as it is, ``plugins: [search, hindsight]``: incident pages with card
  and timeline, index and facet pages, services, action items, figures, rule reference;
- floor: every postmortem.md copied into ``docs/incidents/`` as a plain page (not in the
  nav, as the SPEC requires at this scale), beside the archive's own ``docs/``, with its
  ``mkdocs.yml`` (theme, features, the same nav, whose generated entries become one-line
  pages) minus the hindsight plugin.
  What is left between the two is what the plugin costs.

Prints wall time, the ratio, the search index size and ratio, and the site size.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402



def build(root: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one ``mkdocs build`` in ``root``, in a fresh process."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet"], cwd=root, env=env,
                   check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def fastest(floor: Path, archive: Path, runs: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """The fastest (wall, CPU) of each build over ``runs`` rounds, the two builds taking turns.

    Taking turns spreads the machine's slow moments over both; the fastest run is the one
    least disturbed. CPU time (user + system) is steadier than wall time on a shared virtual
    machine, so both are printed.
    """
    floors, plugins = [], []
    for _ in range(runs):
        floors.append(build(floor))
        plugins.append(build(archive))
    return ((min(w for w, _ in floors), min(c for _, c in floors)),
            (min(w for w, _ in plugins), min(c for _, c in plugins)))


def size(path: Path) -> int:
    """Bytes of a file, or of every file under a folder."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def floor_archive(archive: Path, floor: Path) -> None:
    """The same postmortems as plain MkDocs pages, under the same theme and nav."""
    docs = floor / "docs"
    shutil.copytree(archive / "docs", docs)  # the archive's own pages (home, guide) as they are
    (docs / "incidents").mkdir(parents=True)
    for folder in (archive / "incidents").glob("20*"):
        shutil.copy(folder / "postmortem.md", docs / "incidents" / f"{folder.name}.md")
    config = (archive / "mkdocs.yml").read_text()
    for page in re.findall(r"^ +- [^:]+: (\S+\.md)$", config, re.M):
        if not (docs / page).exists():
            (docs / page).parent.mkdir(parents=True, exist_ok=True)
            (docs / page).write_text(f"# {page}\n\nA plain page.\n")
    config = config.replace("  - hindsight\n", "") + "not_in_nav: |\n  /incidents/20*\n"
    (floor / "mkdocs.yml").write_text(config)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    print(f"{'incidents':>9} {'floor s':>8} {'plugin s':>8} {'ratio':>6} {'floor cpu':>9} "
          f"{'plugin cpu':>10} {'ratio':>6} {'floor idx MB':>12} {'plugin idx MB':>13} {'ratio':>6} "
          f"{'site MB':>8}")
    for count in args.incidents:
        with tempfile.TemporaryDirectory(prefix="hindsight-site-") as tmp:
            archive, floor = Path(tmp) / "archive", Path(tmp) / "floor"
            generate(archive, count)
            floor_archive(archive, floor)
            (floor_s, floor_cpu), (plugin_s, plugin_cpu) = fastest(floor, archive, args.runs)
            floor_idx = size(floor / "site" / "search" / "search_index.json")
            plugin_idx = size(archive / "site" / "search" / "search_index.json")
            print(f"{count:>9} {floor_s:>8.1f} {plugin_s:>8.1f} {plugin_s / floor_s:>6.2f} "
                  f"{floor_cpu:>9.1f} {plugin_cpu:>10.1f} {plugin_cpu / floor_cpu:>6.2f} "
                  f"{floor_idx / 1e6:>12.1f} {plugin_idx / 1e6:>13.1f} {plugin_idx / floor_idx:>6.2f} "
                  f"{size(archive / 'site') / 1e6:>8.0f}", flush=True)


if __name__ == "__main__":
    main()
