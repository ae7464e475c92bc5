"""Diagnose training in the main window: a bottom "Diagnose" dock with Evaluation,
Gradients and Compare tabs; Train ▸ Evaluate (Ctrl+E) and Train ▸ Diagnose.

`install_diagnose(window, doc, controller)` takes the TrainingController and uses only its
interface (signals + request_probe). Evaluation and the lab's comparison run as one-shot
jobs (app/jobs.py), never on the GUI thread. The views import pyqtgraph, so they are
built when first needed (the controller's warm-up, the dock shown, a run started).
`openSample(image_index, split)` reports a gallery click, for the inspection views.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from app.jobs import JobRunner
from app.panels.diagnose.probes import DiagnosticsRecorder
from app.panels.diagnose.runs import RunsKeeper
from app.panels.training import warm_up as gui_warm_up
from widgets.staged import StagedBuild
from widgets.theme import is_dark, theme_notifier

if TYPE_CHECKING:
    from app.document import Document
    from app.host import WindowHost

EVALUATE_JOB = "engine.inspect.evaluate:evaluate"
COMPARE_JOB = "engine.inspect.lab:compare_gradient_flow"
LAB_TEMPLATES = ("deep_mlp_sigmoid", "deep_mlp_relu")
CELL_IMAGES = 64
NO_WEIGHTS = "Train the network first: there are no trained weights to evaluate."
WeightsProvider = Callable[[], "dict[str, Any] | None"]


class DiagnoseBinding(QObject):
    openSample = Signal(int, str)  # noqa: N815 - image index in its split, split

    def __init__(self, window: WindowHost, doc: Document, controller: Any,
                 jobs: JobRunner | None = None,
                 weights_provider: WeightsProvider | None = None) -> None:
        super().__init__(window)  # type: ignore[arg-type]  # the host is the QMainWindow
        self.window, self.doc, self.controller = window, doc, controller
        self.jobs = jobs if jobs is not None else JobRunner(self)
        # Where trained weights come from: the Document's (the last run's, or the project's
        # saved ones); else the Finished event's, else the recorder's last epoch-end copy.
        self.weights_provider = weights_provider if weights_provider is not None else (
            lambda: doc.weights)
        self.recorder = DiagnosticsRecorder(controller, self)
        self.runs = RunsKeeper(doc, controller, self)
        self._finished_weights: dict[str, Any] | None = None
        self._gradient_rows: list[list[float]] = []
        self._gradient_layers: list[str] = []
        self._gradient_steps: list[int] = []
        self._views_build: StagedBuild | None = None
        self._layer = ""
        self._eval_job = self._compare_job = 0
        self._eval_announce = True  # whether the running evaluation reports in the status bar
        self._result: dict[str, Any] | None = None
        self.evaluation = self.gradients = self.compare = self.runs_view = None  # ensure_views
        self.timeline = None
        self.tabs = QTabWidget()
        self._placeholder = QLabel("Loading the diagnosis views…")
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.panel = QWidget()
        self._layout = QVBoxLayout(self.panel)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self._placeholder)
        self.dock = window.add_dock("diagnose", "Diagnose", self.panel)
        self.dock.hide()
        self.dock.visibilityChanged.connect(lambda shown: shown and self.ensure_views())
        self._actions()
        self._connect()

    # ---- composition -----------------------------------------------------------------------
    def _actions(self) -> None:
        self.evaluate_action = QAction("&Evaluate", self.window)  # type: ignore[arg-type]
        self.evaluate_action.setObjectName("action_evaluate")
        self.evaluate_action.setShortcut(QKeySequence("Ctrl+E"))
        self.evaluate_action.setStatusTip("Accuracy, per-class P/R/F1, confusion matrix and "
                                          "mistakes of the trained network on the test split")
        self.evaluate_action.triggered.connect(lambda: self.evaluate("test"))
        self.diagnose_action = QAction("&Diagnose", self.window)  # type: ignore[arg-type]
        self.diagnose_action.setObjectName("action_diagnose")
        self.diagnose_action.setStatusTip("Evaluation, gradient flow, histograms, Sigmoid vs ReLU")
        self.diagnose_action.triggered.connect(self.show_panel)
        self.window.actions["evaluate"] = self.evaluate_action
        self.window.actions["diagnose"] = self.diagnose_action
        menu = self.window.menus["train"]
        menu.addSeparator()
        menu.addAction(self.evaluate_action)
        menu.addAction(self.diagnose_action)

    def _connect(self) -> None:
        c, r = self.controller, self.recorder
        c.warmedUp.connect(lambda _cuda: self.ensure_views())
        gui_warm_up.when_imported(self.start_building_views)
        c.started.connect(self._on_started)
        c.finished.connect(self._on_finished)
        r.gradients.connect(self._on_gradients)
        r.snapshot.connect(self._show_snapshot)
        self.jobs.finished.connect(self._on_job_finished)
        self.jobs.failed.connect(self._on_job_failed)
        self.jobs.progress.connect(self._on_job_progress)
        theme_notifier().themeChanged.connect(self._set_dark)

    def start_building_views(self) -> StagedBuild:
        """Build the views a plot at a time between other events (widgets/staged.py), from
        when pyqtgraph is imported: made in one go (~0.4 s, and 1.1 s with a run starting)
        they froze the window just as a first Train began."""
        if self._views_build is None:
            self._views_build = StagedBuild(self._build_views(), self._views_built, self)
            self._views_build.start()
        return self._views_build

    def ensure_views(self) -> None:
        """The views, whatever of them is not built yet built now."""
        self.start_building_views().finish()

    def _build_views(self) -> Iterator[None]:
        from widgets.diagnose.compare_view import CompareView
        from widgets.diagnose.evaluation_view import EvaluationView
        from widgets.diagnose.gradients_view import GradientsView
        from widgets.diagnose.runs_view import RunsView
        from widgets.diagnose.timeline_view import TimelineView

        dark = is_dark()
        yield
        evaluation = EvaluationView(dark=dark)
        yield
        gradients = GradientsView(dark=dark, staged=True)
        yield from gradients.build
        runs_view = RunsView(dark=dark)
        yield
        timeline = TimelineView()
        yield
        compare = CompareView(dark=dark)
        # Set together, so "is None" means "not built yet" everywhere else.
        self.evaluation, self.gradients, self.runs_view = evaluation, gradients, runs_view
        self.timeline, self.compare = timeline, compare

    def _views_built(self) -> None:
        self.tabs.addTab(self.evaluation, "Evaluation")
        self.tabs.addTab(self.gradients, "Gradients")
        self.tabs.addTab(self.timeline, "Timeline")
        self.tabs.addTab(self.runs_view, "Runs")
        self.tabs.addTab(self.compare, "Compare")
        self.runs_view.set_runs(self.runs.runs)
        self.runs.runsChanged.connect(lambda: self.runs_view.set_runs(self.runs.runs))
        self.runs_view.openFolderRequested.connect(self.open_run_folder)
        self.recorder.timelineChanged.connect(
            lambda: self.timeline.set_snapshots(self.recorder.kept_timeline()))
        self.timeline.sampleChosen.connect(lambda index: setattr(self.recorder, "sample", index))
        self._layout.replaceWidget(self._placeholder, self.tabs)
        self._placeholder.deleteLater()
        self.evaluation.evaluateRequested.connect(self.evaluate)
        self.evaluation.cellChosen.connect(self._show_cell)
        self.evaluation.openSample.connect(self.openSample)
        self.gradients.layerChosen.connect(self._choose_layer)
        self.gradients.snapshotChosen.connect(lambda _i: self._show_snapshot())
        self.compare.compareRequested.connect(self.run_compare)
        # What a run recorded before the views existed.
        self.timeline.set_snapshots(self.recorder.kept_timeline())
        self._replay_gradients()
        self._show_snapshot()

    def show_panel(self, tab: str = "") -> None:
        self.ensure_views()
        self.dock.show()
        self.dock.raise_()
        pages = {"evaluation": self.evaluation, "gradients": self.gradients, "timeline": self.timeline,
                 "runs": self.runs_view, "compare": self.compare}
        if tab in pages:
            self.tabs.setCurrentWidget(pages[tab])

    # ---- training ---------------------------------------------------------------------------
    def _on_started(self, _started: Any) -> None:
        self._finished_weights = None
        self._gradient_rows, self._gradient_layers, self._gradient_steps = [], [], []
        if self.gradients is not None:
            self.gradients.clear()
        else:  # the rows are kept, and shown once the view exists
            self.start_building_views()

    def _on_finished(self, finished: Any) -> None:
        self._finished_weights = finished.weights or self.recorder.latest_weights
        if finished.reason == "completed" and self.trained_weights() is not None:
            self.evaluate("test", announce=False)  # after every completed run

    def trained_weights(self) -> dict[str, Any] | None:
        if self.weights_provider is not None:
            weights = self.weights_provider()
            if weights is not None:
                return weights
        return self._finished_weights or self.recorder.latest_weights

    def _on_gradients(self, step: int, layers: list[str], norms: list[float]) -> None:
        from engine.inspect.gradflow import gradient_warning

        if layers != self._gradient_layers:
            self._gradient_layers, self._gradient_rows, self._gradient_steps = list(layers), [], []
            if self.gradients is not None:
                self.gradients.strip.set_layers(layers)
        self._gradient_rows.append(list(norms))
        self._gradient_steps.append(step)
        if self.gradients is not None:
            self.gradients.strip.add(step, norms)
            self.gradients.set_warning(gradient_warning(self._gradient_layers, self._gradient_rows))

    def _replay_gradients(self) -> None:
        """Rows that came before the view was built."""
        from engine.inspect.gradflow import gradient_warning

        if self.gradients is None or not self._gradient_rows:
            return
        self.gradients.strip.set_layers(self._gradient_layers)
        for step, norms in zip(self._gradient_steps, self._gradient_rows, strict=True):
            self.gradients.strip.add(step, norms)
        self.gradients.set_warning(gradient_warning(self._gradient_layers, self._gradient_rows))

    def _choose_layer(self, name: str) -> None:
        self._layer = name
        self._show_snapshot()

    def _show_snapshot(self) -> None:
        snapshots = self.recorder.snapshots
        view = self.gradients
        if not snapshots or view is None:
            return
        first_step, first = snapshots[0]
        layers = [n for n in first["layers"] if n in first["weights"] or n in first["activations"]]
        view.set_layers(layers)
        view.set_snapshots(len(snapshots))
        layer = self._layer if self._layer in layers else view.layer_box.currentText()
        index = min(view.slider.value(), len(snapshots) - 1)
        step, payload = snapshots[index]
        view.set_when(f"step {step:,} ({index + 1}/{len(snapshots)})")
        for plot, key in ((view.weights, "weights"), (view.activations, "activations")):
            now, ref = payload[key].get(layer), first[key].get(layer)
            if now is None:
                plot.clear()
                continue
            reference = (ref["counts"], ref["edges"]) if ref is not None and index else None
            plot.title = f"{'Weights' if key == 'weights' else 'Activations'} of {layer}"
            plot.show_histogram(f"step {step:,} (mean {now['mean']:.3g}, std {now['std']:.3g})",
                                now["counts"], now["edges"], reference)
        dead = payload.get("dead", {})
        view.dead.set_fractions(list(dead), list(dead.values()))

    # ---- evaluation ------------------------------------------------------------------------
    def evaluate(self, split: str = "test", announce: bool = True) -> None:
        """Evaluate the document's weights on `split`. `announce`: say the result in the
        status bar too (on demand); the evaluation after a run says it in the panel only, so
        the run's own "Finished" line stays where the user looks."""
        self._eval_announce = announce
        self.show_panel("evaluation")
        weights = self.trained_weights()
        if weights is None:
            self.evaluation.show_error(NO_WEIGHTS)
            self.window.show_message(NO_WEIGHTS)
            return
        if self._eval_job:
            self.jobs.cancel(self._eval_job)
        from engine.project import dumps

        self.evaluation.show_busy(0.0, "Starting the evaluation…")
        self._eval_job = self.jobs.submit(EVALUATE_JOB, project=dumps(self.doc.project),
                                          weights=weights, split=split, with_images=True)

    def _show_cell(self, true_class: int, predicted: int) -> None:
        from engine.training.metrics import cell_members

        r = self._result
        if r is None:
            return
        members = cell_members(r["true"], r["predicted"], r["confidence"], true_class, predicted)
        names = r["class_names"]
        shown = members[:CELL_IMAGES]
        more = f", the {len(shown)} most confident shown" if len(members) > len(shown) else ""
        title = (f"{len(members):,} {names[true_class]} images predicted as {names[predicted]}{more}")
        captions = [f"{100 * r['confidence'][i]:.0f}%" for i in shown]
        self.evaluation.show_cell(title, [r["images"][i] for i in shown], captions,
                                  [int(i) for i in shown])

    # ---- runs ---------------------------------------------------------------------------------
    def open_run_folder(self, folder: str | None = None) -> None:
        """Add a `netcanvas train --out` folder as a run (asks for it when not given)."""
        from engine.runs import RunError

        if folder is None:
            from PySide6.QtWidgets import QFileDialog

            folder = QFileDialog.getExistingDirectory(self.panel, "Open Run Folder")
            if not folder:
                return
        try:
            run = self.runs.add_folder(folder)
        except RunError as exc:
            self.window.show_message(str(exc))
            return
        self.show_panel("runs")
        self.window.show_message(f"{run['label']} added: {run['summary']}.")

    # ---- the lab ------------------------------------------------------------------------------
    def run_compare(self) -> None:
        from engine.project import dumps
        from engine.templates import load_template

        self.show_panel("compare")
        self.compare.show_busy(0.0, "Loading the data…")
        projects = [dumps(load_template(key)) for key in LAB_TEMPLATES]
        self._compare_job = self.jobs.submit(COMPARE_JOB, projects=projects, epochs=1)

    # ---- jobs -----------------------------------------------------------------------------------
    def _on_job_progress(self, job_id: int, fraction: float, text: str) -> None:
        if job_id == self._eval_job:
            self.evaluation.show_busy(fraction, text)
        elif job_id == self._compare_job:
            self.compare.show_busy(fraction, text)

    def _on_job_finished(self, job_id: int, result: Any) -> None:
        if job_id == self._eval_job:
            self._eval_job = 0
            self._result = result
            images = [result["images"][m["index"]] for m in result["mistakes"]]
            self.evaluation.show_result(result, images)
            if result["split"] == "test" and result.get("trained", True):
                self.runs.set_test_accuracy(result["accuracy"])
            if self._eval_announce:
                self.window.show_message(f"Evaluation: {100 * result['accuracy']:.2f}% accuracy "
                                         f"on the {result['split']} split.")
        elif job_id == self._compare_job:
            from engine.inspect.gradflow import gradient_warning

            self._compare_job = 0
            warnings = [gradient_warning(r["layers"], r["grad_norm"]) for r in result]
            self.compare.show_runs(result, warnings)

    def _on_job_failed(self, job_id: int, message: str) -> None:
        if job_id == self._eval_job:
            self._eval_job = 0
            self.evaluation.show_error(message)
        elif job_id == self._compare_job:
            self._compare_job = 0
            self.compare.show_error(message)
        else:
            return
        self.window.show_message(message)

    def _set_dark(self, dark: bool) -> None:
        for view in (self.evaluation, self.gradients, self.runs_view, self.compare):
            if view is not None:
                view.set_dark(dark)

    def shutdown(self) -> None:
        self.jobs.shutdown()


def install_diagnose(window: WindowHost, doc: Document, controller: Any) -> DiagnoseBinding:
    """Add the Diagnose dock and its actions; see the module doc."""
    return DiagnoseBinding(window, doc, controller)
