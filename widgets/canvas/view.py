"""The canvas view: zoom, pan, the dot-grid background and palette drops.

Selection, links and moves are the scene's business (widgets/canvas/modes.py); the view
only handles what depends on the viewport: the zoom level, panning, and turning a
palette drag's widget position into a scene position.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPixmap,
    QPixmapCache,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QGraphicsView, QWidget

from widgets.canvas.constants import (
    BIG_SHAPE_MIN_LOD,
    DOT_STEP,
    MIN_DOT_SPACING_PX,
    PIXMAP_CACHE_KB,
    SCENE_EXTENT,
    ZOOM_MAX,
    ZOOM_MIN,
    ZOOM_STEP,
)
from widgets.canvas.scene import CanvasScene
from widgets.mime import LAYER_MIME

_DOT_PX = 2.0  # background dot diameter, device-independent pixels


# The smallest zoom the opening view uses: below LOD_SIMPLE cards collapse to their title
# and output shape in big type (node_text.py), still easy to read at this zoom.
READABLE_ZOOM = 0.5
# Fit never goes below this: under it a card loses its shape line. A network too big to
# fit then shows its top (where the data enters) and scrolls.
FIT_MIN_ZOOM = BIG_SHAPE_MIN_LOD


class CanvasView(QGraphicsView):
    def __init__(self, scene: CanvasScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.canvas = scene
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Room to pan freely in every direction, independent of where the items are.
        half = SCENE_EXTENT / 2
        self.setSceneRect(QRectF(-half, -half, SCENE_EXTENT, SCENE_EXTENT))
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        # Items keep their painter state tidy and pad their bounds for antialiasing.
        self.setOptimizationFlags(QGraphicsView.OptimizationFlag.DontSavePainterState
                                  | QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._pan_from: QPointF | None = None
        self._space_held = False
        self._tile: tuple[tuple[int, int, float], QPixmap] | None = None
        # Cards and links are cached as pixmaps (DeviceCoordinateCache); Qt's default 10 MB
        # pixmap cache holds ~170 cards at 100% and then thrashes, re-rendering every frame.
        if QPixmapCache.cacheLimit() < PIXMAP_CACHE_KB:
            QPixmapCache.setCacheLimit(PIXMAP_CACHE_KB)
        self.centerOn(0.0, 0.0)

    # ---- zoom ------------------------------------------------------------------------------
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom to `factor` (clamped), keeping the scene point under `anchor` (viewport
        pixels; default the centre) where it is. Done by hand rather than with
        AnchorUnderMouse, which uses the last mouse *move* and drifts for wheel-only input."""
        factor = min(max(factor, ZOOM_MIN), ZOOM_MAX)
        if anchor is None:
            anchor = QPointF(self.viewport().rect().center())
        fixed = self.mapToScene(anchor.toPoint())
        self.setTransform(QTransform.fromScale(factor, factor))
        drift = QPointF(self.mapFromScene(fixed)) - anchor
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(h.value() + round(drift.x()))
        v.setValue(v.value() + round(drift.y()))

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom() / ZOOM_STEP)

    def reset_zoom(self) -> None:
        """100%, centred on the selection when there is one (it would often end up off
        screen otherwise), else on the view's centre."""
        selected = [i for i in self.canvas.node_items.values() if i.isSelected()]
        self.set_zoom(1.0)
        if selected:
            rect = selected[0].sceneBoundingRect()
            for item in selected[1:]:
                rect = rect.united(item.sceneBoundingRect())
            self.centerOn(rect.center())

    def fit_all(self, min_zoom: float = FIT_MIN_ZOOM) -> None:
        """Show every node, with a margin, never closer than 100% and never smaller than
        `min_zoom`; a network that does not fit there shows its top and scrolls."""
        items = list(self.canvas.node_items.values())
        if not items:
            self.set_zoom(1.0)
            self.centerOn(0.0, 0.0)
            return
        rect = items[0].sceneBoundingRect()
        for item in items[1:]:
            rect = rect.united(item.sceneBoundingRect())
        rect = rect.adjusted(-40, -40, 40, 40)
        view = self.viewport().rect()
        factor = min(view.width() / rect.width(), view.height() / rect.height(), 1.0)
        self.set_zoom(max(factor, min_zoom))
        if factor >= min_zoom:
            self.centerOn(rect.center())
        else:
            self.centerOn(rect.center().x(), rect.top() + view.height() / 2 / self.zoom())

    def show_network(self) -> None:
        """The opening view of a project: all of it if the cards stay readable, else a
        readable zoom showing the network's top (where the data enters)."""
        self.fit_all(READABLE_ZOOM)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        delta = event.angleDelta().y() or event.angleDelta().x()
        if delta == 0:
            return
        # 120 units per wheel notch; trackpads send many small deltas, scaled the same way.
        factor = self.zoom() * math.pow(ZOOM_STEP, delta / 120.0)
        self.set_zoom(factor, event.position())
        event.accept()

    # ---- pan -------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pan = event.button() == Qt.MouseButton.MiddleButton or (
            event.button() == Qt.MouseButton.LeftButton and self._space_held)
        if pan:
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            h, v = self.horizontalScrollBar(), self.verticalScrollBar()
            h.setValue(h.value() - round(delta.x()))
            v.setValue(v.value() - round(delta.y()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._pan_from is not None:
            self._pan_from = None
            if self._space_held:
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            else:
                self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key, ctrl = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if key == Qt.Key.Key_Space and self.canvas.mode is None:
            if not event.isAutoRepeat():
                self._space_held = True
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        elif ctrl and key == Qt.Key.Key_0:
            self.fit_all()
        elif ctrl and key == Qt.Key.Key_1:
            self.reset_zoom()
        elif ctrl and key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif ctrl and key == Qt.Key.Key_Minus:
            self.zoom_out()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_held = False
        self._tile: tuple[tuple[int, int, float], QPixmap] | None = None
        # Cards and links are cached as pixmaps (DeviceCoordinateCache); Qt's default 10 MB
        # pixmap cache holds ~170 cards at 100% and then thrashes, re-rendering every frame.
        if QPixmapCache.cacheLimit() < PIXMAP_CACHE_KB:
            QPixmapCache.setCacheLimit(PIXMAP_CACHE_KB)
            if self._pan_from is None:
                self.viewport().unsetCursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    # ---- palette drops ---------------------------------------------------------------------
    def _drop_type(self, event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> str | None:
        mime = event.mimeData()
        if mime is None or not mime.hasFormat(LAYER_MIME):
            return None
        return bytes(mime.data(LAYER_MIME).data()).decode("utf-8", "replace").strip()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        type_id = self._drop_type(event)
        if type_id and self.canvas.palette_drop.enter(type_id, self.mapToScene(event.position().toPoint())):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        # Accepting here, not only on enter, is what lets the drop arrive.
        if self._drop_type(event) and self.canvas.palette_drop.type_id is not None:
            self.canvas.palette_drop.move(self.mapToScene(event.position().toPoint()))
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:  # noqa: N802
        self.canvas.palette_drop.leave()
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        type_id = self._drop_type(event)
        drop = self.canvas.palette_drop
        if not type_id:
            drop.leave()
            event.ignore()
            return
        pos = self.mapToScene(event.position().toPoint())
        if drop.type_id != type_id:  # a drop without a preceding enter (some platforms)
            drop.enter(type_id, pos)
        drop.drop(pos)
        event.acceptProposedAction()
        self.setFocus()

    # ---- background ------------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802
        """A dot every DOT_STEP scene pixels (fewer when zoomed out), drawn in device space
        with a one-dot tile brush: one fill per repaint (~0.3 ms for a full window, where
        drawing the dots one by one took 6-8 ms). The tile is a whole number of device
        pixels, so away from 100% zoom the dots drift a little against the snap grid;
        they are texture, not a ruler."""
        colours = self.canvas.colours
        painter.save()
        painter.resetTransform()
        device = self.mapFromScene(rect).boundingRect().adjusted(-2, -2, 2, 2)
        painter.fillRect(device, colours.background)
        step = DOT_STEP * self.zoom()
        while step < MIN_DOT_SPACING_PX:
            step *= 2
        tile = self._dot_tile(colours.dots, max(round(step), 2))
        size = tile.width() / tile.devicePixelRatio()
        origin = self.mapFromScene(QPointF(0.0, 0.0))
        brush = QBrush(tile)
        # Tile centres sit on the scene origin's multiples.
        brush.setTransform(QTransform.fromTranslate(origin.x() - size / 2, origin.y() - size / 2))
        painter.fillRect(device, brush)
        painter.restore()

    def _dot_tile(self, colour: QColor, size: int) -> QPixmap:
        ratio = self.devicePixelRatioF()
        key = (colour.rgba(), size, ratio)
        if self._tile is None or self._tile[0] != key:
            pixels = max(round(size * ratio), 1)
            tile = QPixmap(pixels, pixels)
            tile.fill(Qt.GlobalColor.transparent)
            p = QPainter(tile)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour)
            radius = _DOT_PX / 2 * ratio
            p.drawEllipse(QPointF(pixels / 2, pixels / 2), radius, radius)
            p.end()
            tile.setDevicePixelRatio(ratio)
            self._tile = (key, tile)
        return self._tile[1]
