"""Training in the main window: docks, the Train/Pause/Stop actions, settings, stale runs.

`install_training(window, doc)` adds a bottom "Training" dock (progress + live plots) and a
"Training Settings" dock, wires `window.actions["train"|"pause"|"stop"]` and a Train menu
entry, and makes closing the window stop a run cleanly.

Editing the network while it trains does not lock the canvas: the run goes on with its
snapshot and a banner says the results are for the old network (undoing the edit clears it).

Start-up stays fast: pyqtgraph (~0.4 s) and torch (seconds) are imported on a background
thread shortly after the window appears; the plots are then built a plot at a time
between other events (widgets/staged.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QMainWindow, QScrollArea, QVBoxLayout, QWidget

from app.panels.training.controller import PAUSED, STOPPING, TRAINING, TrainingController
from app.panels.training.plots_slot import PLOTS_MODULE, PlotsSlot
from engine.data import DataError, project_source
from engine.graph import Graph
from widgets.icons import icon
from widgets.theme import is_dark, theme_notifier
from widgets.train_progress import STALE_TEXT, TrainProgress
from widgets.train_settings_panel import TrainSettingsPanel

if TYPE_CHECKING:
    from app.document import Document
    from widgets.plots.training import TrainPlots

# Imported with the plots: pyqtgraph loads numpy.ma on its first curve, a 115 ms stall when
# that came with the first gradient probe of a run (bench/ui_latency.py --trace).
WARM_UP_MODULES = (PLOTS_MODULE, "numpy.ma")
# After the window's first paint, so neither the start-up time nor its first frames pay.
WARM_UP_DELAY_MS = 1500
DOCK_HEIGHT = 290
STALE_AFTER_TEXT = ("The network changed after this run; these results are for the old network. "
                    "Train again to use the new one.")
DATA_STALE_TEXT = ("The data settings changed after this run started; results are for the old "
                   "data. Stop and Train again to use the new data.")
NEXT_RUN_NOTE = "Training is running: changes apply to the next run."

DatasetProvider = Callable[[], Any]


def editor_threads() -> int:
    """Training threads for "Auto" in the editor: what `netcanvas train` uses by default
    (PyTorch's own: every usable core, or OMP_NUM_THREADS). Training runs in the engine
    worker process, so its threads no longer fight the GUI thread for the GIL; see
    docs/architecture.md, "Where torch runs", for the measurements."""
    configured = os.environ.get("OMP_NUM_THREADS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def network_signature(graph: Graph) -> tuple[Any, ...]:
    """What the model is built from; positions are left out (moving a layer changes nothing)."""
    nodes = sorted((n.id, n.type_id, sorted(n.params.items())) for n in graph.nodes.values())
    edges = sorted((e.source, e.target, e.port) for e in graph.edges)
    return (nodes, edges)


class _TrainingPanel(QWidget):
    """The Training dock's contents: progress on top, plots below."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("trainingPanel")

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override: the dock's first height
        return QSize(900, DOCK_HEIGHT)


class TrainingBinding(QObject):
    def __init__(self, window: QMainWindow, doc: Document,
                 controller: TrainingController | None = None) -> None:
        super().__init__(window)
        self.window, self.doc = window, doc
        self.controller = controller if controller is not None else TrainingController(self)
        # Tests and a data panel that already holds the data set in memory can supply it.
        self.dataset_provider: DatasetProvider | None = None
        self._run_signature: tuple[Any, ...] | None = None
        self._run_graph: Graph | None = None  # the graph the current run trains
        self._run_data: dict[str, Any] | None = None
        self._build_docks()
        self._wire_actions()
        self._connect()
        self.settings_panel.set_settings(doc.project.training)
        self._update_actions()
        window.installEventFilter(self)
        QTimer.singleShot(WARM_UP_DELAY_MS, self, self.warm_up)

    # ---- composition -----------------------------------------------------------------
    def _build_docks(self) -> None:
        window = self.window
        self.progress = TrainProgress()
        self.panel = _TrainingPanel()
        self._panel_layout = QVBoxLayout(self.panel)
        self._panel_layout.setContentsMargins(4, 0, 4, 4)
        self._panel_layout.setSpacing(2)
        self._panel_layout.addWidget(self.progress)
        self.plots_slot = PlotsSlot(self._panel_layout, self)
        self.dock = window.add_dock("training", "Training", self.panel,
                                    Qt.DockWidgetArea.BottomDockWidgetArea)

        self.settings_panel = TrainSettingsPanel()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.settings_panel)
        self.settings_dock = window.add_tab_beside("train_settings", "Training Settings", scroll)
        self._set_dark(is_dark())

    def _wire_actions(self) -> None:
        actions: dict[str, QAction] = self.window.actions
        self.train_action, self.pause_action = actions["train"], actions["pause"]
        self.stop_action = actions["stop"]
        self.train_action.triggered.connect(self.train)
        self.pause_action.triggered.connect(self.toggle_pause)
        self.stop_action.triggered.connect(self.stop)
        self.settings_action = QAction("Training &Settings…", self.window)
        self.settings_action.setObjectName("action_train_settings")
        self.settings_action.setToolTip("Optimizer, learning rate, L2 penalty, loss, epochs…")
        self.settings_action.setStatusTip("Optimizer, learning rate, L2 penalty, loss, epochs…")
        self.settings_action.triggered.connect(self.show_settings)
        actions["train_settings"] = self.settings_action
        self.clear_plots_action = QAction("C&lear Plots", self.window)
        self.clear_plots_action.setObjectName("action_clear_plots")
        self.clear_plots_action.setStatusTip("Remove the last run's curves from the training plots")
        self.clear_plots_action.triggered.connect(self.clear_plots)
        actions["clear_plots"] = self.clear_plots_action
        menu = self.window.menus["train"]
        menu.addSeparator()
        menu.addAction(self.settings_action)
        menu.addAction(self.clear_plots_action)

    def _connect(self) -> None:
        c, doc = self.controller, self.doc
        c.stateChanged.connect(self._on_state)
        c.started.connect(self._on_started)
        c.progress.connect(self._on_progress)
        c.epochEnded.connect(self._on_epoch)
        c.paused.connect(self.progress.show_paused)
        c.resumed.connect(self.progress.show_resumed)
        c.finished.connect(self._on_finished)
        c.failed.connect(self._on_failed)
        c.failedWeights.connect(self._on_failed_weights)
        c.warmedUp.connect(self._on_warmed_up)
        doc.analysisChanged.connect(self._on_document_changed)
        doc.projectReplaced.connect(self._on_project_replaced)
        doc.settingsChanged.connect(self._on_document_settings)
        self.settings_panel.settingsChanged.connect(self._on_panel_settings)
        theme_notifier().themeChanged.connect(self._set_dark)

    # ---- commands --------------------------------------------------------------------
    def train(self) -> None:
        """Train (F5): a snapshot of the current project on the worker thread."""
        if self.controller.is_running:
            return
        blocker = self.train_blocker()
        if blocker:
            self._message(blocker)
            return
        building = self.plots is None
        self.plots_slot.new_run()
        if building:  # pressed before the warm-up built them: import off this thread
            self.warm_up()
        self._run_signature = network_signature(self.doc.graph)
        self._run_graph = self.doc.graph.copy()  # what the weights will belong to
        self._run_data = dict(self.doc.project.data or {})
        self.progress.set_stale(False)
        self.progress.show_preparing()
        self.controller.start(self.doc.project, self._provided_dataset(), self._overrides())
        self.dock.show()
        self.dock.raise_()

    def _overrides(self) -> dict[str, Any]:
        """"Auto" threads (0) in the editor: the command line's default, spelled out so the
        worker (which may have run with other settings) uses exactly that."""
        if (self.doc.project.training or {}).get("threads", 0):
            return {}
        return {"threads": editor_threads()}

    def _provided_dataset(self) -> Any:
        """The data set already in memory, if it is the one the project names (a load the
        user just asked for may still be running); otherwise the worker loads it."""
        dataset = self.dataset_provider() if self.dataset_provider is not None else None
        if dataset is None:
            return None
        try:
            wanted = project_source(self.doc.project.data)
        except DataError:
            return None  # the worker reports the bad record in its own words
        return dataset if dataset.source == wanted else None

    def toggle_pause(self) -> None:
        """Pause / Resume (F6)."""
        if self.controller.state == PAUSED:
            self.controller.resume()
        elif self.controller.state == TRAINING:
            self.controller.pause()

    def stop(self) -> None:
        self.controller.stop()

    def clear_plots(self) -> None:
        """Forget the last run's curves: the plots show their empty state again."""
        if self.plots is not None and not self.controller.is_running:
            self.plots.clear()

    def show_settings(self) -> None:
        self.settings_dock.show()
        self.settings_dock.raise_()
        self.settings_panel.editors["lr"].setFocus()

    def shutdown(self) -> None:
        """Stop and join any run (window close, application quit)."""
        self.controller.shutdown()

    def train_blocker(self) -> str:
        """Why Train cannot start now, or "" when it can."""
        if self.controller.is_running:
            return "Training is already running; stop it (Shift+F5) to start again."
        errors = self.doc.analysis.errors
        if not self.doc.graph.nodes:
            return "Cannot train yet: the canvas is empty; add layers or start from a template."
        if errors:
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            return f"Cannot train yet: {errors[0]}{more}"
        return ""

    # ---- warm-up and plots -------------------------------------------------------------
    @property
    def plots(self) -> TrainPlots | None:
        return self.plots_slot.plots

    def warm_up(self) -> None:
        self.controller.warm_up(extra_modules=WARM_UP_MODULES)
        self.plots_slot.build_when_imported()

    def _on_warmed_up(self, cuda_available: bool) -> None:
        self.settings_panel.set_cuda_available(cuda_available)
        self.ensure_plots()

    def _plot(self, method: str, *args: Any) -> None:
        """Feed the plots, or queue the call until the warm-up has built them: importing
        pyqtgraph here, on the GUI thread, froze a first Train for ~0.5 s."""
        self.plots_slot.call(method, *args)

    def ensure_plots(self) -> TrainPlots:
        return self.plots_slot.ensure()

    # ---- controller -> views ---------------------------------------------------------
    def _on_state(self, state: str) -> None:
        if state == STOPPING:
            self.progress.show_stopping()
        self.settings_panel.set_note(NEXT_RUN_NOTE if self.controller.is_running else "")
        self._update_actions()
        self._check_stale()  # the banner's wording differs during and after a run

    def _on_started(self, started: Any) -> None:
        self._plot("set_run", started.total_steps, started.epochs)
        self.progress.show_started(started)

    def _on_progress(self, events: list[Any]) -> None:
        self._plot("add_batches", events)
        self.progress.show_batches(events)

    def _on_epoch(self, event: Any) -> None:
        self._plot("add_epoch", event)
        self.progress.show_epoch(event)

    def _on_finished(self, finished: Any) -> None:
        if self.plots_slot.has_pending:  # the warm-up never finished: show the run anyway
            self.ensure_plots()
        self.progress.show_finished(finished)
        if finished.weights is not None and self._run_graph is not None:  # kept, and saved
            self.doc.set_weights(finished.weights, "training", trained_on=self._run_graph)
        self._message(self.progress.status_text())
        self._check_stale()

    def _on_failed_weights(self, weights: Any) -> None:
        if self._run_graph is not None:  # the last good step's weights outlive the failure
            self.doc.set_weights(weights, "training (until it failed)", trained_on=self._run_graph)

    def _on_failed(self, message: str) -> None:
        self.progress.show_failed(message)
        self._message(f"Training failed: {message}")
        self._check_stale()


    # ---- document -> views -----------------------------------------------------------
    def _on_document_changed(self, *_args: object) -> None:
        self._update_actions()
        self._check_stale()

    def _on_project_replaced(self) -> None:
        self.settings_panel.set_settings(self.doc.project.training)
        self._check_stale()

    def _on_document_settings(self) -> None:
        if self.doc.project.training != self.settings_panel.settings():
            self.settings_panel.set_settings(self.doc.project.training)
        self._check_stale()

    def _on_panel_settings(self, record: dict[str, Any]) -> None:
        self.doc.set_project_records(training=dict(record))

    def _check_stale(self) -> None:
        if self._run_signature is None:
            return
        running = self.controller.is_running
        if network_signature(self.doc.graph) != self._run_signature:
            self.progress.set_stale(True, STALE_TEXT if running else STALE_AFTER_TEXT)
        elif running and dict(self.doc.project.data or {}) != self._run_data:
            self.progress.set_stale(True, DATA_STALE_TEXT)
        else:
            self.progress.set_stale(False)

    # ---- actions ---------------------------------------------------------------------
    def _update_actions(self) -> None:
        c = self.controller
        blocker = self.train_blocker()
        self.train_action.setEnabled(not blocker)
        self._set_tip(self.train_action, blocker or "Train the network on the canvas")
        self.progress.set_blocker(blocker)
        paused = c.state == PAUSED
        self.pause_action.setEnabled(c.state in (TRAINING, PAUSED))
        self.pause_action.setText("&Resume" if paused else "&Pause")
        self.pause_action.setProperty("icon_name", "train" if paused else "pause")
        self.pause_action.setIcon(icon("train" if paused else "pause", is_dark()))
        self._set_tip(self.pause_action, "Resume training" if paused else "Pause training")
        self.stop_action.setEnabled(c.is_running and c.state != STOPPING)
        self.clear_plots_action.setEnabled(not c.is_running)

    @staticmethod
    def _set_tip(action: QAction, tip: str) -> None:
        keys = action.shortcuts()
        shortcut = keys[0].toString() if keys else ""
        action.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)
        action.setStatusTip(tip)

    def _message(self, text: str) -> None:
        self.window.show_message(text)

    def _set_dark(self, dark: bool) -> None:
        self.progress.set_dark(dark)
        self.settings_panel.set_dark(dark)
        if hasattr(self, "plots_slot"):
            self.plots_slot.set_dark(dark)

    # ---- closing -------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """A close while training: let the window decide first (it may ask to save and be
        cancelled); only a close that goes ahead stops and joins the run, before any of
        the window's children (this binding included) can be destroyed."""
        if (watched is self.window and event.type() == QEvent.Type.Close
                and self.controller.is_running and isinstance(event, QCloseEvent)):
            self.window.closeEvent(event)
            if event.isAccepted():
                self.controller.shutdown()
            return True  # handled: Qt reads the event's accepted flag, not this result
        return super().eventFilter(watched, event)


def install_training(window: QMainWindow, doc: Document) -> TrainingBinding:
    """Add training to the main window (docks, actions, menu entry); see the module doc."""
    return TrainingBinding(window, doc)
