"""Colour maps as 256-entry lookup tables, and numpy -> QImage through them.

Mapping values to colours is drawing, not analysis: the value range is always given by the
caller (the engine's per-layer min/max, or a filter layer's shared symmetric range), so a
picture never rescales itself behind the numbers shown beside it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

# Anchor colours, evenly spaced, of a perceptually ordered sequential map (dark violet ->
# teal -> yellow) and of a diverging map (blue -> near-white -> red) with white at zero.
_SEQUENTIAL = ((68, 1, 84), (72, 40, 120), (62, 74, 137), (49, 104, 142), (38, 130, 142),
               (31, 158, 137), (53, 183, 121), (109, 205, 89), (180, 222, 44), (253, 231, 37))
_DIVERGING = ((33, 102, 172), (103, 169, 207), (209, 229, 240), (247, 247, 247),
              (253, 219, 199), (239, 138, 98), (178, 24, 43))


def _table(anchors: tuple[tuple[int, int, int], ...]) -> np.ndarray:
    stops = np.linspace(0.0, 1.0, len(anchors))
    at = np.linspace(0.0, 1.0, 256)
    rgb = np.array(anchors, dtype=np.float64)
    channels = [np.interp(at, stops, rgb[:, k]) for k in range(3)]
    return np.clip(np.round(np.stack(channels, axis=1)), 0, 255).astype(np.uint8)


SEQUENTIAL_LUT = _table(_SEQUENTIAL)
DIVERGING_LUT = _table(_DIVERGING)


def lut_color(lut: np.ndarray, fraction: float) -> QColor:
    r, g, b = (int(v) for v in lut[int(np.clip(fraction, 0.0, 1.0) * 255)])
    return QColor(r, g, b)


def to_indices(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Values -> 0..255 LUT indices for the range [low, high]; NaN and a flat range -> 0."""
    a = np.asarray(values, dtype=np.float32)
    span = float(high) - float(low)
    if not np.isfinite(span) or span <= 0:
        return np.zeros(a.shape, dtype=np.uint8)
    scaled = (a - np.float32(low)) * np.float32(255.0 / span)
    np.nan_to_num(scaled, copy=False, nan=0.0)
    return np.clip(scaled, 0, 255, out=scaled).astype(np.uint8)


def rgb_to_qimage(rgb: np.ndarray, scale: int = 1) -> QImage:
    """(H, W, 3) uint8 -> a QImage that owns its pixels, upscaled by a whole factor with
    nearest-neighbour so single values stay visible."""
    pixels = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w = pixels.shape[:2]
    image = QImage(pixels.data, w, h, 3 * w, QImage.Format.Format_RGB888)
    if scale == 1:
        return image.copy()  # detach from the numpy buffer
    return image.scaled(w * scale, h * scale, Qt.AspectRatioMode.IgnoreAspectRatio,
                        Qt.TransformationMode.FastTransformation)


def map_to_qimage(values: np.ndarray, low: float, high: float, lut: np.ndarray = SEQUENTIAL_LUT,
                  scale: int = 1) -> QImage:
    """A 2-D array through a colour map for the range [low, high]."""
    return rgb_to_qimage(lut[to_indices(values, low, high)], scale)


def display_rgb(image: np.ndarray) -> np.ndarray:
    """A sample for display, (H, W), (H, W, 1|3) or (C, H, W) uint8 or 0..1 float, as
    (H, W, 3) uint8."""
    a = np.asarray(image)
    if a.ndim == 3 and a.shape[0] in (1, 3) and a.shape[-1] not in (1, 3):
        a = a.transpose(1, 2, 0)
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[:, :, 0]
    if a.dtype != np.uint8:
        a = np.clip(np.nan_to_num(a.astype(np.float32)) * 255.0, 0, 255).astype(np.uint8)
    if a.ndim == 2:
        a = np.repeat(a[:, :, None], 3, axis=2)
    return np.ascontiguousarray(a)


def format_value(value: float) -> str:
    """A number short enough for a label, precise enough to compare with the engine's."""
    v = float(value)
    if v == 0 or 1e-3 <= abs(v) < 1e4:
        return f"{v:.4g}"
    return f"{v:.3e}"


def tile(cells: np.ndarray, columns: int, scale: int = 1, gap: int = 2,
         gap_rgb: tuple[int, int, int] = (0, 0, 0)) -> np.ndarray:
    """(K, h, w, 3) RGB cells -> one (rows, columns) mosaic, each cell upscaled by `scale`."""
    k, h, w, _ = cells.shape
    columns = max(1, min(columns, k))
    rows = -(-k // columns)
    big = np.repeat(np.repeat(cells, scale, axis=1), scale, axis=2) if scale > 1 else cells
    hs, ws = h * scale, w * scale
    canvas = np.empty((rows * (hs + gap) - gap, columns * (ws + gap) - gap, 3), dtype=np.uint8)
    canvas[:] = gap_rgb
    for i in range(k):
        r, c = divmod(i, columns)
        canvas[r * (hs + gap):r * (hs + gap) + hs, c * (ws + gap):c * (ws + gap) + ws] = big[i]
    return canvas
