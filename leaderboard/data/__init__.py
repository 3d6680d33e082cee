"""Read-only access to the store: which database, whether it has data, queries, caching."""
