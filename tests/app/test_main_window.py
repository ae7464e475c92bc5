"""The composed main window: start-up, title, menus, edit actions, theme and layout memory.

Every window gets a private settings folder, and its dialogs are replaced by recorders so
no test ever blocks on a modal box.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel

from app.gui import SHOWN_MARKER, create_main_window
from app.main_window import MainWindow
from app.settings import AppSettings
from engine.templates import DEFAULT_TEMPLATE, load_template, untitled_name
from widgets.theme import is_dark

ROOT = Path(__file__).resolve().parents[2]
MakeWindow = Callable[..., MainWindow]


@pytest.fixture
def settings_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "settings"
    monkeypatch.setenv("NETCANVAS_SETTINGS_DIR", str(folder))
    return folder


def dispose(windows: list[MainWindow]) -> None:
    """Close and really delete: windows left alive would be re-polished by every later
    theme change and slow the whole suite down."""
    for window in windows:
        window.files.ask_save_changes = lambda: "discard"  # never block on a modal box
        window.close()
        window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def make_window(qapp, settings_dir: Path) -> MakeWindow:  # noqa: ANN001 - pytest-qt fixture
    windows: list[MainWindow] = []

    def make(path: str | None = None, panels: bool = False) -> MainWindow:
        # Without the dataset/training panels by default: they start background loads
        # that these tests do not need; test_dataset_and_training_panels_are_installed has them.
        window = create_main_window(path, panels=panels)
        errors: list[str] = []
        window.errors = errors  # type: ignore[attr-defined]
        window.files.show_error = lambda title, text: errors.append(text)
        window.files.ask_save_changes = lambda: "discard"
        windows.append(window)
        window.show()
        return window

    yield make
    dispose(windows)
    QApplication.clipboard().clear()


def plain(text: str) -> str:
    return text.replace("&", "")  # menu mnemonics


def edit(window: MainWindow) -> None:
    window.doc.set_params("conv1", {"kernel": 3})


# ---- start-up ----------------------------------------------------------------------------
def test_first_start_shows_default_template_then_last_project(make_window: MakeWindow,
                                                              tmp_path: Path) -> None:
    window = make_window()
    assert window.doc.project.name == untitled_name(load_template(DEFAULT_TEMPLATE).name)
    assert set(window.scene.node_items) == set(window.doc.graph.nodes)
    assert window.windowTitle() == f"{window.doc.project.name}[*] — NetCanvas"
    target = tmp_path / "mine.json"
    edit(window)
    assert window.files.save_to(target)
    window.close()

    again = make_window()
    assert again.doc.path == target.resolve()
    assert again.doc.graph.nodes["conv1"].params["kernel"] == (3, 3)


def test_title_shows_file_name_and_modified_mark(make_window: MakeWindow, tmp_path: Path) -> None:
    window = make_window()
    window.files.save_to(tmp_path / "net.json")
    assert window.windowTitle() == "net.json[*] — NetCanvas"
    assert not window.isWindowModified()
    edit(window)
    assert window.isWindowModified()
    assert window.actions["revert"].isEnabled()
    window.actions["undo"].trigger()
    assert not window.isWindowModified()


def test_totals_in_status_bar(make_window: MakeWindow) -> None:
    window = make_window()
    text = window.totals_label.text()
    assert "13 layers" in text and "3.27 M parameters" in text and "ready" in text
    window.doc.set_params("pool1", {"kernel": 28, "stride": 28})  # 14x14 input: now too big
    assert "error" in window.totals_label.text()


# ---- files through the window ------------------------------------------------------------
def test_save_open_round_trip_via_actions(make_window: MakeWindow, tmp_path: Path) -> None:
    window = make_window()
    edit(window)
    params = window.doc.analysis.total_params
    target = tmp_path / "round.json"
    window.files.get_save_path = lambda: str(target)
    window.actions["save"].trigger()  # no path yet: Save asks for one
    assert target.exists() and not window.isWindowModified()

    window.files.load_template("mlp")
    window.files.get_open_path = lambda: str(target)
    window.actions["open"].trigger()
    assert window.doc.path == target.resolve()
    assert window.doc.analysis.total_params == params
    recent = window.menus["recent"].actions()
    assert recent[0].data() == str(target.resolve())
    assert plain(recent[0].text()).startswith("1  round.json  —  ")


def test_save_error_keeps_document_dirty_and_file_intact(make_window: MakeWindow, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import app.document
    from engine.project import ProjectError

    window = make_window()
    target = tmp_path / "keep.json"
    window.files.save_to(target)
    before = target.read_bytes()
    edit(window)

    def refuse(project: object, path: object) -> None:
        raise ProjectError("Cannot save 'keep.json': the folder is not writable.")

    monkeypatch.setattr(app.document, "save_project", refuse)
    window.actions["save"].trigger()
    assert window.errors == ["Cannot save 'keep.json': the folder is not writable."]  # type: ignore[attr-defined]
    assert window.isWindowModified() and window.doc.dirty
    assert target.read_bytes() == before


def test_open_corrupt_file_keeps_current_project(make_window: MakeWindow, tmp_path: Path) -> None:
    window = make_window()
    edit(window)
    bad = tmp_path / "bad.json"
    bad.write_text("{\"format\": \"netcanvas-project\", \"version\": 99}")
    window.files.get_open_path = lambda: str(bad)
    window.actions["open"].trigger()
    assert "newer NetCanvas" in window.errors[0]  # type: ignore[attr-defined]
    assert window.doc.graph.nodes["conv1"].params["kernel"] == (3, 3)
    assert window.doc.dirty


def test_bad_path_on_start_falls_back(make_window: MakeWindow, tmp_path: Path, qtbot) -> None:  # noqa: ANN001
    window = make_window(str(tmp_path / "missing.json"))  # the error dialog waits for the loop
    qtbot.waitUntil(lambda: bool(window.errors), timeout=2000)  # type: ignore[attr-defined]
    assert "does not exist" in window.errors[0]  # type: ignore[attr-defined]
    assert window.doc.project.name == untitled_name(load_template(DEFAULT_TEMPLATE).name)


def test_close_with_unsaved_changes(make_window: MakeWindow) -> None:
    window = make_window()
    edit(window)
    window.files.ask_save_changes = lambda: "cancel"
    assert not window.close()
    assert window.isVisible()
    window.files.ask_save_changes = lambda: "discard"
    assert window.close()


# ---- edit menu ---------------------------------------------------------------------------
def test_undo_redo_texts_name_the_edit(make_window: MakeWindow) -> None:
    window = make_window()
    assert not window.actions["undo"].isEnabled()
    window.doc.set_params("conv1", {"kernel": 3})
    assert plain(window.actions["undo"].text()) == "Undo Set conv1 kernel size"
    window.actions["undo"].trigger()
    assert plain(window.actions["redo"].text()) == "Redo Set conv1 kernel size"
    assert window.actions["undo"].shortcut().toString() == "Ctrl+Z"


def test_copy_paste_and_duplicate_add_nodes(make_window: MakeWindow) -> None:
    window = make_window()
    n = len(window.doc.graph.nodes)
    window.scene.select_ids(["conv1", "relu1"])
    assert window.actions["copy"].isEnabled()
    window.actions["copy"].trigger()
    assert window.actions["paste"].isEnabled()
    window.actions["paste"].trigger()
    assert len(window.doc.graph.nodes) == n + 2
    pasted = window.scene.selected_ids()
    assert len(pasted) == 2 and not {"conv1", "relu1"} & set(pasted)
    new_edges = [e for e in window.doc.graph.edges if e.source in pasted and e.target in pasted]
    assert len(new_edges) == 1  # the link between the copied pair came along
    window.actions["paste"].trigger()  # pasting again steps further, not on top
    positions = {window.doc.graph.nodes[i].position for i in window.doc.graph.nodes}
    assert len(positions) == n + 4
    window.scene.select_ids(["fc1"])
    window.actions["duplicate"].trigger()
    assert len(window.doc.graph.nodes) == n + 5
    assert plain(window.actions["undo"].text()) == "Undo Duplicate 1 layer(s)"


def test_cut_delete_and_select_all(make_window: MakeWindow) -> None:
    window = make_window()
    n = len(window.doc.graph.nodes)
    window.scene.select_ids(["drop1"])
    window.actions["cut"].trigger()
    assert "drop1" not in window.doc.graph.nodes
    window.actions["paste"].trigger()
    assert len(window.doc.graph.nodes) == n
    window.actions["select_all"].trigger()
    assert len(window.scene.selected_ids()) == n
    window.actions["delete"].trigger()
    assert not window.doc.graph.nodes
    window.actions["undo"].trigger()
    assert len(window.doc.graph.nodes) == n


def test_palette_add_goes_below_selected_and_connects(make_window: MakeWindow) -> None:
    window = make_window()
    graph = window.doc.graph
    # After a layer in a chain: spliced in, the rest moves down a row, one undo step.
    before = {nid: n.position for nid, n in graph.nodes.items()}
    window.scene.select_ids(["conv1"])
    window.layer_palette.addRequested.emit("batchnorm2d")
    [new_id] = window.scene.selected_ids()
    assert graph.nodes[new_id].position == (before["conv1"][0], before["conv1"][1] + 90)
    assert {(e.source, e.target) for e in graph.edges} >= {("conv1", new_id), (new_id, "relu1")}
    assert ("conv1", "relu1") not in {(e.source, e.target) for e in graph.edges}
    assert graph.nodes["output1"].position[1] == before["output1"][1] + 90
    assert window.inspector_binding.selected() == new_id
    assert window.doc.analysis.valid
    window.doc.undo_stack.undo()
    assert {nid: n.position for nid, n in graph.nodes.items()} == before
    # After the Output (nothing may follow it): it goes just before the Output.
    window.scene.select_ids(["output1"])
    window.layer_palette.addRequested.emit("dropout")
    [drop] = window.scene.selected_ids()
    assert {(e.source, e.target) for e in graph.edges} >= {("fc2", drop), (drop, "output1")}
    # Nothing selected: added alone at the view's centre.
    window.scene.select_ids([])
    other = window.add_layer("dropout")
    assert other is not None
    assert not [e for e in graph.edges if e.target == other]


# ---- view, theme, layout -----------------------------------------------------------------
def test_theme_switch_is_remembered(make_window: MakeWindow) -> None:
    window = make_window()
    window.actions["theme_dark"].trigger()
    assert is_dark(QApplication.instance())
    assert AppSettings().theme == "dark"
    window.close()
    again = make_window()
    assert again.actions["theme_dark"].isChecked()
    assert is_dark(QApplication.instance())
    again.actions["theme_light"].trigger()
    assert not is_dark(QApplication.instance())


def test_dock_layout_and_geometry_are_remembered(make_window: MakeWindow) -> None:
    window = make_window()
    window.resize(760, 560)  # within the offscreen screen (800x600), which geometry clamps to
    window.docks["palette"].toggleViewAction().trigger()
    assert window.docks["palette"].isHidden()
    window.close()
    again = make_window()
    assert again.docks["palette"].isHidden()
    assert (again.width(), again.height()) == (760, 560)
    late = again.add_dock("late", "Late panel", QLabel("x"), Qt.DockWidgetArea.BottomDockWidgetArea)
    assert isinstance(late, QDockWidget) and again.docks["late"] is late
    assert late.toggleViewAction() in again.menus["panels"].actions()


def test_menus_shortcuts_and_train_actions(make_window: MakeWindow) -> None:
    window = make_window()
    expected = {"new": "Ctrl+N", "open": "Ctrl+O", "save": "Ctrl+S", "save_as": "Ctrl+Shift+S",
                "quit": "Ctrl+Q", "duplicate": "Ctrl+D", "fit": "Ctrl+0", "zoom_reset": "Ctrl+1",
                "layout": "Ctrl+L", "summary": "Ctrl+I", "train": "F5", "pause": "F6",
                "stop": "Shift+F5"}
    for key, shortcut in expected.items():
        assert window.actions[key].shortcut().toString() == shortcut, key
    assert "(Ctrl+S)" in window.actions["save"].toolTip()
    for key in ("train", "pause", "stop"):
        assert not window.actions[key].isEnabled() and not window.actions[key].icon().isNull()
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Network", "&Train", "&Help"]


def test_auto_layout_and_summary(make_window: MakeWindow) -> None:
    window = make_window()
    window.doc.move_nodes({"conv1": ((0.0, 90.0), (333.0, 444.0))})
    window.actions["layout"].trigger()
    assert window.doc.graph.nodes["conv1"].position == (0.0, 90.0)
    window.actions["summary"].trigger()
    assert window._summary is not None and window._summary.isVisible()
    assert "13 layers" in window._summary.status.text()
    window._summary.close()


def test_start_up_does_not_import_torch(settings_dir: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NETCANVAS_EXIT_AFTER_SHOWN="1",
               NETCANVAS_SETTINGS_DIR=str(settings_dir))
    proc = subprocess.run([sys.executable, "-m", "app"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert f"{SHOWN_MARKER} seconds=" in proc.stdout
    assert "torch_imported=False" in proc.stdout


def test_dropping_a_project_file_opens_it(make_window: MakeWindow, tmp_path: Path, qtbot) -> None:  # noqa: ANN001
    window = make_window()
    target = tmp_path / "dropped.json"
    window.files.save_to(target)
    window.files.load_template("mlp")
    mime = QMimeData()  # kept referenced while the events live (STACK-FACTS)
    mime.setUrls([QUrl.fromLocalFile(str(target))])
    pos = QPointF(window.view.viewport().rect().center())
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window.view.viewport(), enter)
    assert enter.isAccepted()  # the canvas passes it up; the window takes project files
    drop = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window.view.viewport(), drop)
    qtbot.waitUntil(lambda: window.doc.path == target.resolve(), timeout=2000)


def test_dataset_and_training_panels_are_installed(make_window: MakeWindow) -> None:
    window = make_window(panels=True)
    assert {"palette", "inspector", "dataset", "training", "train_settings"} <= set(window.docks)
    assert window.actions["choose_dataset"] in window.menus["network"].actions()
    assert window.actions["train_settings"] in window.menus["train"].actions()
    training = window.bindings["training"]
    data = window.bindings["data"]
    assert training.dataset_provider() is data.dataset
    panels = window.menus["panels"].actions()
    assert all(dock.toggleViewAction() in panels for dock in window.docks.values())
    data.controller.wait_idle()
    window.files.ask_save_changes = lambda: "discard"
    assert window.close()


@pytest.mark.parametrize("payload", [b"\xff{not json", b"[1, 2]", b'{"nodes": [{"id": 5}]}'])
def test_pasting_damaged_clipboard_layers_says_so(make_window: MakeWindow, payload: bytes) -> None:
    from widgets.mime import NODES_MIME

    window = make_window()
    messages: list[str] = []
    window.show_message = messages.append  # type: ignore[method-assign]
    n = len(window.doc.graph.nodes)
    mime = QMimeData()
    mime.setData(NODES_MIME, payload)
    QApplication.clipboard().setMimeData(mime)
    assert window.edit_paste() == []
    assert len(window.doc.graph.nodes) == n
    assert messages and messages[-1].startswith("Cannot paste")
