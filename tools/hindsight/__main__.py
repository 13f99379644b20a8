"""Run Hindsight as ``python -m hindsight``."""

from hindsight.cli import main

raise SystemExit(main())
