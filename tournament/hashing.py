"""Canonical JSON and its sha256: the one way Tourney turns data into an identity.

Every content hash of structured data (a submission's ``config_hash``, a rules set's and a
round spec's ``sha256``, search settings' fingerprint, runtime artifact cache keys) is
:func:`sha256_of` of the data, so equal data has equal hashes wherever it is computed.

The canonical form is fixed: keys sorted, no whitespace (``separators=(",", ":")``), non-ASCII
escaped (``ensure_ascii``), as :func:`json.dumps` writes it. Changing it changes every stored
hash: never do.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any


def canonical_json(data: Any, *, default: Callable[[Any], Any] | None = None) -> str:
    """``data`` as canonical JSON text: equal data gives equal text.

    Args:
        data: A JSON-serialisable value (mappings, sequences, strings, numbers, booleans,
            None).
        default: Called for a value JSON cannot represent, as in :func:`json.dumps`; without
            it such a value raises ``TypeError``. Pass ``str`` only for data whose non-JSON
            values have a stable ``str`` (versions, paths).
    """
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=default)


def sha256_of(data: Any, *, default: Callable[[Any], Any] | None = None) -> str:
    """Hex sha256 of :func:`canonical_json` of ``data`` (UTF-8)."""
    return hashlib.sha256(canonical_json(data, default=default).encode()).hexdigest()
