"""Alembic's migrations of the items table: one history for SQLite and PostgreSQL."""
