"""Ollama in the window: the status indicator, and the controller behind it and the dialogs.

    OllamaController     owns the admin service (chat/ollama_admin.py) and the two dialogs;
                         checks Ollama in the background (at start, on demand, when the user
                         picks Ollama) and announces models pulled or deleted
    OllamaStatusButton   in the status bar: "● Ollama 0.12.6" / "● Ollama: not running", with the
                         full sentence (and the host) in its tooltip, and a menu: Check again,
                         Get a model…, Manage models…
    PullDialog           ui/models/ollama_pull.py
    ModelManagerDialog   ui/models/ollama_models.py

Every request runs as a task on the qasync loop through the window's AsyncRunner: nothing here
blocks the GUI thread, and start-up never waits for Ollama (nor imports the two dialogs).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from desktop_chat.config import Settings, save_settings
from desktop_chat.ui.common.theme import round_menu
from desktop_chat.ui.runtime.async_runner import AsyncRunner
from desktop_chat.ui.common.error_text import localized
from desktop_chat.ui.common.icons import dot

if TYPE_CHECKING:
    from desktop_chat.chat.context import ModelContext
    from desktop_chat.chat.pool import ProviderPool
    from desktop_chat.chat.ollama_admin import OllamaAdmin, OllamaStatus
    from desktop_chat.ui.models.ollama_models import ModelManagerDialog
    from desktop_chat.ui.models.ollama_pull import PullDialog

log = logging.getLogger(__name__)


def _dot(colour: str) -> QIcon:
    return QIcon(dot(colour, 12))


# -- the controller --------------------------------------------------------------------------------

class OllamaController(QObject):
    statusChanged = Signal(object)  # OllamaStatus, after every check
    modelsChanged = Signal()  # a model was pulled or deleted
    useModelRequested = Signal(str)  # chat with this model now
    statusMessage = Signal(str, int)  # text, milliseconds

    def __init__(self, settings: Settings, pool: Callable[[], ProviderPool], runner: AsyncRunner,
                 window: QWidget) -> None:
        """`pool()`: the engine's providers (the window builds the engine on first use)."""
        super().__init__(window)
        self.settings = settings
        self.runner = runner
        self.window = window
        self._pool = pool
        self._admin: OllamaAdmin | None = None  # built on first use: after the first frame
        self.status: OllamaStatus | None = None
        self.button = OllamaStatusButton(window)
        self.button.checkRequested.connect(lambda: self.check(quiet=False))
        self.button.pullRequested.connect(lambda: self.open_pull_dialog())
        self.button.manageRequested.connect(self.open_manager)
        self._check_task: asyncio.Task[Any] | None = None
        self._report_next = False
        self._relevant = False
        self.pull_dialog: PullDialog | None = None
        self.manager: ModelManagerDialog | None = None
        self._update_visibility()

    @property
    def admin(self) -> OllamaAdmin:
        """The admin service (chat/ollama_admin.py), imported and built on first use."""
        if self._admin is None:
            from desktop_chat.chat.ollama_admin import OllamaAdmin

            self._admin = OllamaAdmin(self._pool(), self.settings)
        return self._admin

    async def lookup_context(self, endpoint_id: str, model: str) -> ModelContext | None:
        """Ollama's context length for a model (the engine plans attached documents with it)."""
        return await self.admin.lookup_context(endpoint_id, model)

    # -- status --

    def check(self, *, quiet: bool = True) -> None:
        """Ask Ollama whether it runs, in the background; unless quiet, say the result in the status bar."""
        self._report_next = self._report_next or not quiet
        if self._check_task is not None and not self._check_task.done():
            return
        self.button.show_checking()
        self._check_task = self.runner.start(self._check(), name="ollama-status")

    async def _check(self) -> None:
        status = await self.admin.status()
        self.show_status(status)
        if self._report_next:
            self._report_next = False
            self.statusMessage.emit(localized(status.text, str(status.text)), 10_000 if status.running else 60_000)

    def show_status(self, status: OllamaStatus) -> None:
        """What a check (here or in the manager) found."""
        self.status = status
        self.button.show_status(status)
        self._update_visibility()
        self.statusChanged.emit(status)

    def set_relevant(self, relevant: bool) -> None:
        """Ollama is the provider on screen: the indicator shows even when Ollama does not run."""
        self._relevant = relevant
        self._update_visibility()

    def _update_visibility(self) -> None:
        running = self.status is not None and self.status.running
        self.button.setVisible(self._relevant or running)

    # -- dialogs --

    def open_pull_dialog(self, name: str = "") -> PullDialog:
        from desktop_chat.ui.models.ollama_pull import PullDialog

        if self.pull_dialog is not None and shiboken6.isValid(self.pull_dialog):
            self.pull_dialog.raise_()
            self.pull_dialog.activateWindow()
            return self.pull_dialog
        parent = self.manager if self.manager is not None and shiboken6.isValid(self.manager) else self.window
        dialog = PullDialog(self.admin, self.runner, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.modelPulled.connect(lambda _name: self.modelsChanged.emit())
        dialog.useModelRequested.connect(self.useModelRequested)
        dialog.destroyed.connect(lambda *_: setattr(self, "pull_dialog", None))
        if name:
            dialog.name_edit.setText(name)
        self.pull_dialog = dialog
        dialog.open()
        return dialog

    def open_manager(self) -> ModelManagerDialog:
        from desktop_chat.ui.models.ollama_models import ModelManagerDialog

        if self.manager is not None and shiboken6.isValid(self.manager):
            self.manager.raise_()
            self.manager.activateWindow()
            return self.manager
        dialog = ModelManagerDialog(self, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: setattr(self, "manager", None))
        self.manager = dialog
        dialog.open()
        dialog.refresh()
        return dialog

    def save_settings(self) -> bool:
        try:
            save_settings(self.settings)
        except OSError as exc:
            log.warning("could not save settings: %s", exc)
            self.statusMessage.emit(self.tr("Could not save the settings: {reason}").format(reason=exc), 10_000)
            return False
        return True


# -- the status indicator --------------------------------------------------------------------------

class OllamaStatusButton(QToolButton):
    checkRequested = Signal()
    pullRequested = Signal()
    manageRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ollamaStatus")
        self.setAutoRaise(True)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")  # a status, not a combo
        menu = round_menu(QMenu(self))
        menu.setObjectName("ollamaStatusMenu")
        self.check_action = menu.addAction("")
        self.check_action.setObjectName("ollamaCheckAgain")
        self.check_action.triggered.connect(self.checkRequested)
        menu.addSeparator()
        self.pull_action = menu.addAction("")
        self.pull_action.setObjectName("ollamaGetModel")
        self.pull_action.triggered.connect(self.pullRequested)
        self.manage_action = menu.addAction("")
        self.manage_action.setObjectName("ollamaManageModels")
        self.manage_action.triggered.connect(self.manageRequested)
        self.setMenu(menu)
        self._status: OllamaStatus | None = None
        self._checking = True
        self.retranslate()

    def show_checking(self) -> None:
        self._checking = True
        self.retranslate()

    def show_status(self, status: OllamaStatus) -> None:
        self._status, self._checking = status, False
        self.retranslate()

    @property
    def sentence(self) -> str:
        """The full sentence about Ollama's state, in the interface language."""
        if self._status is None:
            return self.tr("Looking for Ollama…")
        return localized(self._status.text, str(self._status.text))

    def retranslate(self) -> None:
        status = self._status
        if self._checking and status is None:
            self.setIcon(_dot("#9e9e9e"))
            self.setText(self.tr("Ollama: checking…"))
        elif status is not None and status.running:
            self.setIcon(_dot("#2e9e4f"))
            self.setText(self.tr("Ollama {version}").format(version=status.version).strip()
                         if status.version else self.tr("Ollama"))
        elif status is not None:
            self.setIcon(_dot("#d0443e"))
            self.setText(self.tr("Ollama: not running") if status.refused else self.tr("Ollama: not reachable"))
        tip = self.sentence
        if self._checking:
            tip = self.tr("Checking Ollama at {host}…").format(host=status.host) if status else self.sentence
        self.setToolTip(tip + "\n" + self.tr("Click to check again, get a model or manage models."))
        self.setAccessibleName(self.tr("Ollama status"))
        self.setAccessibleDescription(tip)
        self.check_action.setText(self.tr("Check again"))
        self.pull_action.setText(self.tr("Get a model…"))
        self.manage_action.setText(self.tr("Manage models…"))
        running = status is not None and status.running
        self.pull_action.setEnabled(running)
        self.manage_action.setEnabled(True)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


__all__ = ["ModelManagerDialog", "OllamaController", "OllamaStatusButton", "PullDialog"]


def __getattr__(name: str) -> Any:  # the dialogs, imported when first asked for
    if name == "PullDialog":
        from desktop_chat.ui.models.ollama_pull import PullDialog

        return PullDialog
    if name == "ModelManagerDialog":
        from desktop_chat.ui.models.ollama_models import ModelManagerDialog

        return ModelManagerDialog
    raise AttributeError(name)
