"""The simulated clock: `scale` simulated seconds pass per real second.

An anchor (simulated time, real time, scale) is kept in the database, so the
clock continues across restarts on the same file, downtime included.
"""

from __future__ import annotations

import time


def real_now_us() -> int:
    return time.time_ns() // 1000


class SimulatedClock:
    def __init__(self, anchor_sim_us: int, anchor_real_us: int, scale: float):
        self.anchor_sim_us = anchor_sim_us
        self.anchor_real_us = anchor_real_us
        self.scale = scale
        self._last = anchor_sim_us

    def now_us(self) -> int:
        now = self.anchor_sim_us + int((real_now_us() - self.anchor_real_us) * self.scale)
        # A wall clock stepped backwards must not move simulated time backwards.
        if now < self._last:
            return self._last
        self._last = now
        return now
