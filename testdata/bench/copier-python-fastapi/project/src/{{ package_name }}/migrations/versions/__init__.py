"""The revisions, oldest first (Alembic reads their files, not this package)."""
