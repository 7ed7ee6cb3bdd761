"""The retry policy: the only one in force (the SDKs' own retries are turned off).

Exponential backoff with jitter, Retry-After honoured, at most `max_attempts` attempts, and
only while nothing has been shown to the user: once a token has arrived, a retry would either
duplicate text or silently replace it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from desktop_chat.domain.errors import ChatError


@dataclass
class RetryPolicy:
    max_attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_retry_after: float = 300.0  # a server asking for more than this is not worth waiting on silently
    rng: random.Random = field(default_factory=random.Random)

    def should_retry(self, error: ChatError, attempt: int, text_received: bool) -> bool:
        if text_received or not error.retryable or attempt >= self.max_attempts:
            return False
        return error.retry_after is None or error.retry_after <= self.max_retry_after

    def delay(self, error: ChatError, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        if error.retry_after is not None:
            return error.retry_after
        backoff = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        # "Equal jitter": at least half the backoff, so retries never bunch up at zero.
        return backoff / 2 + self.rng.uniform(0, backoff / 2)
