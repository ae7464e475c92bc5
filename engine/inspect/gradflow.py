"""Reading gradient flow in words (numpy only, no torch: the GUI process imports it).

Vanishing: the first layers' gradient norm is orders of magnitude below the last layers'
(with sigmoid or tanh stacks the factor is typically 1e-3 to 1e-6), so the early layers
barely learn. Exploding: a norm that is non-finite or far above any sensible size. Both
are judged on the median of the last few samples, so one noisy step is not a verdict.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

VANISH_RATIO = 1e-2  # first / last below this: two orders of magnitude
EXPLODE_NORM = 1e3
RECENT = 5


def median_norms(history: Sequence[Sequence[float]], recent: int = RECENT) -> np.ndarray:
    """Per-layer median over the last `recent` samples (rows: samples, columns: layers)."""
    rows = np.asarray(history[-recent:], dtype=np.float64)
    return np.median(rows, axis=0) if rows.size else np.zeros(0)


def gradient_warning(layers: Sequence[str], history: Sequence[Sequence[float]]) -> str:
    """One or two sentences when gradients vanish or explode, else ""."""
    if not layers or not len(history):
        return ""
    last_row = np.asarray(history[-1], dtype=np.float64)
    bad = [layers[i] for i, v in enumerate(last_row) if not math.isfinite(v)]
    if bad:
        return (f"Gradients exploded: {', '.join(bad)} had a non-finite gradient. Lower the "
                "learning rate, add BatchNorm or use a smaller initialisation.")
    norms = median_norms(history)
    top = int(np.argmax(norms))
    if norms[top] > EXPLODE_NORM:
        return (f"Gradients are exploding: {layers[top]}'s gradient norm is {norms[top]:.3g}. "
                "Lower the learning rate, add BatchNorm or normalise the inputs.")
    if len(layers) < 2:
        return ""
    first, last = norms[0], norms[-1]
    if last > 0 and first / last < VANISH_RATIO:
        orders = math.log10(last / first) if first > 0 else math.inf
        size = f"{orders:.1f} orders of magnitude" if math.isfinite(orders) else "infinitely"
        return (f"Gradients vanish: the first layer ({layers[0]}, {first:.2g}) gets {size} "
                f"smaller gradients than the last ({layers[-1]}, {last:.2g}), so it barely "
                "learns. Try ReLU instead of Sigmoid/Tanh, BatchNorm, or a shallower network.")
    return ""
