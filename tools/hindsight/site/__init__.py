"""The archive site: an MkDocs plugin over Material."""
