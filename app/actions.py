"""Every QAction of the main window, its shortcut and icon, the menus and the toolbar.

Actions live in `window.actions[key]` and menus in `window.menus[key]`, so later parts of
the app (the training panels) can enable, wire or extend them without reaching into
this module. Handlers are typed calls on the window, made when the action fires.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar

from widgets.icons import icon

if TYPE_CHECKING:
    from app.main_window import MainWindow

Key = QKeySequence.StandardKey
Handler = Callable[["MainWindow"], object]


@dataclass(frozen=True)
class ActionSpec:
    key: str
    text: str
    # Called with the window when the action fires (so the canvas or file controller may
    # be replaced after start); None for actions wired later by their owner (training).
    handler: Handler | None
    shortcuts: tuple[str | QKeySequence.StandardKey, ...] = ()
    icon: str | None = None
    tip: str = ""
    enabled: bool = True


SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("new", "&New from Template…", lambda w: w.files.new_from_template(), (Key.New,), "new",
               "Start a new network from one of the bundled templates"),
    ActionSpec("open", "&Open…", lambda w: w.files.open(), (Key.Open,), "open", "Open a project file"),
    ActionSpec("save", "&Save", lambda w: w.files.save(), (Key.Save,), "save", "Save the project"),
    ActionSpec("save_as", "Save &As…", lambda w: w.files.save_as(), ("Ctrl+Shift+S",), None,
               "Save the project under a new name"),
    ActionSpec("revert", "&Revert to Saved", lambda w: w.files.revert(), (), None,
               "Throw away the changes since the last save", enabled=False),
    ActionSpec("quit", "&Quit", lambda w: w.close(), (Key.Quit, "Ctrl+Q"), None, "Quit NetCanvas"),
    ActionSpec("cut", "Cu&t", lambda w: w.edit_cut(), (Key.Cut,), None, "Cut the selected layers"),
    ActionSpec("copy", "&Copy", lambda w: w.edit_copy(), (Key.Copy,), None, "Copy the selected layers"),
    ActionSpec("paste", "&Paste", lambda w: w.edit_paste(), (Key.Paste,), None, "Paste layers"),
    ActionSpec("duplicate", "D&uplicate", lambda w: w.edit_duplicate(), ("Ctrl+D",), None,
               "Duplicate the selected layers"),
    ActionSpec("delete", "&Delete", lambda w: w.edit_delete(), (Key.Delete, "Backspace"), "delete",
               "Delete the selected layers and links"),
    ActionSpec("select_all", "Select &All", lambda w: w.edit_select_all(), (Key.SelectAll,), None,
               "Select every layer"),
    ActionSpec("zoom_in", "Zoom &In", lambda w: w.view.zoom_in(), (Key.ZoomIn, "Ctrl+="),
               "zoom-in", "Zoom in"),
    ActionSpec("zoom_out", "Zoom &Out", lambda w: w.view.zoom_out(), (Key.ZoomOut,), "zoom-out", "Zoom out"),
    ActionSpec("fit", "&Fit Network", lambda w: w.view.fit_all(), ("Ctrl+0",), "zoom-fit",
               "Zoom to show the whole network"),
    ActionSpec("zoom_reset", "Actual &Size (100%)", lambda w: w.view.reset_zoom(), ("Ctrl+1",), None,
               "Zoom to 100%"),
    ActionSpec("layout", "Auto-&Layout", lambda w: w.doc.auto_layout(), ("Ctrl+L",), "auto-layout",
               "Arrange the layers in tidy rows"),
    ActionSpec("summary", "&Summary…", lambda w: w.show_summary(), ("Ctrl+I",), "summary",
               "Table of every layer's output shape, parameters and MACs"),
    ActionSpec("train", "&Train", None, ("F5",), "train", "Train the network", enabled=False),
    ActionSpec("pause", "&Pause", None, ("F6",), "pause", "Pause training", enabled=False),
    ActionSpec("stop", "&Stop", None, ("Shift+F5",), "stop", "Stop training", enabled=False),
    ActionSpec("tour", "&Quick Tour", lambda w: w.show_quick_tour(), (Key.HelpContents,), None,
               "Five steps to your first trained network"),
    ActionSpec("about", "&About NetCanvas", lambda w: w.show_about(), (), None, "Version and credits"),
)

THEME_CHOICES = (("system", "&System"), ("light", "&Light"), ("dark", "&Dark"))
# Which action keys go in which menu; None is a separator.
MENU_LAYOUT: dict[str, tuple[str, ...]] = {
    "file": ("new", "open", "@recent", None, "save", "save_as", "revert", None, "quit"),
    "edit": ("undo", "redo", None, "cut", "copy", "paste", "duplicate", "delete", None,
             "select_all"),
    "view": ("zoom_in", "zoom_out", "fit", "zoom_reset", None, "@theme", None, "@panels"),
    "network": ("layout", "summary"),
    "train": ("train", "pause", "stop"),
    "help": ("tour", None, "about"),
}
MENU_TITLES = {"file": "&File", "edit": "&Edit", "view": "&View", "network": "&Network",
               "train": "&Train", "help": "&Help", "recent": "Open &Recent", "theme": "&Theme",
               "panels": "&Panels"}
TOOLBAR = ("new", "open", "save", None, "undo", "redo", None, "delete", "layout", None,
           "zoom_in", "zoom_out", "fit", None, "summary", None, "train", "pause", "stop")


def _connect(window: MainWindow, action: QAction, handler: Handler | None) -> None:
    if handler is None:
        return  # wired later by the part that owns it (training)

    def fire() -> None:
        handler(window)

    action.triggered.connect(fire)


def _shortcut_text(action: QAction) -> str:
    keys = action.shortcuts()
    return keys[0].toString(QKeySequence.SequenceFormat.NativeText) if keys else ""


def _set_tip(action: QAction, tip: str) -> None:
    shortcut = _shortcut_text(action)
    action.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)
    action.setStatusTip(tip)


def create_actions(window: MainWindow) -> dict[str, QAction]:
    actions: dict[str, QAction] = {}
    for spec in SPECS:
        action = QAction(spec.text, window)
        action.setObjectName(f"action_{spec.key}")
        keys: list[QKeySequence] = []
        for s in spec.shortcuts:
            keys.extend(QKeySequence.keyBindings(s) if isinstance(s, Key) else [QKeySequence(s)])
        unique = list(dict.fromkeys(k for k in keys if not k.isEmpty()))
        action.setShortcuts(unique)
        _set_tip(action, spec.tip or spec.text.replace("&", "").rstrip("…"))
        action.setEnabled(spec.enabled)
        action.setProperty("icon_name", spec.icon)
        _connect(window, action, spec.handler)
        actions[spec.key] = action

    # The undo stack names each step ("Undo Set conv1 kernel size") and keeps enabled state.
    stack = window.doc.undo_stack
    for key, make, shortcut, tip in (("undo", stack.createUndoAction, Key.Undo, "Undo the last edit"),
                                     ("redo", stack.createRedoAction, Key.Redo, "Redo")):
        action = make(window, "&" + key.capitalize())
        action.setObjectName(f"action_{key}")
        action.setShortcuts(QKeySequence.keyBindings(shortcut))
        action.setProperty("icon_name", key)
        _set_tip(action, tip)
        actions[key] = action

    group = QActionGroup(window)
    group.setExclusive(True)
    for mode, text in THEME_CHOICES:
        action = QAction(text, window)
        action.setObjectName(f"action_theme_{mode}")
        action.setCheckable(True)
        action.setData(mode)
        group.addAction(action)
        action.triggered.connect(lambda _checked=False, m=mode: window.set_theme(m))
        actions[f"theme_{mode}"] = action
    return actions


def build_menus(window: MainWindow) -> dict[str, QMenu]:
    bar = window.menuBar()
    menus: dict[str, QMenu] = {}
    for key, items in MENU_LAYOUT.items():
        menu = bar.addMenu(MENU_TITLES[key])
        menu.setObjectName(f"menu_{key}")
        menus[key] = menu
        for item in items:
            if item is None:
                menu.addSeparator()
            elif item.startswith("@"):
                sub = menu.addMenu(MENU_TITLES[item[1:]])
                sub.setObjectName(f"menu_{item[1:]}")
                menus[item[1:]] = sub
            else:
                menu.addAction(window.actions[item])
    for mode, _text in THEME_CHOICES:
        menus["theme"].addAction(window.actions[f"theme_{mode}"])
    return menus


def fill_recent_menu(window: MainWindow, paths: list[str]) -> None:
    menu = window.menus["recent"]
    menu.clear()
    for i, path in enumerate(paths):
        action = menu.addAction(f"{'&' if i < 9 else ''}{i + 1}  {recent_label(path)}")
        action.setData(path)
        action.setStatusTip(path)
        action.triggered.connect(lambda _checked=False, p=path: window.files.open_recent(p))
    if paths:
        menu.addSeparator()
    clear = menu.addAction("&Clear List")
    clear.setObjectName("action_clear_recent")
    clear.setEnabled(bool(paths))
    clear.triggered.connect(window.files.clear_recent)
    menu.setEnabled(True)


def recent_label(path: str) -> str:
    """"net.json  —  ~/projects": the name first, as people scan for it; '&' escaped so Qt
    does not take it for a mnemonic."""
    p = Path(path)
    folder = str(p.parent)
    home = str(Path.home())
    if folder == home or folder.startswith(home + os.sep):
        folder = "~" + folder[len(home):]
    return f"{p.name}  —  {folder}".replace("&", "&&")


def build_toolbar(window: MainWindow) -> QToolBar:
    bar = QToolBar("Main toolbar", window)
    bar.setObjectName("mainToolbar")  # saveState() needs a name
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    for key in TOOLBAR:
        if key is None:
            bar.addSeparator()
        else:
            bar.addAction(window.actions[key])
    return bar


def refresh_icons(actions: dict[str, QAction], dark: bool) -> None:
    """Line icons are drawn for the theme's background, so they change with it."""
    for action in actions.values():
        name = action.property("icon_name")
        if name:
            action.setIcon(icon(name, dark))


