"""Broken storage as one sentence: what the CLI says when the database or the disk fails.

Every command runs inside :func:`storage_errors` (see :func:`tournament.cli.app.main`): an
error of the database driver (a file that is not an SQLite database, a damaged one, a server
that does not answer, a full or read-only disk) and a full or read-only file system become one
line on stderr naming the database or path, with exit code 1; nothing is half-written, because
every store write is one transaction.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError

from tournament.errors import UserError

FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}


class StorageError(UserError):
    """The database or the disk failed (not the user's input): exit code 1."""

    exit_code = 1


def storage_sentence(url: str, error: BaseException) -> str:
    """One sentence for ``error`` from the database at ``url`` or from the file system."""
    from tournament.store.readonly import database_name, unreadable

    if isinstance(error, DBAPIError):
        detail = str(error.orig if error.orig is not None else error).strip().splitlines()[0]
        lowered = detail.lower()
        if "disk is full" in lowered or "no space left" in lowered:
            return (
                f"could not write to {database_name(url)}: the disk is full ({detail}); this "
                "command stored nothing. Free some space and run it again."
            )
        if "readonly" in lowered or "read-only" in lowered:
            return (
                f"could not write to {database_name(url)}: it is read-only ({detail}); this "
                "command stored nothing."
            )
        return unreadable(url, error).problems[0]
    assert isinstance(error, OSError)
    where = f" {error.filename}" if error.filename else ""
    if error.errno in FULL_ERRNOS:
        return f"could not write{where}: the disk is full ({error.strerror}); free some space."
    return f"could not write{where}: {error.strerror} (a read-only or protected location)."


@contextmanager
def storage_errors(url: str) -> Iterator[None]:
    """Turn database and disk failures inside the block into :class:`StorageError`."""
    try:
        yield
    except DBAPIError as error:
        raise StorageError(storage_sentence(url, error)) from None
    except OSError as error:
        if error.errno not in FULL_ERRNOS | READ_ONLY_ERRNOS:
            raise
        raise StorageError(storage_sentence(url, error)) from None
