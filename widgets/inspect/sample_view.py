"""The sample as the network sees it, with what the panel puts on top of it: a saliency
heat map (0..1, drawn translucent so the sample stays visible) and the outline of the input
region one feature-map pixel sees.

Coordinates of both are the network input's (H, W); the sample is drawn scaled to fit, so
an opened photo of any size still lines up with the maps computed on its resized copy.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from widgets.inspect.colormap import SEQUENTIAL_LUT, display_rgb, rgb_to_qimage, to_indices

TARGET_PX = 224
MARGIN_PX = 6
MAX_ALPHA = 190
REGION_COLOUR = QColor(255, 64, 32)


def overlay_image(heat: np.ndarray, lut: np.ndarray = SEQUENTIAL_LUT) -> QImage:
    """A 0..1 map as an ARGB image: colour from the map, opacity growing with the value."""
    h, w = heat.shape
    a = np.clip(np.nan_to_num(np.asarray(heat, dtype=np.float32)), 0.0, 1.0)
    argb = np.empty((h, w, 4), dtype=np.uint8)
    rgb = lut[to_indices(a, 0.0, 1.0)]
    # QImage Format_ARGB32 is B, G, R, A in memory on little-endian machines.
    argb[..., 0], argb[..., 1], argb[..., 2] = rgb[..., 2], rgb[..., 1], rgb[..., 0]
    argb[..., 3] = (a * MAX_ALPHA).astype(np.uint8)
    argb = np.ascontiguousarray(argb)
    # Premultiplied-free ARGB32; copy() detaches it from the numpy buffer.
    return QImage(argb.data, w, h, 4 * w, QImage.Format.Format_ARGB32).copy()


class SampleView(QWidget):
    def __init__(self, parent: QWidget | None = None, target_px: int = TARGET_PX) -> None:
        super().__init__(parent)
        self._target = target_px
        self._image = QImage()
        self._input_hw = (0, 0)
        self._overlay: QImage | None = None
        self._region: tuple[int, int, int, int] | None = None
        self._caption = ""
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_sample(self, image: np.ndarray, input_hw: tuple[int, int] | None = None,
                   caption: str = "") -> None:
        """`image`: the display picture; `input_hw`: the network input's (H, W) that
        overlays and regions refer to (the picture's own size when not given)."""
        rgb = display_rgb(image)
        self._image = rgb_to_qimage(rgb)
        self._input_hw = tuple(input_hw) if input_hw else rgb.shape[:2]  # type: ignore[assignment]
        self._overlay, self._region, self._caption = None, None, caption
        self.updateGeometry()
        self.update()

    def clear(self) -> None:
        self._image, self._overlay, self._region, self._caption = QImage(), None, None, ""
        self.update()

    def has_sample(self) -> bool:
        return not self._image.isNull()

    def set_overlay(self, heat: np.ndarray | None) -> None:
        self._overlay = overlay_image(heat) if heat is not None else None
        self.update()

    def set_region(self, region: tuple[int, int, int, int] | None) -> None:
        """(top, left, bottom, right) in input pixels, bottom/right exclusive (as
        engine.inspect.receptive.input_region returns it); None hides it."""
        self._region = tuple(int(v) for v in region) if region is not None else None  # type: ignore[assignment]
        self.update()

    @property
    def region(self) -> tuple[int, int, int, int] | None:
        return self._region

    # ---- geometry ---------------------------------------------------------------------
    def _scale(self) -> float:
        h, w = self._input_hw
        return max(1.0, float(self._target // max(h, w, 1))) if h and w else 1.0

    def picture_rect(self) -> QRectF:
        h, w = self._input_hw
        s = self._scale()
        return QRectF(MARGIN_PX, MARGIN_PX, w * s, h * s)

    def region_rect(self) -> QRectF | None:
        """The outline's rectangle in widget pixels (tests compare it with the engine's box)."""
        if self._region is None:
            return None
        top, left, bottom, right = self._region
        s, pic = self._scale(), self.picture_rect()
        return QRectF(pic.left() + left * s, pic.top() + top * s,
                      (right - left) * s, (bottom - top) * s)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        pic = self.picture_rect()
        caption = QFontMetrics(self.font()).height() + 4 if self._caption else 0
        return QSize(int(pic.width()) + 2 * MARGIN_PX, int(pic.height()) + 2 * MARGIN_PX + caption)

    # ---- painting --------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        if self._image.isNull():
            return
        painter = QPainter(self)
        pic = self.picture_rect()
        painter.drawImage(pic, self._image)
        if self._overlay is not None:
            painter.drawImage(pic, self._overlay)
        region = self.region_rect()
        if region is not None:
            # Clip to the picture: a region reaching into the padding is drawn to the edge.
            painter.setClipRect(pic.adjusted(-1, -1, 1, 1))
            painter.setPen(QPen(REGION_COLOUR, 2, Qt.PenStyle.SolidLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(region)
            painter.setClipping(False)
        if self._caption:
            fm = QFontMetrics(self.font())
            painter.setPen(self.palette().text().color())
            painter.drawText(int(pic.left()), int(pic.bottom()) + 4 + fm.ascent(), self._caption)
        painter.end()
