"""Inspection results as pictures, with numpy and Pillow only (no Qt, no matplotlib): the
CLI's PNGs. One sequential colour map for activations and saliency, one diverging map
centred on zero for weights, as in the editor's views.

Every function returns an (H, W, 3) uint8 RGB array; `save_png` writes one.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

# Anchor colours, interpolated to 256 levels: a perceptually ordered dark-blue -> yellow
# ramp (viridis' end points and quartiles) and a blue -> white -> red diverging ramp.
_SEQUENTIAL_ANCHORS = ((68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98),
                       (253, 231, 37))
_DIVERGING_ANCHORS = ((5, 48, 97), (67, 147, 195), (247, 247, 247), (214, 96, 77),
                      (103, 0, 31))
BACKGROUND = (40, 40, 40)
MIN_CELL = 48  # pixels: small maps (5x5) are enlarged to at least this, pixel for pixel


def _lut(anchors: Sequence[tuple[int, int, int]]) -> np.ndarray:
    stops = np.linspace(0.0, 1.0, len(anchors))
    levels = np.linspace(0.0, 1.0, 256)
    return np.stack([np.interp(levels, stops, [a[c] for a in anchors]) for c in range(3)],
                    axis=1).round().astype(np.uint8)


SEQUENTIAL = _lut(_SEQUENTIAL_ANCHORS)
DIVERGING = _lut(_DIVERGING_ANCHORS)


def colorize(a: np.ndarray, vmin: float, vmax: float, lut: np.ndarray = SEQUENTIAL
             ) -> np.ndarray:
    """A 2-D array through a colour map, vmin -> first colour, vmax -> last."""
    span = vmax - vmin
    t = (np.asarray(a, np.float64) - vmin) / span if span > 0 else np.zeros(np.shape(a))
    return lut[np.clip(np.rint(t * 255), 0, 255).astype(np.intp)]


def diverging(a: np.ndarray, vmax: float) -> np.ndarray:
    """Weights on the symmetric scale [-vmax, vmax]: zero is white."""
    return colorize(a, -vmax, vmax, DIVERGING)


def enlarge(rgb: np.ndarray, min_side: int = MIN_CELL) -> np.ndarray:
    """Nearest-neighbour enlargement by a whole factor, so every value stays a crisp block."""
    factor = max(1, -(-min_side // max(1, min(rgb.shape[:2]))))
    return np.repeat(np.repeat(rgb, factor, axis=0), factor, axis=1) if factor > 1 else rgb


def tile(cells: Sequence[np.ndarray], columns: int | None = None, gap: int = 2) -> np.ndarray:
    """Equal-sized RGB cells in a grid (row-major), `gap` pixels of background between."""
    if not cells:
        return np.zeros((1, 1, 3), np.uint8)
    h, w = cells[0].shape[:2]
    n = len(cells)
    cols = columns or int(np.ceil(np.sqrt(n)))
    rows = -(-n // cols)
    out = np.empty((rows * h + (rows + 1) * gap, cols * w + (cols + 1) * gap, 3), np.uint8)
    out[:] = BACKGROUND
    for i, cell in enumerate(cells):
        r, c = divmod(i, cols)
        top, left = gap + r * (h + gap), gap + c * (w + gap)
        out[top:top + h, left:left + w] = cell
    return out


def bar_strip(values: np.ndarray, vmin: float, vmax: float, height: int = 64,
              bar: int = 6) -> np.ndarray:
    """A vector as bars rising from zero (falling for negatives), coloured by value."""
    v = np.asarray(values, np.float64).ravel()
    lo, hi = min(vmin, 0.0), max(vmax, 0.0)
    span = hi - lo if hi > lo else 1.0
    zero = int(round((hi / span) * (height - 1)))
    out = np.empty((height, len(v) * bar, 3), np.uint8)
    out[:] = BACKGROUND
    colours = colorize(v, vmin, vmax)
    for i, x in enumerate(v):
        end = int(round((hi - x) / span * (height - 1)))
        top, bottom = sorted((zero, end))
        out[top:bottom + 1, i * bar:(i + 1) * bar - 1] = colours[i]
    out[zero, :] = (200, 200, 200)
    return out


def feature_maps_image(a: np.ndarray) -> np.ndarray:
    """A layer's output: a grid of its channels on one colour scale (the layer's min..max),
    or a bar strip for a vector."""
    a = np.asarray(a)
    lo, hi = float(a.min()), float(a.max())
    if a.ndim == 1:
        return bar_strip(a, lo, hi)
    cells = [enlarge(colorize(ch, lo, hi)) for ch in a.reshape(-1, *a.shape[-2:])]
    return tile(cells)


def _rgb_weights(w: np.ndarray, vmax: float) -> np.ndarray:
    # Colour filters: 0 is mid grey, +vmax full intensity, -vmax none, per channel.
    rgb = np.moveaxis(np.asarray(w, np.float64), 0, -1) / (2 * vmax) + 0.5
    return np.clip(np.rint(rgb * 255), 0, 255).astype(np.uint8)


def filters_image(images: np.ndarray, vmax: float, kind: str) -> np.ndarray:
    """FilterImages as one picture: colour kernels/templates for 3-channel inputs, else one
    diverging cell per (filter, input channel), filters by row; a heat map for a matrix."""
    images = np.asarray(images)
    if kind == "linear-heatmap":
        return enlarge(diverging(images[0, 0], vmax))
    if kind == "conv-rgb" or (kind == "linear-template" and images.shape[1] == 3):
        return tile([enlarge(_rgb_weights(f, vmax)) for f in images])
    n, c = images.shape[:2]
    cells = [enlarge(diverging(images[i, j], vmax)) for i in range(n) for j in range(c)]
    return tile(cells, columns=c if c > 1 else None)


def overlay(raw: np.ndarray, heat: np.ndarray, alpha: float = 0.5) -> np.ndarray:
    """A 0..1 saliency map over the sample (grey or RGB pixels, uint8 or 0..1 floats)."""
    source = np.asarray(raw)
    base = source.astype(np.float64) * (1.0 if source.dtype == np.uint8 else 255.0)
    if base.ndim == 2:
        base = base[:, :, None]
    if base.shape[2] == 1:
        base = np.repeat(base, 3, axis=2)
    colours = colorize(heat, 0.0, 1.0).astype(np.float64)
    mixed = (1 - alpha) * np.clip(base, 0, 255) + alpha * colours
    return enlarge(np.clip(np.rint(mixed), 0, 255).astype(np.uint8), 224)


def sample_image(raw: np.ndarray) -> np.ndarray:
    """The sample as the network sees it (before normalisation), enlarged for viewing."""
    base = np.asarray(raw)
    if base.dtype != np.uint8:
        base = np.clip(np.rint(base * 255), 0, 255).astype(np.uint8)
    if base.ndim == 2:
        base = base[:, :, None]
    if base.shape[2] == 1:
        base = np.repeat(base, 3, axis=2)
    return enlarge(base, 224)


def save_png(path: str | os.PathLike[str], rgb: np.ndarray) -> None:
    from PIL import Image

    Image.fromarray(np.ascontiguousarray(rgb, np.uint8), "RGB").save(path)
