"""Painting helpers shared by the lab views: value grids with numbers, heat images, bars
and wrapped text, in colours that follow the theme."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPainter,
    QPalette,
    QPen,
    QStaticText,
    QTextOption,
    QTransform,
)
from PySide6.QtWidgets import QWidget

from widgets.colors import ACCENT, ERROR, MUTED_TEXT, OK

NEG = np.array([37, 99, 235], dtype=np.float32)   # blue: negative values
POS = np.array([220, 38, 38], dtype=np.float32)   # red: positive values
MIN_TEXT_CELL = 24  # cells narrower than this show colour only
FONT_PX = 11


@dataclass(frozen=True)
class Ink:
    """The theme's colours for one paint pass."""

    text: QColor
    muted: QColor
    base: QColor
    grid: QColor
    accent: QColor
    ok: QColor
    bad: QColor
    pad: QColor
    dark: bool


def ink(widget: QWidget) -> Ink:
    pal = widget.palette()
    base = pal.color(QPalette.ColorRole.Base)
    dark = base.lightness() < 128
    return Ink(pal.color(QPalette.ColorRole.Text), QColor(MUTED_TEXT.pick(dark)), base,
               pal.color(QPalette.ColorRole.Mid), QColor(ACCENT.pick(dark)),
               QColor(OK.text.pick(dark)), QColor(ERROR.text.pick(dark)),
               QColor("#3a3f4a" if dark else "#e5e7eb"), dark)


