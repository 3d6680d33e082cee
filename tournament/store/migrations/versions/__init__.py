"""Revisions of the store's schema, oldest first (alembic skips this file)."""
