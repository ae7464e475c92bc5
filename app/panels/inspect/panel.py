"""The Inspect dock's widgets, composed: the sample on the left (picker, the sample as the
network sees it, the receptive-field outline), four tabs on the right.

Nothing here talks to the engine: the binding (app/panels/inspect/binding.py) runs the jobs
and pushes their arrays in. Each tab is a stack of an empty-state sentence and its view, so
a tab with nothing to show says why in words instead of showing a blank.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from widgets.icons import icon
from widgets.inspect.feature_maps import FeatureMapGrid
from widgets.inspect.filter_grid import FilterGrid
from widgets.inspect.map_view import MapView
from widgets.inspect.png import add_png_menu, ask_and_save_png
from widgets.inspect.prediction_bars import PredictionBars
from widgets.inspect.saliency_view import SaliencyView
from widgets.inspect.sample_picker import SamplePicker
from widgets.inspect.sample_view import SampleView

TABS = ("maps", "filters", "prediction", "saliency")
TAB_TITLES = {"maps": "Feature maps", "filters": "Filters", "prediction": "Prediction",
              "saliency": "Saliency"}
LEFT_MIN_PX = 340
FILTER_MODES = (("mean", "Averaged over input channels"), ("per_channel", "Per input channel"))


def _scrolled(widget: QWidget) -> QScrollArea:
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(widget)
    return scroll


class _Tab(QStackedWidget):
    """Page 0: a sentence saying why there is nothing yet; page 1: the view."""

    def __init__(self, content: QWidget) -> None:
        super().__init__()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setMargin(16)
        self.addWidget(self.message)
        self.addWidget(content)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.setCurrentIndex(0)

    def show_content(self) -> None:
        self.setCurrentIndex(1)

    @property
    def showing_content(self) -> bool:
        return self.currentIndex() == 1


class InspectPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspectPanel")
        # ---- views
        self.picker = SamplePicker()
        self.sample = SampleView(target_px=168)
        self.maps = FeatureMapGrid()
        self.map_view = MapView()
        self.filters = FilterGrid()
        self.prediction = PredictionBars()
        self.saliency = SaliencyView()
        for view, name in ((self.sample, "inspect-sample"), (self.maps, "inspect-feature-maps"),
                           (self.map_view, "inspect-map"), (self.filters, "inspect-filters"),
                           (self.prediction, "inspect-prediction"),
                           (self.saliency, "inspect-saliency")):
            add_png_menu(view, name)

        # ---- toolbar
        self.weights_label = QLabel()
        self.weights_label.setObjectName("inspectWeightsState")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(90)
        self.busy.setMaximumHeight(12)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.live_check = QCheckBox("Live while training")
        self.live_check.setChecked(True)
        self.live_check.setToolTip("Refresh the maps from the training weights (at most once a "
                                   "second) while the network trains")
        self.save_button = QToolButton()
        self.save_button.setText("Save as PNG…")
        self.save_button.setIcon(icon("save", False))
        self.save_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.save_button.setToolTip("Save the current tab's picture as a PNG image")
        self.save_button.clicked.connect(self.save_current)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        bar.addWidget(self.weights_label, 1)
        bar.addWidget(self.busy)
        bar.addWidget(self.live_check)
        bar.addWidget(self.save_button)

        # ---- left: sample
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(4, 0, 4, 4)
        left_layout.addWidget(self.picker)
        left_layout.addWidget(QLabel("The sample as the network sees it:"))
        left_layout.addWidget(self.sample, 0, Qt.AlignmentFlag.AlignLeft)
        left_layout.addStretch(1)

        # ---- right: tabs
        maps_page = QSplitter(Qt.Orientation.Horizontal)
        self.maps_scroll = _scrolled(self.maps)
        maps_page.addWidget(self.maps_scroll)
        zoom = QWidget()
        zoom_layout = QVBoxLayout(zoom)
        zoom_layout.setContentsMargins(4, 4, 4, 4)
        self.map_hint = QLabel("Click a map to enlarge it; hover its pixels to outline, on the "
                               "sample, the input region each one sees.")
        self.map_hint.setWordWrap(True)
        zoom_layout.addWidget(self.map_view)
        zoom_layout.addWidget(self.map_hint)
        zoom_layout.addStretch(1)
        maps_page.addWidget(zoom)
        maps_page.setStretchFactor(0, 3)
        maps_page.setStretchFactor(1, 2)

        filters_page = QWidget()
        filters_layout = QVBoxLayout(filters_page)
        filters_layout.setContentsMargins(0, 4, 0, 0)
        self.filter_layer = QComboBox()
        self.filter_layer.setToolTip("The layer whose weights are shown (or select it on the canvas)")
        self.filter_mode = QComboBox()
        for key, text in FILTER_MODES:
            self.filter_mode.addItem(text, key)
        self.filter_mode.setToolTip("Deeper conv layers: one picture per input channel, or their "
                                    "average")
        row = QHBoxLayout()
        row.addWidget(QLabel("Layer"))
        row.addWidget(self.filter_layer, 1)
        row.addWidget(self.filter_mode)
        filters_layout.addLayout(row)
        filters_layout.addWidget(_scrolled(self.filters), 1)

        prediction_page = QWidget()
        prediction_layout = QVBoxLayout(prediction_page)
        prediction_layout.addWidget(self.prediction)
        prediction_layout.addStretch(1)

        self.tabs = QTabWidget()
        self.tab_pages: dict[str, _Tab] = {
            "maps": _Tab(maps_page), "filters": _Tab(filters_page),
            "prediction": _Tab(prediction_page), "saliency": _Tab(_scrolled(self.saliency)),
        }
        for key in TABS:
            self.tabs.addTab(self.tab_pages[key], TAB_TITLES[key])

        split = QSplitter(Qt.Orientation.Horizontal)
        left_scroll = _scrolled(left)
        left_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left_scroll.setMinimumWidth(LEFT_MIN_PX)
        split.addWidget(left_scroll)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override: the dock's first size
        return QSize(1000, 420)

    # ---- state shown ----------------------------------------------------------------
    @property
    def current_tab(self) -> str:
        return TABS[self.tabs.currentIndex()]

    def show_tab(self, key: str) -> None:
        self.tabs.setCurrentIndex(TABS.index(key))

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)

    def set_message(self, key: str, text: str) -> None:
        self.tab_pages[key].show_message(text)

    def show_content(self, key: str) -> None:
        self.tab_pages[key].show_content()

    def current_view(self) -> QWidget:
        return {"maps": self.maps, "filters": self.filters, "prediction": self.prediction,
                "saliency": self.saliency}[self.current_tab]

    def save_current(self) -> None:
        view = self.current_view()
        ask_and_save_png(view, str(view.property("png_name") or "inspect"))