@cache
def small_font(px: int = FONT_PX, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(px)
    font.setBold(bold)
    return font


@cache
def mono_font(px: int = FONT_PX) -> QFont:
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPixelSize(px)
    return font


def colours_for(values: np.ndarray, limit: float, base: QColor) -> np.ndarray:
    """(H, W) values -> (H, W, 3) uint8: blue below 0, red above, the base colour at 0."""
    v = np.nan_to_num(np.asarray(values, dtype=np.float32) / (limit or 1.0), nan=0.0)
    t = np.clip(np.abs(v), 0.0, 1.0)[..., None]
    b = np.array([base.red(), base.green(), base.blue()], dtype=np.float32)
    target = np.where(v[..., None] < 0, NEG, POS)
    return (b + (target - b) * t).astype(np.uint8)


def heat_image(values: np.ndarray, limit: float, base: QColor, empty: QColor,
               pad_mask: np.ndarray | None = None, width: float = 0,
               height: float = 0) -> QImage:
    """The map as an image, enlarged to width x height pixels by nearest neighbour in
    numpy (QImage.scaled on RGB888 took ~6 ms; this takes well under one)."""
    rgb = colours_for(values, limit, base)
    missing = np.isnan(np.asarray(values, dtype=np.float32))
    if pad_mask is not None:
        missing |= pad_mask
    rgb[missing] = (empty.red(), empty.green(), empty.blue())
    h, w = rgb.shape[:2]
    small = rgb.astype(np.uint32)
    small = 0xFF000000 | (small[..., 0] << 16) | (small[..., 1] << 8) | small[..., 2]
    out_h, out_w = max(1, round(height or h)), max(1, round(width or w))
    rows = np.minimum((np.arange(out_h) * h // out_h), h - 1)
    cols = np.minimum((np.arange(out_w) * w // out_w), w - 1)
    argb = np.ascontiguousarray(small[rows[:, None], cols[None, :]])
    image = QImage(argb.data, out_w, out_h, 4 * out_w, QImage.Format.Format_RGB32)
    image.ndarray = argb  # the QImage borrows the buffer: keep it alive with the image
    return image


def draw_heat(p: QPainter, rect: QRectF, values: np.ndarray, limit: float, k: Ink) -> None:
    """A whole map as one image (fast for 32x32 and up)."""
    p.drawImage(rect.topLeft(), heat_image(values, limit, k.base, k.pad, None, rect.width(),
                                           rect.height()))
    p.setPen(QPen(k.grid, 1))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(rect)


def fmt(v: float, digits: int = 2) -> str:
    if not np.isfinite(v):
        return ""
    text = f"{v:.{digits}f}"
    return "0" if text.strip("-0.") == "" else text


def _number(v: float, digits: int) -> str:
    if v != v or v in (float("inf"), float("-inf")):
        return ""
    text = f"{v:.{digits}f}"
    return "0" if text.strip("-0.") == "" else text


_STATIC: dict[tuple[str, int, int], QStaticText] = {}
_STATIC_MAX = 20000


def _static(text: str, px: int, width: int) -> QStaticText:
    """Laid-out text, cached: a grid repaints the same few hundred numbers on every step."""
    key = (text, px, width)
    st = _STATIC.get(key)
    if st is None:
        if len(_STATIC) > _STATIC_MAX:
            _STATIC.clear()
        st = QStaticText(text)
        st.setTextFormat(Qt.TextFormat.PlainText)
        st.setTextWidth(width)
        st.setTextOption(QTextOption(Qt.AlignmentFlag.AlignHCenter))
        st.prepare(QTransform(), small_font(px))
        _STATIC[key] = st
    return st


def draw_grid(p: QPainter, x: float, y: float, cell: float, values: np.ndarray, limit: float,
              k: Ink, pad_mask: np.ndarray | None = None, digits: int = 2,
              numbers: bool = True, pad_text: str = "0") -> None:
    """Cells coloured by value with the value written in them when they are big enough;
    padding cells (pad_mask) grey with a 0."""
    h, w = values.shape
    p.drawImage(QPointF(x, y), heat_image(values, limit, k.base, k.pad, pad_mask, w * cell,
                                          h * cell))
    if numbers and cell >= MIN_TEXT_CELL:
        px = max(8, min(FONT_PX, int(cell / 3.2)))
        p.setFont(small_font(px))
        width = int(cell)
        dy = (cell - px * 1.25) / 2
        # Plain Python lists: indexing numpy scalars cell by cell cost more than the drawing.
        rows = values.tolist()
        pads = pad_mask.tolist() if pad_mask is not None else None
        for colour, show_pad in ((k.text, False), (k.muted, True)):
            if show_pad and pads is None:
                continue
            p.setPen(colour)
            for i, row in enumerate(rows):
                top = y + i * cell + dy
                for j, v in enumerate(row):
                    is_pad = pads is not None and pads[i][j]
                    if is_pad != show_pad:
                        continue
                    text = pad_text if is_pad else _number(v, digits)
                    if text:
                        p.drawStaticText(QPointF(x + j * cell, top), _static(text, px, width))
    p.setPen(QPen(k.grid, 1))
    lines = [QLineF(x, y + i * cell, x + w * cell, y + i * cell) for i in range(h + 1)]
    lines += [QLineF(x + j * cell, y, x + j * cell, y + h * cell) for j in range(w + 1)]
    p.drawLines(lines)


def outline(p: QPainter, rect: QRectF, colour: QColor, width: float = 2.5,
            dashed: bool = False) -> None:
    pen = QPen(colour, width)
    if dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(rect)


def caption(p: QPainter, x: float, y: float, text: str, k: Ink, bold: bool = False,
            muted: bool = False, px: int = 12) -> None:
    p.setFont(small_font(px, bold))
    p.setPen(k.muted if muted else k.text)
    p.drawText(QPointF(x, y), text)


def text_block(p: QPainter, rect: QRectF, lines: list[str], k: Ink, px: int = 12,
               mono: bool = True) -> float:
    """Lines top-down inside `rect` (wrapped); returns the y after the last one."""
    p.setFont(mono_font(px) if mono else small_font(px))
    p.setPen(k.text)
    y = rect.top()
    flags = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
    for line in lines:
        bound = p.boundingRect(QRectF(rect.left(), y, rect.width(), 1000), flags, line)
        p.drawText(QRectF(rect.left(), y, rect.width(), bound.height()), flags, line)
        y += bound.height() + 2
    return y


def hbar(p: QPainter, x: float, y: float, width: float, height: float, value: float,
         limit: float, colour: QColor, k: Ink) -> None:
    """A bar from a centre line: right for positive, left for negative values."""
    mid = x + width / 2
    p.setPen(QPen(k.grid, 1))
    p.drawLine(QPointF(mid, y), QPointF(mid, y + height))
    length = 0.0 if not limit else max(-1.0, min(1.0, value / limit)) * width / 2
    rect = QRectF(mid, y + 2, length, height - 4).normalized()
    p.fillRect(rect, colour)
