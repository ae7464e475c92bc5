"""The main window: canvas in the middle, layer palette left, inspector right, and a bottom
dock area for the training panels. It composes the parts and routes between them; the
Document stays the only owner of state.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QMimeData, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication, QShowEvent
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow, QWidget

from app.actions import (
    build_menus,
    build_toolbar,
    create_actions,
    fill_recent_menu,
    refresh_icons,
    show_about,
    show_quick_tour,
)
from app.bindings.canvas import bind_canvas
from app.bindings.inspector import bind_inspector
from app.dock_layout import apply_default_sizes, default_geometry, tab_default_layout
from app.document import PASTE_OFFSET, Document
from app.file_controller import FileController
from app.placement import GAP as PLACE_GAP
from app.placement import paste_shift
from app.settings import LAYOUT_VERSION, AppSettings
from engine.analysis import Analysis
from engine.graph import GraphError
from engine.layout import ROW_STEP, free_spot
from engine.project import ProjectError
from engine.report import fmt_compact, plural
from widgets.canvas import CanvasScene, CanvasView
from widgets.canvas.constants import NODE_HEIGHT, NODE_WIDTH
from widgets.colors import ERROR, MUTED_TEXT, ThemedColor
from widgets.icons import app_icon
from widgets.inspector import Inspector
from widgets.mime import NODES_MIME
from widgets.palette import LayerPalette
from widgets.summary import SummaryDialog
from widgets.theme import apply_theme, is_dark, theme_notifier

APP_NAME = "NetCanvas"
# Dock titles and toolbar: a little air and a hairline, in palette colours so both themes fit.
FRAME_STYLE = """
QDockWidget::title { padding: 7px 10px 5px 10px; }
QToolBar#mainToolbar { spacing: 2px; padding: 3px 6px; border: none;
                       border-bottom: 1px solid palette(midlight); }
