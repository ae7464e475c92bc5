"""Everything NetCanvas remembers between runs, behind one small typed wrapper.

Window geometry and dock layout, the theme, recent files, the last project and the last
folder used in a file dialog. When NETCANVAS_SETTINGS_DIR is set, settings live in a
private INI folder there, so tests and the screenshot script never touch the user's own.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "NetCanvas"
APPLICATION = "NetCanvas"
SETTINGS_DIR_ENV = "NETCANVAS_SETTINGS_DIR"
MAX_RECENT = 10
THEMES = ("system", "light", "dark")
# Bumped when the set of docks changes shape, so an old saved layout is ignored, not misapplied.
LAYOUT_VERSION = 1

_GEOMETRY = "window/geometry"
_STATE = "window/state"
_THEME = "view/theme"
_RECENT = "files/recent"
_LAST_PROJECT = "files/last_project"
_LAST_FOLDER = "files/last_folder"
_STARTED = "app/started_before"
_EXPORT_FOLDER = "export/last_folder"
_EXPORT_FORMAT = "export/last_format"


def configure_location() -> str | None:
    """Point every QSettings() in this process at NETCANVAS_SETTINGS_DIR when it is set, so
    other panels that make their own QSettings() stay private too. Returns the folder."""
    folder = os.environ.get(SETTINGS_DIR_ENV)
    if folder:
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
    return folder or None


def _make_qsettings() -> QSettings:
    folder = configure_location()
    if folder:
        # An explicit file path (rather than QSettings.setPath) keeps each AppSettings
        # bound to the folder that was current when it was made, even if the variable
        # changes later in the same process (one test after another).
        path = Path(folder) / ORGANIZATION / f"{APPLICATION}.ini"
        return QSettings(str(path), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                     ORGANIZATION, APPLICATION)


class AppSettings:
    """Typed access to the QSettings store. Values are read fresh each time (cheap) so two
    windows, or a window and a test, never disagree."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else _make_qsettings()

    # ---- first start -----------------------------------------------------------------
    @property
    def started_before(self) -> bool:
        return self._bool(_STARTED, False)

    def mark_started(self) -> None:
        self.store.setValue(_STARTED, True)

    # ---- window ----------------------------------------------------------------------
    def window_geometry(self) -> QByteArray | None:
        value = self.store.value(_GEOMETRY)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def window_state(self) -> QByteArray | None:
        value = self.store.value(_STATE)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_window_layout(self, geometry: QByteArray, state: QByteArray) -> None:
        self.store.setValue(_GEOMETRY, geometry)
        self.store.setValue(_STATE, state)

    # ---- theme -----------------------------------------------------------------------
    @property
    def theme(self) -> str:
        value = str(self.store.value(_THEME, "system"))
        return value if value in THEMES else "system"

    @theme.setter
    def theme(self, mode: str) -> None:
        if mode not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}, not {mode!r}")
        self.store.setValue(_THEME, mode)

    # ---- files -----------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = self.store.value(_RECENT, [])
        # QSettings returns a bare string for a one-item list in INI files.
        items = [value] if isinstance(value, str) else list(value or [])
        return [str(v) for v in items if v][:MAX_RECENT]

    def add_recent(self, path: str | Path) -> list[str]:
        key = str(Path(path).resolve())
        items = [key] + [p for p in self.recent_files() if p != key]
        self.store.setValue(_RECENT, items[:MAX_RECENT])
        return items[:MAX_RECENT]

    def remove_recent(self, path: str | Path) -> list[str]:
        key = str(Path(path).resolve())
        items = [p for p in self.recent_files() if p != key]
        self.store.setValue(_RECENT, items)
        return items

    def clear_recent(self) -> None:
        self.store.setValue(_RECENT, [])

    @property
    def last_project(self) -> str | None:
        value = self.store.value(_LAST_PROJECT)
        return str(value) if value else None

    @last_project.setter
    def last_project(self, path: str | Path | None) -> None:
        if path is None:
            self.store.remove(_LAST_PROJECT)
        else:
            self.store.setValue(_LAST_PROJECT, str(Path(path).resolve()))

    @property
    def last_folder(self) -> str:
        value = self.store.value(_LAST_FOLDER)
        return str(value) if value else str(Path.home())

    @last_folder.setter
    def last_folder(self, folder: str | Path) -> None:
        self.store.setValue(_LAST_FOLDER, str(folder))

    # ---- File > Export... ---------------------------------------------------------------
    @property
    def export_folder(self) -> str:
        value = self.store.value(_EXPORT_FOLDER)
        return str(value) if value else self.last_folder

    @export_folder.setter
    def export_folder(self, folder: str | Path) -> None:
        self.store.setValue(_EXPORT_FOLDER, str(folder))

    @property
    def export_format(self) -> str:
        """The format name last exported to; "" when none (the dialog picks its default)."""
        value = self.store.value(_EXPORT_FORMAT)
        return str(value) if value else ""

    @export_format.setter
    def export_format(self, name: str) -> None:
        self.store.setValue(_EXPORT_FORMAT, name)

    def sync(self) -> None:
        self.store.sync()

    def _bool(self, key: str, default: bool) -> bool:
        value = self.store.value(key, default)
        # INI files give back "true"/"false" strings.
        return value in (True, "true", "1", 1)