# ---- Help ------------------------------------------------------------------------------
TOUR_STEPS: tuple[tuple[str, str], ...] = (
    ("Start from a template",
     "File ▸ New from Template (Ctrl+N) opens a gallery of classic networks, from a linear "
     "classifier to a small ResNet. Or drag layers from the <b>Layers</b> panel on the left."),
    ("Connect the layers",
     "Drag from a layer's output port to the next layer's input. Every feature-map size is "
     "worked out as you go; a red layer tells you exactly which numbers do not fit, and how "
     "to fix them."),
    ("Tune a layer",
     "Click a layer to edit it in the <b>Inspector</b> on the right. It shows the output-size "
     "arithmetic with your own numbers, and the layer's parameters and multiply-adds."),
    ("Check the size",
     "The status bar totals parameters and multiply-adds for the whole network. "
     "Network ▸ Summary (Ctrl+I) lists every layer's shape, like a model summary."),
    ("Train it",
     "Pick the images in the <b>Dataset</b> tab (Network ▸ Choose dataset…), then press "
     "Train (F5). Loss and accuracy plot live while the network trains in the background; "
     "Pause (F6) and Stop (Shift+F5) whenever you like."),
    ("Save and share",
     "Save (Ctrl+S) keeps the network as a small JSON project file. Ctrl+Z undoes any edit, "
     "and the Edit menu says which one."),
)