QStatusBar { border-top: 1px solid palette(midlight); }
QStatusBar::item { border: none; }
"""
MESSAGE_MS = 5000
# A new layer lands this far below the selected one; sideways steps find a free spot.
READY = ThemedColor("#16a34a", "#4ade80")  # the status bar's "shapes all fit" dot


class MainWindow(QMainWindow):
    def __init__(self, doc: Document | None = None, settings: AppSettings | None = None,
                 restore: bool = True) -> None:
        """`restore=False` leaves the saved geometry and dock layout for the caller to apply
        with restore_layout() once it has added its own panels, so theirs are restored too."""
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowIcon(app_icon())
        self.setStyleSheet(FRAME_STYLE)
        self.setAcceptDrops(True)  # project files; the canvas takes palette layers itself
        self.settings = settings if settings is not None else AppSettings()
        self.doc = doc if doc is not None else Document(self)
        self.docks: dict[str, QDockWidget] = {}
        # Bindings of panels composed in from outside (dataset, training), by key.
        self.bindings: dict[str, QObject] = {}
        self._layout_restored = False
        self._default_sizes_pending = False
        self._paste_count = 0
        self._paste_source = b""

        self.scene = CanvasScene(self)
        self.view = CanvasView(self.scene)
        self.view.setObjectName("canvasView")
        self.setCentralWidget(self.view)
        self.canvas_binding = bind_canvas(self.doc, self.scene)
        self.files = FileController(self.doc, self.settings, self)

        # Shadows QWidget.actions(): the brief's public API is `window.actions[key]`, and Qt
        # itself never calls the Python attribute.
        self.actions: dict[str, QAction] = create_actions(self)  # type: ignore[assignment]
        self.menus = build_menus(self)
        self.toolbar = build_toolbar(self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

        self.layer_palette = LayerPalette()
        self.inspector = Inspector()
        self.inspector_binding = bind_inspector(self.doc, self.inspector)
        # The palette owns its window-wide Find (Ctrl+F); listed in Edit so it can be found.
        self.menus["edit"].addAction(self.layer_palette.search_action)
        self.actions["find"] = self.layer_palette.search_action
        self.setDockNestingEnabled(True)
        # Side panels run the full height; the bottom (training) area sits under the canvas.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.add_dock("palette", "Layers", self.layer_palette, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.add_dock("inspector", "Inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea)

        self.totals_label = QLabel()
        self.totals_label.setObjectName("totalsLabel")
        self.totals_label.setContentsMargins(8, 0, 8, 0)
        self.statusBar().addPermanentWidget(self.totals_label)
        self._summary: SummaryDialog | None = None

        self._connect()
        self._on_theme_changed(is_dark(QApplication.instance()))  # type: ignore[arg-type]
        self.actions[f"theme_{self.settings.theme}"].setChecked(True)
        fill_recent_menu(self, self.settings.recent_files())
        self._update_title()
        self._on_analysis(self.doc.analysis)
        self._on_selection([])
        if restore:
            self.restore_layout()

    # ---- composition -----------------------------------------------------------------
    def add_dock(self, key: str, title: str, widget: QWidget,
                 area: Qt.DockWidgetArea = Qt.DockWidgetArea.BottomDockWidgetArea) -> QDockWidget:
        """Add a panel the user can move, float, close and reopen from View ▸ Panels; its
        place is remembered between runs through its objectName."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{key}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.docks[key] = dock
        toggle = dock.toggleViewAction()
        toggle.setObjectName(f"action_toggle_{key}")
        self.menus["panels"].addAction(toggle)
        if self._layout_restored:
            # Panels added after start-up (training) get their saved place back too.
            self.restoreDockWidget(dock)
        return dock

    def add_tab_beside(self, key: str, title: str, widget: QWidget,
                       beside: str = "inspector") -> QDockWidget:
        """A panel added as a tab beside dock `beside`, which stays in front; a saved
        layout restored later (or a floating dock) keeps the place the user gave it."""
        dock = self.add_dock(key, title, widget, Qt.DockWidgetArea.RightDockWidgetArea)
        other = self.docks.get(beside)
        if (other is not None and not dock.isFloating()
                and self.dockWidgetArea(dock) == self.dockWidgetArea(other)
                and dock not in self.tabifiedDockWidgets(other)):
            self.tabifyDockWidget(other, dock)
            other.raise_()
        return dock

    def _connect(self) -> None:
        doc = self.doc
        doc.dirtyChanged.connect(self._update_title)
        doc.pathChanged.connect(self._update_title)
        doc.projectReplaced.connect(self._on_project_replaced)
        doc.analysisChanged.connect(self._on_analysis)
        doc.undo_stack.cleanChanged.connect(self._update_title)
        self.scene.selectionIdsChanged.connect(self._on_selection)
        self.scene.selectionChanged.connect(self._update_edit_actions)  # links count for Delete
        self.layer_palette.addRequested.connect(self.add_layer)
        self.files.message.connect(self.show_message)
        self.files.recentChanged.connect(self._on_recent_changed)
        theme_notifier().themeChanged.connect(self._on_theme_changed)
        QGuiApplication.clipboard().dataChanged.connect(self._update_paste)

    # ---- state shown in the frame ----------------------------------------------------
    def _update_title(self, *_args: object) -> None:
        self.setWindowTitle(f"{self.doc.title}[*] — {APP_NAME}")
        self.setWindowModified(self.doc.dirty)
        self.actions["revert"].setEnabled(self.doc.path is not None and self.doc.dirty)

    def _on_analysis(self, analysis: Analysis) -> None:
        dark = is_dark()
        n_err = len(analysis.errors)
        parts = [plural(len(self.doc.graph.nodes), "layer"),
                 f"{fmt_compact(analysis.total_params)} parameters",
                 f"{fmt_compact(analysis.total_macs)} MACs"]
        if n_err:
            colour = ERROR.text.pick(dark)
            status = f"<span style='color:{colour}'>● {n_err} error{'s' if n_err > 1 else ''}</span>"
        else:
            status = f"<span style='color:{READY.pick(dark)}'>●</span> ready"
        sep = f"<span style='color:{MUTED_TEXT.pick(dark)}'>  ·  </span>"
        self.totals_label.setText(sep.join([*parts, status]))
        self.totals_label.setToolTip("\n".join(analysis.errors[:5]) if n_err else
                                     "The network's shapes all fit together.")
        if self._summary is not None and self._summary.isVisible():
            self._summary.set_analysis(self.doc.graph, analysis)

    def _on_recent_changed(self, paths: list[str]) -> None:
        fill_recent_menu(self, paths)

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, MESSAGE_MS)

    def _on_project_replaced(self) -> None:
        self._paste_count = 0
        # After the canvas binding has rebuilt the scene and the viewport has its size.
        QTimer.singleShot(0, self.view.show_network)

    def _on_selection(self, ids: list[str]) -> None:
        self.inspector_binding.select(ids[0] if len(ids) == 1 else None)
        self._update_edit_actions()

    def _update_edit_actions(self) -> None:
        nodes = bool(self.scene.selected_ids())
        for key in ("cut", "copy", "duplicate"):
            self.actions[key].setEnabled(nodes)
        self.actions["delete"].setEnabled(nodes or bool(self.scene.selected_edges()))
        self._update_paste()

    def _update_paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        self.actions["paste"].setEnabled(mime is not None and mime.hasFormat(NODES_MIME))

    # ---- theme -----------------------------------------------------------------------
    def set_theme(self, mode: str) -> None:
        self.settings.theme = mode
        self.actions[f"theme_{mode}"].setChecked(True)
        apply_theme(QApplication.instance(), mode)  # type: ignore[arg-type]  # notifies us

    def _on_theme_changed(self, dark: bool) -> None:
        refresh_icons(self.actions, dark)
        self.scene.set_dark(dark)
        self._on_analysis(self.doc.analysis)

    # ---- adding layers ---------------------------------------------------------------
    def add_layer(self, type_id: str) -> str | None:
        """Palette click: below the single selected layer (and wired to it), else at the
        centre of the view. The new layer becomes the selection."""
        selected = [i for i in self.scene.selected_ids() if i in self.doc.graph.nodes]
        source = selected[0] if len(selected) == 1 else None
        if source is not None:
            x, y = self.doc.graph.nodes[source].position
            splices = len(self.doc.graph.output_edges(source)) == 1
            # A layer spliced into a chain takes the row below (the Document moves the rest
            # down); a new branch looks for a free spot beside it.
            pos = (x, y + ROW_STEP) if splices else self._free_spot(x, y + ROW_STEP)
        else:
            centre = self.view.mapToScene(self.view.viewport().rect().center())
            pos = self._free_spot(centre.x(), centre.y())
        try:
            new_id = self.doc.add_node(type_id, pos, connect_from=source)
        except GraphError as exc:
            self.show_message(str(exc))
            return None
        self.scene.select_ids([new_id])
        self.view.ensureVisible(self.scene.node_items[new_id], 60, 60)  # follow the insert
        return new_id

    def _free_spot(self, x: float, y: float) -> tuple[float, float]:
        taken = [n.position for n in self.doc.graph.nodes.values()]
        return free_spot((x, y), taken, NODE_WIDTH + PLACE_GAP, NODE_HEIGHT + PLACE_GAP)

    # ---- edit menu -------------------------------------------------------------------
    def edit_copy(self) -> bool:
        ids = self.scene.selected_ids()
        if not ids:
            return False
        payload = json.dumps(self.doc.copy_records(ids)).encode("utf-8")
        mime = QMimeData()
        mime.setData(NODES_MIME, payload)
        mime.setText(payload.decode("utf-8"))  # readable if pasted into a text editor
        QGuiApplication.clipboard().setMimeData(mime)
        self._paste_source, self._paste_count = payload, 0
        self._update_paste()
        return True

    def edit_cut(self) -> None:
        if self.edit_copy():
            self.doc.remove_nodes(self.scene.selected_ids())
            self._paste_count = -1  # the first paste goes back where the layers were

    def edit_paste(self) -> list[str]:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None or not mime.hasFormat(NODES_MIME):
            return []
        payload = bytes(mime.data(NODES_MIME).data())
        if payload != self._paste_source:
            self._paste_source, self._paste_count = payload, 0
        self._paste_count += 1  # each repeated paste steps further, never on top of the last
        try:
            records = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            self.show_message("Cannot paste: the clipboard's layers are damaged. Copy them again.")
            return []
        if not isinstance(records, dict):
            self.show_message("Cannot paste: the clipboard does not hold NetCanvas layers.")
            return []
        return self._paste(records, self._paste_count * PASTE_OFFSET, "Paste")

    def edit_duplicate(self) -> list[str]:
        ids = self.scene.selected_ids()
        return self._paste(self.doc.copy_records(ids), PASTE_OFFSET, "Duplicate") if ids else []

    def _paste(self, records: dict[str, Any], offset: float, text: str) -> list[str]:
        try:
            new_ids = self.doc.paste_records(records, offset=offset, text=text,
                                             shift=paste_shift(self, records, offset))
        except (GraphError, ProjectError, ValueError) as exc:
            self.show_message(f"Cannot paste: {exc}")
            return []
        self.scene.select_ids(new_ids)
        return new_ids

    def edit_delete(self) -> None:
        self.scene.delete_selection()  # nodes and links alike, through the canvas binding

    def edit_select_all(self) -> None:
        self.scene.select_ids(list(self.doc.graph.nodes))

    # ---- dialogs ---------------------------------------------------------------------
    def show_summary(self) -> None:
        if self._summary is None:
            self._summary = SummaryDialog(self)
        self._summary.set_analysis(self.doc.graph, self.doc.analysis)
        self._summary.show()
        self._summary.raise_()
        self._summary.activateWindow()

    def show_about(self) -> None:
        show_about(self)

    def show_quick_tour(self) -> None:
        show_quick_tour(self)

    # ---- layout and closing ----------------------------------------------------------
    def restore_layout(self) -> None:
        geometry, state = self.settings.window_geometry(), self.settings.window_state()
        if geometry is None or not self.restoreGeometry(geometry):
            self._default_geometry()
        if state is None or not self.restoreState(state, LAYOUT_VERSION):
            self._default_dock_layout()
        self._layout_restored = True

    def _default_dock_layout(self) -> None:
        tab_default_layout(self, self.docks)
        # Sizes given before the window has its final size are scaled with it afterwards,
        # so they are applied when it is first shown (showEvent).
        self._default_sizes_pending = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._default_sizes_pending:
            self._default_sizes_pending = False
            apply_default_sizes(self, self.docks)

    def _default_geometry(self) -> None:
        default_geometry(self)

    def save_layout(self) -> None:
        self.settings.set_window_layout(self.saveGeometry(), self.saveState(LAYOUT_VERSION))
        self.settings.sync()

    # ---- a project file dropped on the window opens it --------------------------------
    @staticmethod
    def _dropped_project(event: QDragEnterEvent | QDropEvent) -> str | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        local = [u.toLocalFile() for u in urls if u.isLocalFile()]
        return local[0] if len(local) == 1 and local[0].lower().endswith(".json") else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if self._dropped_project(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        path = self._dropped_project(event)
        if path:
            event.acceptProposedAction()
            # After the drop returns: the save prompt is modal and must not run inside it.
            QTimer.singleShot(0, lambda: self.files.maybe_save() and self.files.open_path(path))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self.files.maybe_save():
            event.ignore()
            return
        self.save_layout()
        event.accept()
