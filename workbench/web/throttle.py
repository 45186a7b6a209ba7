"""Back-off for failed sign-ins: after ``free`` failures of one user name, or from one address, every
further attempt waits ``base * 2**(failures - free)`` seconds (capped at ``cap``) after the last failure.

While waiting, an attempt is refused without checking the password (the right one too), so guessing
costs time. A success clears the user's and the address's count.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("workbench.signin")


class LoginThrottle:
    """Failure counts per user name and per address (see the module docstring).

    Examples
    --------
    >>> now = [0.0]
    >>> throttle = LoginThrottle(free=2, base=1.0, cap=4.0, clock=lambda: now[0])
    >>> for _ in range(2):
    ...     throttle.failed("ann", "10.0.0.1")
    >>> throttle.wait("ann", "10.9.9.9"), throttle.wait("bob", "10.0.0.1"), throttle.wait("bob", "10.9.9.9")
    (1.0, 1.0, 0.0)
    >>> now[0] = 1.0; throttle.wait("ann", "10.9.9.9")
    0.0
    >>> for _ in range(5):
    ...     throttle.failed("ann", "10.0.0.1")
    >>> throttle.wait("ann", "x")  # 7 failures: 1 * 2**5 = 32, capped at 4
    4.0
    >>> throttle.succeeded("ann", "10.0.0.1"); throttle.wait("ann", "10.0.0.1")
    0.0
    """

    def __init__(self, *, free: int = 5, base: float = 1.0, cap: float = 300.0,
                 clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000):
        self.free, self.base, self.cap, self.clock, self.max_keys = free, base, cap, clock, max_keys
        self._failures: dict[str, tuple[int, float]] = {}  # key -> (count, time of the last failure)
        self._lock = threading.Lock()

    def _delay(self, key: str) -> float:
        count, last = self._failures.get(key, (0, 0.0))
        if count < self.free:
            return 0.0
        delay = min(self.cap, self.base * 2 ** (count - self.free))
        return max(0.0, last + delay - self.clock())

    def wait(self, user: str, address: str) -> float:
        """Seconds before ``user`` may try again from ``address`` (0: now)."""
        with self._lock:
            return max(self._delay(f"user:{user}"), self._delay(f"addr:{address}"))

    def failed(self, user: str, address: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._failures) >= self.max_keys:  # bounded memory: forget the oldest failures
                for key, _ in sorted(self._failures.items(), key=lambda kv: kv[1][1])[: self.max_keys // 10]:
                    del self._failures[key]
            for key in (f"user:{user}", f"addr:{address}"):
                count, _ = self._failures.get(key, (0, 0.0))
                self._failures[key] = (count + 1, now)
                if count + 1 >= self.free:
                    log.warning("sign-in: %d failures for %s; next attempt in %.0f s", count + 1, key,
                                min(self.cap, self.base * 2 ** (count + 1 - self.free)))

    def succeeded(self, user: str, address: str) -> None:
        with self._lock:
            self._failures.pop(f"user:{user}", None)
            self._failures.pop(f"addr:{address}", None)
