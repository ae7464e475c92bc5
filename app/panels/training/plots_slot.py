"""The Training dock's live plots: a placeholder until they are built, then the plots.

pyqtgraph is imported by the warm-up thread; once it is, the plots are built a plot per
event-loop turn (widgets/staged.py) while the worker still imports torch. Built in one
go (~200 ms) just as a run started, they were the longest freeze of a first Train
(bench/ui_latency.py). Calls made before they exist are queued and replayed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QBoxLayout, QLabel

from app.panels.training import warm_up as gui_warm_up
from widgets.colors import MUTED_TEXT
from widgets.staged import StagedBuild
from widgets.theme import is_dark

if TYPE_CHECKING:
    from widgets.plots.training import TrainPlots

PLOTS_MODULE = "widgets.plots.training"
EMPTY_TEXT = "Live plots appear here while the network trains."
LOADING_TEXT = "Loading the plots…"


class PlotsSlot(QObject):
    def __init__(self, layout: QBoxLayout, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.plots: TrainPlots | None = None
        self._layout = layout
        self._pending: list[tuple[str, tuple[Any, ...]]] = []
        self._build: StagedBuild | None = None
        self.placeholder = QLabel(EMPTY_TEXT)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.placeholder, 1)

    def build_when_imported(self) -> None:
        """Start building once the warm-up has imported pyqtgraph (at once if it has)."""
        gui_warm_up.when_imported(self.start_build)

    def start_build(self) -> StagedBuild:
        if self._build is None:
            plots_module = importlib.import_module(PLOTS_MODULE)  # instant after the warm-up
            plots = plots_module.TrainPlots(dark=is_dark(), staged=True)
            self._build = StagedBuild(plots.build, lambda: self._built(plots), self)
            self._build.start()
        return self._build

    def ensure(self) -> TrainPlots:
        """The plots, whatever of them is not built yet built now."""
        self.start_build().finish()
        assert self.plots is not None
        return self.plots

    def call(self, method: str, *args: Any) -> None:
        """Feed the plots, or queue the call until they are built."""
        if self.plots is not None:
            getattr(self.plots, method)(*args)
        else:
            self._pending.append((method, args))

    @property
    def has_pending(self) -> bool:
        return bool(self._pending)

    def new_run(self) -> None:
        """A run starts: old curves go (or the queue, while the plots are still coming)."""
        if self.plots is not None:
            self.plots.clear()
        else:
            self._pending = []
            self.placeholder.setText(LOADING_TEXT)

    def set_dark(self, dark: bool) -> None:
        if self.plots is not None:
            self.plots.set_dark(dark)
        else:
            self.placeholder.setStyleSheet(f"color: {MUTED_TEXT.pick(dark)};")

    def _built(self, plots: TrainPlots) -> None:
        self.plots = plots
        self._layout.replaceWidget(self.placeholder, plots)
        self.placeholder.deleteLater()
        pending, self._pending = self._pending, []
        for method, args in pending:
            getattr(plots, method)(*args)
        QTimer.singleShot(0, plots, plots.warm_paint)  # once laid out in the dock
