"""Errors a user can cause. Each carries one clear sentence per problem; never a traceback."""

from __future__ import annotations

from collections.abc import Iterable


class UserError(Exception):
    """A mistake in the user's input: printed as one line per problem, exit code 2.

    ``problems`` are complete sentences, each naming the file or field and what was expected.
    """

    exit_code = 2

    def __init__(self, problems: str | Iterable[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


class NotFoundError(UserError, LookupError):
    """A name or id the user gave does not exist (also a ``LookupError``)."""


class StateError(UserError):
    """The action is not allowed in the current state (e.g. submitting to a closed round)."""


class PluginError(UserError):
    """A plugin does not load (import error, wrong type) or two distributions claim one name."""
