"""Growing numpy columns for live plots (append-only, amortised O(1) per point)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

INITIAL_CAPACITY = 1024


class GrowingColumns:
    """Equal-length float64 columns that double their capacity when full, so appending
    n points costs O(n) overall. `view(name)` slices are never written again (later
    points go past them, and growth copies into a new array), so a curve can keep one."""

    def __init__(self, names: Sequence[str], capacity: int = INITIAL_CAPACITY) -> None:
        self._names = tuple(names)
        self._capacity = capacity
        self.size = 0
        self._data = {name: np.empty(capacity) for name in self._names}

    def clear(self) -> None:
        self.size = 0

    def append(self, columns: dict[str, np.ndarray]) -> None:
        count = len(next(iter(columns.values())))
        needed = self.size + count
        if needed > self._capacity:
            while self._capacity < needed:
                self._capacity *= 2
            for name in self._names:
                grown = np.empty(self._capacity)
                grown[: self.size] = self._data[name][: self.size]
                self._data[name] = grown
        for name in self._names:
            self._data[name][self.size : needed] = columns[name]
        self.size = needed

    def view(self, name: str) -> np.ndarray:
        return self._data[name][: self.size]

    def last(self, name: str) -> float:
        return float(self._data[name][self.size - 1])
