"""The ``hindsight`` MkDocs plugin: turns ``incidents/`` into site pages without copying files.

For now it publishes one generated page, the list of published incidents. Restricted
incidents, and any whose visibility cannot be read, never reach it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files

from hindsight.site import pages

log = get_plugin_logger(__name__)


class HindsightPlugin(BasePlugin):  # type: ignore[type-arg]
    """Wire MkDocs events to the page functions in :mod:`hindsight.site.pages`."""

    def on_files(self, files: Files, /, *, config: MkDocsConfig, **_: Any) -> Files:
        """Add the generated incident pages."""
        from hindsight.config import load_settings
        from hindsight.errors import HindsightError
        from hindsight.load.incident import load_incident
        from hindsight.paths import discover

        root = Path(config.config_file_path).parent
        try:
            settings = load_settings(root)
        except HindsightError as exc:
            from mkdocs.exceptions import PluginError

            raise PluginError(exc.format_message()) from None
        loaded = [load_incident(folder, settings) for folder in discover(settings)]
        published = [li.incident for li in loaded if li.incident and pages.published(li.incident, settings)]
        files.append(File.generated(config, "incidents/index.md", content=pages.incident_list(published)))
        return files
