"""A database whose disk fills up on demand: a real tmpfs where this process may mount one,
else SQLite's own page limit. Both end a write the same way: SQLITE_FULL, "database or disk is
full"; the tmpfs by a real ENOSPC from the kernel, the page limit inside SQLite."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from tournament.store import Store

SPARE_BYTES = 32 * 1024
"""Room left on a full tmpfs: a small status update fits, a result with its latencies not."""
_NO_LIMIT = 4294967294


class FullDisk:
    """The store's database on a disk that :meth:`fill` fills and :meth:`free` frees."""

    mechanism: str
    url: str

    def fill(self, store: Store) -> None:
        """From now on, writes that need more room fail with SQLITE_FULL."""
        raise NotImplementedError

    def free(self, store: Store) -> None:
        """Room again."""
        raise NotImplementedError

    def close(self) -> None:
        """Release what :meth:`__init__` set up."""

    @staticmethod
    def integrity(store: Store) -> str:
        """``PRAGMA integrity_check`` of the store's database ("ok" when intact)."""
        with store.engine.connect() as connection:
            return str(connection.execute(text("PRAGMA integrity_check")).scalar())


class TmpfsDisk(FullDisk):
    """A 16 MiB tmpfs mounted for the test; filled with a ballast file but for SPARE_BYTES."""

    mechanism = "tmpfs (ENOSPC)"

    def __init__(self, root: Path) -> None:
        self.root, self.url = root, f"sqlite:///{root / 'full.db'}"
        self.ballast = root / "ballast"

    @classmethod
    def mount(cls, folder: Path) -> TmpfsDisk | None:
        """A mounted disk, or None where mounting is not allowed (not root, no mount(8))."""
        if os.geteuid() != 0 or shutil.which("mount") is None:
            return None
        root = folder / "disk"
        root.mkdir()
        command = ["mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", str(root)]
        if subprocess.run(command, capture_output=True).returncode != 0:
            return None
        return cls(root)

    def fill(self, store: Store) -> None:
        fd = os.open(self.ballast, os.O_CREAT | os.O_WRONLY | os.O_APPEND)
        try:
            for block in (1 << 20, 4096):
                _write_until_full(fd, block)
            os.ftruncate(fd, max(0, os.fstat(fd).st_size - SPARE_BYTES))
        finally:
            os.close(fd)

    def free(self, store: Store) -> None:
        self.ballast.unlink(missing_ok=True)

    def close(self) -> None:
        subprocess.run(["umount", "-l", str(self.root)], capture_output=True)


def _write_until_full(fd: int, block: int) -> None:
    chunk = b"\xa5" * block
    while True:
        try:
            os.write(fd, chunk)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
            return


class PageLimitDisk(FullDisk):
    """SQLite's ``max_page_count`` set to the database's current size on every connection."""

    mechanism = "SQLite max_page_count (SQLITE_FULL)"

    def __init__(self, folder: Path) -> None:
        self.url = f"sqlite:///{folder / 'full.db'}"
        self.full = False
        self._engines: list[Any] = []

    def fill(self, store: Store) -> None:
        self.full = True
        if store.engine not in self._engines:
            event.listen(store.engine, "checkout", self._on_checkout)
            self._engines.append(store.engine)

    def free(self, store: Store) -> None:
        self.full = False

    def _on_checkout(self, dbapi_connection: Any, record: Any, proxy: Any) -> None:
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0] if self.full else _NO_LIMIT
        cursor.execute(f"PRAGMA max_page_count={pages}")
        cursor.close()


def make_full_disk(folder: Path) -> FullDisk:
    """A tmpfs where possible (``TOURNEY_TEST_DISK=page-limit`` forces the other)."""
    if os.environ.get("TOURNEY_TEST_DISK") != "page-limit":
        disk = TmpfsDisk.mount(folder)
        if disk is not None:
            return disk
    return PageLimitDisk(folder)
