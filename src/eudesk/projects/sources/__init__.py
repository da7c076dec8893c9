"""One importer module per source of past projects; each yields ProjectRecord objects (see projects.schemas)."""
