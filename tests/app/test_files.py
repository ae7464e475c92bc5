"""File handling without the full window: FileController + Document on a bare parent.

Every dialog is replaced by a recorder, so nothing modal ever opens.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

import app.document
from app.document import Document
from app.file_controller import FileController
from app.settings import MAX_RECENT, AppSettings
from engine.project import ProjectError, load_project
from engine.templates import DEFAULT_TEMPLATE, load_template, untitled_name


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppSettings:
    monkeypatch.setenv("NETCANVAS_SETTINGS_DIR", str(tmp_path / "settings"))
    return AppSettings()


class Recorder(FileController):
    """Answers every question from a script and records the errors it would show."""

    def __init__(self, doc: Document, settings: AppSettings, parent: QWidget) -> None:
        super().__init__(doc, settings, parent)
        self.errors: list[str] = []
        self.messages: list[str] = []
        self.answer = "cancel"
        self.open_answer: str | None = None
        self.save_answer: str | None = None
        self.asked = 0
        self.message.connect(self.messages.append)

    def ask_save_changes(self) -> str:
        self.asked += 1
        return self.answer

    def get_open_path(self) -> str | None:
        return self.open_answer

    def get_save_path(self) -> str | None:
        return self.save_answer

    def confirm_revert(self) -> bool:
        return True

    def show_error(self, title: str, text: str) -> None:
        self.errors.append(text)


@pytest.fixture
def files(qtbot, settings: AppSettings) -> Recorder:  # noqa: ANN001 - pytest-qt fixture
    parent = QWidget()
    qtbot.addWidget(parent)
    return Recorder(Document(parent), settings, parent)


def edit(doc: Document) -> None:
    doc.set_params("conv1", {"out_channels": 8})


def test_first_start_opens_default_template(files: Recorder) -> None:
    files.start()
    assert files.doc.path is None
    assert files.doc.project.name == untitled_name(load_template(DEFAULT_TEMPLATE).name)
    assert not files.doc.dirty
    assert files.settings.started_before


def test_second_start_reopens_last_project(files: Recorder, settings: AppSettings, tmp_path: Path,
                                           qtbot) -> None:  # noqa: ANN001
    files.start()
    edit(files.doc)
    target = tmp_path / "mine.json"
    assert files.save_to(target)
    parent = QWidget()
    qtbot.addWidget(parent)
    again = Recorder(Document(parent), AppSettings(), parent)
    again.start()
    assert again.doc.path == target.resolve()
    assert again.doc.graph.nodes["conv1"].params["out_channels"] == 8


def test_missing_last_project_falls_back_to_template(files: Recorder, tmp_path: Path) -> None:
    files.start()
    files.settings.last_project = tmp_path / "gone.json"
    files.start()
    assert files.doc.path is None
    assert files.doc.project.name == untitled_name(load_template(DEFAULT_TEMPLATE).name)
    assert any("Could not reopen" in m and "gone.json" in m for m in files.messages)


def test_bad_path_on_start_shows_error_and_opens_template(files: Recorder, tmp_path: Path,
                                                          qtbot) -> None:  # noqa: ANN001
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    files.start(str(bad))
    assert files.doc.project.name == untitled_name(load_template(DEFAULT_TEMPLATE).name)
    qtbot.waitUntil(lambda: bool(files.errors), timeout=2000)  # deferred until the loop runs
    assert "not valid JSON" in files.errors[0]


def test_save_open_round_trip(files: Recorder, tmp_path: Path) -> None:
    files.start()
    edit(files.doc)
    assert files.doc.dirty
    params = files.doc.analysis.total_params
    target = tmp_path / "round.json"
    assert files.save_to(target)
    assert not files.doc.dirty
    files.load_template("mlp")
    assert files.open_path(target)
    assert files.doc.analysis.total_params == params
    assert files.doc.path == target.resolve()
    assert not files.doc.dirty


def test_save_without_path_asks_for_one(files: Recorder, tmp_path: Path) -> None:
    files.start()
    edit(files.doc)
    files.save_answer = None
    assert not files.save()  # cancelled: still dirty
    assert files.doc.dirty
    files.save_answer = str(tmp_path / "named.json")
    assert files.save()
    assert files.doc.path == (tmp_path / "named.json").resolve()


def test_save_failure_keeps_dirty_and_old_file(files: Recorder, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    files.start()
    target = tmp_path / "keep.json"
    assert files.save_to(target)
    before = target.read_text()
    edit(files.doc)

    def refuse(project: object, path: object) -> None:
        raise ProjectError(f"Cannot save '{path}': the disk is full.")

    monkeypatch.setattr(app.document, "save_project", refuse)
    assert not files.save()
    assert files.doc.dirty
    assert target.read_text() == before
    assert files.errors == [f"Cannot save '{target.resolve()}': the disk is full."]


def test_save_into_missing_folder_shows_the_reason(files: Recorder, tmp_path: Path) -> None:
    files.start()
    edit(files.doc)
    assert not files.save_to(tmp_path / "no" / "such" / "folder.json")
    assert files.doc.dirty
    assert "not writable" in files.errors[0]


def test_open_corrupt_file_keeps_current_project(files: Recorder, tmp_path: Path) -> None:
    files.start()
    edit(files.doc)
    bad = tmp_path / "corrupt.json"
    bad.write_text(json.dumps({"format": "netcanvas-project", "version": 1, "graph": []}))
    files.answer = "discard"
    files.open_answer = str(bad)
    assert not files.open()
    assert "graph" in files.errors[0]
    assert files.doc.graph.nodes["conv1"].params["out_channels"] == 8
    assert files.doc.dirty


def test_unsaved_changes_prompt(files: Recorder, tmp_path: Path) -> None:
    files.start()
    assert files.maybe_save() and files.asked == 0  # clean: no question
    edit(files.doc)
    files.answer = "cancel"
    assert not files.maybe_save()
    files.answer = "discard"
    assert files.maybe_save()
    files.answer = "save"
    files.save_answer = str(tmp_path / "prompted.json")
    assert files.maybe_save()
    assert (tmp_path / "prompted.json").exists() and not files.doc.dirty


def test_new_from_template_respects_cancel(files: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    files.start()
    edit(files.doc)
    monkeypatch.setattr(files, "choose_template", lambda: "lenet5")
    files.answer = "cancel"
    assert not files.new_from_template()
    assert "conv1" in files.doc.graph.nodes and files.doc.dirty
    files.answer = "discard"
    assert files.new_from_template()
    assert files.doc.project.name == untitled_name(load_template("lenet5").name)


def test_recent_files(files: Recorder, tmp_path: Path) -> None:
    files.start()
    seen: list[list[str]] = []
    files.recentChanged.connect(seen.append)
    paths = [tmp_path / f"p{i}.json" for i in range(MAX_RECENT + 2)]
    for p in paths:
        assert files.save_to(p)
    recent = files.settings.recent_files()
    assert len(recent) == MAX_RECENT
    assert recent[0] == str(paths[-1].resolve())
    assert seen[-1] == recent
    paths[-1].unlink()
    assert not files.open_recent(str(paths[-1].resolve()))
    assert str(paths[-1].resolve()) not in files.settings.recent_files()
    files.clear_recent()
    assert files.settings.recent_files() == [] and seen[-1] == []


def test_revert(files: Recorder, tmp_path: Path) -> None:
    files.start()
    target = tmp_path / "rev.json"
    files.save_to(target)
    edit(files.doc)
    assert files.revert()
    assert files.doc.graph.nodes["conv1"].params["out_channels"] == 32
    assert not files.doc.dirty


def test_a_project_from_a_template_is_named_as_the_users_own(files, tmp_path):  # noqa: ANN001
    """#12 item 14: "Untitled (from LeNet-5)" until saved; then the file's name, and the
    template's description is not claimed for the changed network."""
    files.load_template("lenet5")
    template = load_template("lenet5")
    assert files.doc.project.name == "Untitled (from LeNet-5)" == untitled_name(template.name)
    assert files.doc.project.description != template.description
    assert files.doc.title == "Untitled (from LeNet-5)"
    assert files.suggested_path().name == "lenet_5.json"
    for node_id in list(files.doc.graph.nodes):
        if node_id.startswith("conv"):
            files.doc.set_params(node_id, {"out_channels": 3})
    assert files.save_to(tmp_path / "my_net.json")
    saved = load_project(tmp_path / "my_net.json")
    assert saved.name == "my net" and "LeNet-5" not in saved.name
    assert files.doc.title == "my_net.json"
