"""Alembic environment: runs the store's migrations on the connection the caller provides.

:func:`tournament.store.migrate.upgrade` opens the connection (holding the write lock, so that
two processes migrating at once run one after the other) and passes it in
``config.attributes["connection"]``. Offline (``--sql``) mode renders SQL for
``sqlalchemy.url``'s dialect. The version table is ``tourney_alembic_version``: Optuna keeps its
own ``alembic_version`` in the same database.
"""

from __future__ import annotations

from alembic import context

from tournament.store.migrate import context_options


def run_offline() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("offline migrations need sqlalchemy.url in the alembic config")
    dialect = url.split(":", 1)[0].split("+", 1)[0]
    context.configure(url=url, literal_binds=True, **context_options(dialect))
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("use tournament.store.migrate.upgrade(), which passes a connection")
    context.configure(connection=connection, **context_options(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
