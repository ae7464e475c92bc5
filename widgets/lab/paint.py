"""Painting helpers shared by the lab views: value grids with numbers, heat images, bars
and wrapped text, in colours that follow the theme."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPalette, QPen
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


def small_font(px: int = FONT_PX, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(px)
    font.setBold(bold)
    return font


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


def heat_image(values: np.ndarray, limit: float, base: QColor, empty: QColor) -> QImage:
    rgb = colours_for(values, limit, base)
    missing = np.isnan(np.asarray(values, dtype=np.float32))
    rgb[missing] = (empty.red(), empty.green(), empty.blue())
    rgb = np.ascontiguousarray(rgb)
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def draw_heat(p: QPainter, rect: QRectF, values: np.ndarray, limit: float, k: Ink) -> None:
    """A whole map as one scaled image (fast for 32x32 and up)."""
    p.drawImage(rect, heat_image(values, limit, k.base, k.pad))
    p.setPen(QPen(k.grid, 1))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(rect)


def fmt(v: float, digits: int = 2) -> str:
    if not np.isfinite(v):
        return ""
    text = f"{v:.{digits}f}"
    return "0" if text.strip("-0.") == "" else text


def draw_grid(p: QPainter, x: float, y: float, cell: float, values: np.ndarray, limit: float,
              k: Ink, pad_mask: np.ndarray | None = None, digits: int = 2,
              numbers: bool = True, pad_text: str = "0") -> None:
    """Cells coloured by value with the value written in them when they are big enough;
    padding cells (pad_mask) grey with a 0."""
    h, w = values.shape
    rgb = colours_for(values, limit, k.base)
    p.setFont(small_font(max(8, min(FONT_PX, int(cell / 3.2)))))
    show = numbers and cell >= MIN_TEXT_CELL
    for i in range(h):
        for j in range(w):
            r = QRectF(x + j * cell, y + i * cell, cell, cell)
            is_pad = pad_mask is not None and bool(pad_mask[i, j])
            v = float(values[i, j])
            colour = k.pad if is_pad or not np.isfinite(v) else QColor(*rgb[i, j].tolist())
            p.fillRect(r, colour)
            if show and (is_pad or np.isfinite(v)):
                p.setPen(k.muted if is_pad else k.text)
                p.drawText(r, Qt.AlignmentFlag.AlignCenter, pad_text if is_pad else fmt(v, digits))
    p.setPen(QPen(k.grid, 1))
    for i in range(h + 1):
        p.drawLine(QPointF(x, y + i * cell), QPointF(x + w * cell, y + i * cell))
    for j in range(w + 1):
        p.drawLine(QPointF(x + j * cell, y), QPointF(x + j * cell, y + h * cell))


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
