"""The KgError tree. Each error knows its exit code; the CLI turns them into messages.

Exit codes (documented in the README and ``kg --help``):

==  =====================================================
0   ok
1   data does not conform / a check failed
2   usage error
3   unreadable or invalid input
4   SPARQL endpoint or network error
70  internal error (a bug: please report it)
==  =====================================================
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_NONCONFORMING = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_ENDPOINT = 4
EXIT_INTERNAL = 70


class KgError(Exception):
    """Base of every expected error. ``str(err)`` is the whole message for the user."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class UsageError(KgError):
    """The user asked for something that cannot be done as asked."""

    exit_code = EXIT_USAGE


class InputError(KgError):
    """An input file is missing, unreadable or invalid. Names the file and the place."""

    exit_code = EXIT_INPUT

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        where = ""
        if path is not None:
            where = str(path)
            if line is not None:
                where += f":{line}"
                if column is not None:
                    where += f":{column}"
            where += ": "
        super().__init__(where + message, hint=hint)
        self.path = path
        self.line = line
        self.column = column


class ConfigError(InputError):
    """The configuration file is invalid."""


class NotConformingError(KgError):
    """Data does not conform to the shapes, or a check failed."""

    exit_code = EXIT_NONCONFORMING


class EndpointError(KgError):
    """A SPARQL endpoint or the network failed or answered badly."""

    exit_code = EXIT_ENDPOINT


class StoreError(KgError):
    """The store is missing, locked or corrupt."""

    exit_code = EXIT_INPUT
