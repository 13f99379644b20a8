"""Hindsight: git-backed, docs-as-code postmortems."""

__version__ = "0.1.0"