def show_quick_tour(parent: MainWindow) -> None:
    from PySide6.QtWidgets import (
        QDialog,
        QHBoxLayout,
        QLabel,
        QPushButton,
        QStackedWidget,
        QVBoxLayout,
    )

    dialog = QDialog(parent)
    dialog.setObjectName("quickTour")
    dialog.setWindowTitle("Quick Tour")
    pages = QStackedWidget()
    for i, (title, text) in enumerate(TOUR_STEPS):
        label = QLabel(f"<p style='color:palette(placeholder-text)'>Step {i + 1} of "
                       f"{len(TOUR_STEPS)}</p><h2>{title}</h2><p style='line-height:140%'>{text}</p>")
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        pages.addWidget(label)
    back, forward = QPushButton("Back"), QPushButton("Next")
    forward.setDefault(True)

    def update() -> None:
        i = pages.currentIndex()
        back.setEnabled(i > 0)
        forward.setText("Done" if i == pages.count() - 1 else "Next")

    def step(delta: int) -> None:
        i = pages.currentIndex() + delta
        if i >= pages.count():
            dialog.accept()
            return
        pages.setCurrentIndex(max(0, i))
        update()

    back.clicked.connect(lambda: step(-1))
    forward.clicked.connect(lambda: step(1))
    buttons = QHBoxLayout()
    buttons.addStretch(1)
    buttons.addWidget(back)
    buttons.addWidget(forward)
    layout = QVBoxLayout(dialog)
    layout.setContentsMargins(24, 20, 24, 16)
    layout.addWidget(pages, 1)
    layout.addLayout(buttons)
    dialog.resize(460, 260)
    update()
    dialog.exec()
    dialog.deleteLater()


def about_html() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        ver = version("netcanvas")
    except PackageNotFoundError:
        ver = "development build"
    return (
        f"<h2>NetCanvas</h2><p>Version {ver}</p>"
        "<p>Build neural networks by dragging layers onto a canvas, see every feature-map "
        "size as you go, train them and watch them learn.</p>"
        "<p><b>Credits</b><br>Built with Qt for Python (PySide6, LGPLv3), PyTorch (BSD), "
        "pyqtgraph (MIT) and NumPy (BSD).<br>"
        "Fashion-MNIST © Zalando SE, MIT licence "
        "(Xiao, Rasul &amp; Vollgraf, 2017, "
        "<a href='https://github.com/zalandoresearch/fashion-mnist'>github.com/zalandoresearch/"
        "fashion-mnist</a>).</p>"
    )


def show_about(parent: MainWindow) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.about(parent, "About NetCanvas", about_html())
