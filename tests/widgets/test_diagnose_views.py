"""Diagnose views with plain data: gradient strip, histograms, dead units, confusion matrix,
galleries, the evaluation, gradients and compare views."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from engine.training.metrics import classification_report
from widgets.diagnose.compare_view import CompareView
from widgets.diagnose.evaluation_view import EvaluationView
from widgets.diagnose.gallery import SampleGallery
from widgets.diagnose.gradients_view import GradientsView
from widgets.plots.confusion import ConfusionPlot
from widgets.plots.dead_units import DeadUnitsPlot
from widgets.plots.gradient_strip import GradientStrip
from widgets.plots.histogram import HistogramPlot


def shown(widget, qtbot, size=(900, 300)):  # noqa: ANN001, ANN201
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_gradient_strip_draws_log_norms_and_clears(qtbot) -> None:
    strip = shown(GradientStrip(), qtbot)
    assert strip._stack.currentWidget() is strip.empty_label
    layers = [f"fc{i}" for i in range(1, 21)]
    strip.set_layers(layers)
    for step in range(1, 11):
        strip.add(step * 10, [10.0 ** -(20 - i) for i in range(20)])
    strip.add(999, [1.0])  # a probe of another network is ignored
    qtbot.waitUntil(lambda: strip.image.image is not None, timeout=3000)
    assert strip._stack.currentWidget() is strip.graphics
    grid = strip.image.image
    assert grid.shape == (20, 10)  # layers x samples
    assert grid[0, 0] == pytest.approx(-20) and grid[19, 0] == pytest.approx(-1)
    assert strip.levels == (pytest.approx(-20), pytest.approx(-1))
    x, y = strip.curves[0].getOriginalDataset()
    assert x.tolist() == [10.0 * s for s in range(1, 11)] and y[0] == pytest.approx(1e-20)
    ticks = strip.strip_plot.getAxis("left")._tickLevels[0]
    assert 1 <= len(ticks) <= 20 and ticks[0] == (0.5, "fc1")  # thinned to fit, never overlapping
    strip.clear()
    assert strip._stack.currentWidget() is strip.empty_label


def test_histogram_and_dead_units(qtbot) -> None:
    hist = shown(HistogramPlot(title="Weights"), qtbot, (400, 250))
    hist.show_histogram("now", np.array([1, 3, 2]), np.array([0.0, 1.0, 2.0, 3.0]),
                        reference=(np.array([2, 2, 2]), np.array([0.0, 1.0, 2.0, 3.0])))
    qtbot.waitUntil(lambda: hist.current.getOriginalDataset()[1] is not None, timeout=3000)
    x, y = hist.current.getOriginalDataset()
    assert x.tolist() == [0, 1, 2, 3] and y.tolist() == [1, 3, 2]
    hist.clear()
    assert hist._stack.currentWidget() is hist.empty_label
    dead = shown(DeadUnitsPlot(), qtbot, (400, 250))
    dead.set_fractions(["relu1", "relu2"], [0.25, 0.0])
    qtbot.waitUntil(lambda: dead.redraw_count > 0, timeout=3000)
    assert dead.bars.opts["height"].tolist() == [25.0, 0.0]
    assert "worst 25%" in dead.plot.titleLabel.text


def test_confusion_plot_cells_and_clicks(qtbot) -> None:
    plot = shown(ConfusionPlot(), qtbot, (500, 400))
    report = classification_report([0, 0, 1, 2, 2], [0, 1, 1, 2, 0], 3, ["a", "b", "c"])
    plot.set_matrix(report["confusion_matrix"], report["confusion_matrix_normalised"], ["a", "b", "c"])
    qtbot.waitUntil(lambda: plot.redraw_count > 0, timeout=3000)
    assert [t.textItem.toPlainText() for t in plot.texts] == ["1", "1", "0", "0", "1", "0",
                                                             "1", "0", "1"]
    plot.set_mode("normalised")
    qtbot.waitUntil(lambda: plot.texts[0].textItem.toPlainText() == "50%", timeout=3000)
    clicks: list[tuple[int, int]] = []
    plot.cellClicked.connect(lambda i, j: clicks.append((i, j)))

    class Click:
        def pos(self) -> QPointF:
            return QPointF(1.4, 0.6)  # column 1 (predicted b), row 0 (true a)

        def accept(self) -> None:
            pass

    plot.image.mouseClickEvent(Click())
    assert clicks == [(0, 1)]


def evaluation_result() -> dict:
    true = np.array([0, 0, 1, 1, 2, 2])
    pred = np.array([0, 1, 1, 1, 2, 0])
    report = classification_report(true, pred, 3, ["shirt", "bag", "boot"])
    report.update(split="test", data="tiny", loss=0.5, trained=True,
                  mistakes=[{"index": 5, "true": 2, "predicted": 0, "probability": 0.9},
                            {"index": 1, "true": 0, "predicted": 1, "probability": 0.6}],
                  true=true, predicted=pred, confidence=np.linspace(0.5, 1, 6),
                  images=np.zeros((6, 1, 8, 8), np.uint8))
    return report


def test_evaluation_view_shows_the_numbers_and_opens_samples(qtbot) -> None:
    view = shown(EvaluationView(), qtbot, (1000, 420))
    requested: list[str] = []
    view.evaluateRequested.connect(requested.append)
    view.evaluate_button.click()
    assert requested == ["test"]
    result = evaluation_result()
    view.show_result(result, [result["images"][m["index"]] for m in result["mistakes"]])
    assert "66.67%" in view.summary.text() and "6 test images" in view.summary.text()
    assert view.table.rowCount() == 3
    assert view.table.item(0, 0).text() == "shirt" and float(view.table.item(0, 2).text()) == 0.5
    assert view.mistakes.grid.count() == 2 and "boot → shirt 90%" in view.mistakes.grid._captions
    opened: list[tuple[int, str]] = []
    view.openSample.connect(lambda i, s: opened.append((i, s)))
    view.mistakes.grid.imageClicked.emit(0)
    assert opened == [(5, "test")]
    view.show_cell("2 images", [np.zeros((8, 8), np.uint8)] * 2, ["90%", "80%"], [3, 2])
    assert view.tabs.currentWidget() is view.cell
    view.cell.grid.imageClicked.emit(1)
    assert opened[-1] == (2, "test")
    view.show_error("The weights do not fit.")
    assert "Evaluation failed: The weights do not fit." in view.summary.text()


def test_gallery_without_images_shows_its_sentence(qtbot) -> None:
    gallery = shown(SampleGallery("Nothing here yet."), qtbot, (300, 200))
    assert gallery.title.text() == "Nothing here yet." and gallery.grid.count() == 0


def test_gradients_view_warning_and_snapshots(qtbot) -> None:
    view = shown(GradientsView(), qtbot, (1000, 500))
    assert not view.warning.isVisible()
    view.set_warning("Gradients vanish: ...")
    assert view.warning.isVisible()
    view.set_layers(["fc1", "fc2"])
    view.set_snapshots(3)
    assert view.slider.maximum() == 2 and view.slider.value() == 2  # follows the newest
    view.slider.setValue(0)
    view.set_snapshots(4)
    assert view.slider.value() == 0  # scrubbed back: stays
    view.clear()
    assert not view.warning.isVisible() and view.slider.maximum() == 0


def test_compare_view_side_by_side(qtbot) -> None:
    view = shown(CompareView(), qtbot, (1000, 500))
    runs = [{"name": name, "layers": ["fc1", "fc2"], "steps": np.array([1, 2]),
             "grad_norm": np.array([[scale, 1.0], [scale, 1.0]]), "loss_steps": np.array([1, 2]),
             "loss": np.array([2.3, 2.0]), "val_acc": 0.5} for name, scale in
            (("Sigmoid", 1e-4), ("ReLU", 0.5))]
    view.show_runs(runs, ["Gradients vanish: …", ""])
    assert len(view.columns) == 2
    assert "Gradients vanish" in view.columns[0][0].text()
    assert "no warning" in view.columns[1][0].text()
    assert view.columns[0][1].rows[0][0] == pytest.approx(1e-4)
    assert len(view.loss.curves) == 2 and not math.isnan(view.loss.runs[1][2][0])


def test_runs_view_sorts_by_val_accuracy_and_overlays_ticked_runs(qtbot) -> None:
    from widgets.diagnose.runs_view import RunsView

    view = shown(RunsView(), qtbot, (1100, 400))
    assert view.overlay._stack.currentWidget() is view.overlay.empty_label

    def run(number: int, val: float | None) -> dict:
        epochs = [{"epoch": 1, "val_acc": val, "val_loss": 1.0}, {"epoch": 2, "val_acc": val,
                                                                    "val_loss": 0.8}]
        return {"number": number, "label": f"Run {number}", "val_acc": val, "test_acc": None,
                "epochs": epochs, "summary": "lr 0.01→0.001", "when": "now", "settings": {}}

    view.set_runs([run(1, 0.5), run(2, 0.9), run(3, None), run(4, 0.7)])
    order = [view.table.item(r, 0).text() for r in range(4)]
    assert order == ["Run 2", "Run 4", "Run 1", "Run 3"]  # best first, no accuracy last
    assert view.ticked_numbers() == {2, 3, 4}  # the newest three
    assert [label for label, _c, _r in view.overlay.runs] == ["Run 2", "Run 3", "Run 4"]
    view.table.item(0, 0).setCheckState(view.table.item(0, 0).checkState().Unchecked)
    assert [label for label, _c, _r in view.overlay.runs] == ["Run 3", "Run 4"]
    qtbot.waitUntil(lambda: view.overlay.redraw_count > 0, timeout=3000)
    x, y = view.overlay.acc_curves[1].getOriginalDataset()
    assert x.tolist() == [1.0, 2.0] and y.tolist() == [pytest.approx(70.0)] * 2
    assert "Run 4" in view.overlay.acc_plot.titleLabel.text
    view.set_runs([run(1, 0.5), run(2, 0.9), run(3, None), run(4, 0.7), run(5, 0.95)])
    assert view.ticked_numbers() == {3, 4, 5}  # a new run is shown at once, choices kept


def test_timeline_scrubs_through_epochs(qtbot) -> None:
    from widgets.diagnose.timeline_view import TimelineView

    view = shown(TimelineView(), qtbot, (1000, 400))
    assert view.filters.count() == 0 and "appear here" in view.epoch_label.text()
    snaps = [{"epoch": e, "filters": {"conv1": np.full((4, 3, 3), float(e))},
              "maps": {"conv1": np.zeros((4, 8, 8)) + e, "fc1": np.zeros(10)}} for e in (1, 2, 3)]
    view.set_snapshots(snaps[:2])
    assert view.slider.maximum() == 1 and view.slider.value() == 1  # follows the newest
    assert view.filter_layer.currentText() == "conv1"
    assert [view.map_layer.itemText(i) for i in range(view.map_layer.count())] == ["conv1"]
    assert view.filters.count() == 4 and view.maps.count() == 4
    assert view.epoch_label.text() == "epoch 2 of 2"
    view.slider.setValue(0)
    assert view.epoch_label.text() == "epoch 1 of 2"
    view.set_snapshots(snaps)
    assert view.slider.value() == 0 and view.epoch_label.text() == "epoch 1 of 3"  # scrubbed: stays
    chosen: list[int] = []
    view.sampleChosen.connect(chosen.append)
    view.sample_box.setValue(7)
    assert chosen == [7]
