"""Bounded retries with exponential backoff, for requests to SPARQL servers (`kg publish`, `kg query --endpoint`).

A request that fails in a way that may pass — the connection is refused, reset or cut part-way, the answer
is incomplete, or the server answers 500, 502, 503 or 504 — is sent again after ``backoff`` seconds, then
twice that, and so on (at most ``MAX_DELAY`` seconds apart), ``retries`` times at most; then the last failure
is reported (exit 4). Only requests that may safely be repeated are retried: reads, and Graph Store PUTs and
DELETEs, which replace rather than add. A SPARQL Update is sent once, unless the connection was refused
(then it never reached the server).

The defaults can be changed with the environment, e.g. for tests or a flaky network::

    KG_HTTP_RETRIES=0        # no retries
    KG_HTTP_BACKOFF=0.05     # seconds before the first retry

    >>> RetryPolicy(retries=3, backoff=0.5).delays()
    [0.5, 1.0, 2.0]
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from kg.errors import UsageError

DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 0.5
MAX_DELAY = 10.0
# Answers worth another try: the server failed, or a proxy in front of it could not reach it.
RETRY_STATUS = frozenset({500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF

    @property
    def attempts(self) -> int:
        return self.retries + 1

    def delay(self, attempt: int) -> float:
        """Seconds to wait before attempt number ``attempt`` (0 is the first; it has no wait)."""
        return 0.0 if attempt <= 0 else min(MAX_DELAY, self.backoff * 2 ** (attempt - 1))

    def delays(self) -> list[float]:
        return [self.delay(a) for a in range(1, self.attempts)]


def policy(*, retries: int | None = None, backoff: float | None = None) -> RetryPolicy:
    """The given values, else ``KG_HTTP_RETRIES`` / ``KG_HTTP_BACKOFF``, else the defaults."""
    return RetryPolicy(
        retries=retries if retries is not None else _env("KG_HTTP_RETRIES", DEFAULT_RETRIES, int, 0, 20),
        backoff=backoff if backoff is not None else _env("KG_HTTP_BACKOFF", DEFAULT_BACKOFF, float, 0.0, 60.0),
    )


def _env(name: str, default, kind, low, high):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise UsageError(f"{name}={raw!r}: expected a number from {low} to {high}")
    return value
