"""Errors that stop a command: usage, configuration and I/O. Exit code 2."""

from __future__ import annotations

import click


class HindsightError(click.ClickException):
    """A problem the user can fix; shown as one message, never a traceback."""

    exit_code = 2

    def show(self, file: object = None) -> None:
        """Print ``hindsight: error: …`` to standard error."""
        from hindsight.terminal import echo

        echo(f"hindsight: error: {self.format_message()}", err=True)


class ConfigError(HindsightError):
    """``hindsight.yml`` is unreadable or invalid; the message lists every problem."""
