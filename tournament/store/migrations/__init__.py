"""Alembic environment of the store (a package so that it ships with the distribution)."""
