"""What the window says about its history file: a strip above the messages, and start-up dialogs.

The strip (``StorageNotice``, objectName ``storageNotice``) never blocks: it says that a damaged
history file was moved aside (where the old file is, with a button that opens its folder), or
that an answer cannot be saved right now (the disk is full, the folder is read-only) — that one
goes away by itself when saving works again.

When the app cannot start at all (an upgrade failed and was undone, the folder cannot be
written, another window already uses the data folder), ``startup_problem`` words a StoreError for
the one dialog the app shows before it exits; the store's English message goes to the log.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QUrl

from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFrame, QHBoxLayout, QMessageBox, QPushButton, QWidget

from desktop_chat.store import StoreError
from desktop_chat.ui.common import theme
from desktop_chat.ui.common.labels import plain_label

__all__ = ["StorageNotice", "startup_problem", "startup_problem_box"]


class StorageNotice(QFrame):
    """The strip above the messages for the history file's problems (see the module docstring)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storageNotice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.label = plain_label("storageNoticeText", self)
        self.folder_button = QPushButton(self)
        self.folder_button.setObjectName("storageNoticeFolderButton")
        self.dismiss_button = QPushButton(self)
        self.dismiss_button.setObjectName("storageNoticeDismissButton")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(self.label, 1)
        row.addWidget(self.folder_button)
        row.addWidget(self.dismiss_button)
        self.folder_button.clicked.connect(self._open_folder)
        self.dismiss_button.clicked.connect(self._dismiss)
        self._moved_aside: Path | None = None
        self._salvaged: tuple[int, int] | None = None
        self._save_problem: str | None = None
        self._apply_palette()
        self.retranslate()
        self.hide()

    def _apply_palette(self) -> None:
        """A warning tint, readable on the light and the dark theme."""
        background, border = ("#4a3b12", "#8a6d1f") if theme.is_dark() else ("#fff4d6", "#e0b84a")
        sheet = f"#storageNotice {{ background: {background}; border: 1px solid {border}; border-radius: 4px; }}"
        if sheet != self.styleSheet():  # setting it raises another palette change
            self.setStyleSheet(sheet)

    # -- what to show --------------------------------------------------------------------------

    def show_moved_aside(self, old_file: Path, salvaged: tuple[int, int] | None = None) -> None:
        """*salvaged*: how many conversations and messages were read back from the old file."""
        self._moved_aside = Path(old_file)
        self._salvaged = salvaged
        self._update()

    def set_save_problem(self, text: str | None) -> None:
        """An answer cannot be saved (*text* says why, translated); None: saving works again."""
        self._save_problem = text
        self._update()

    @property
    def text(self) -> str:
        return self.label.text()

    # -- inside ----------------------------------------------------------------------------------

    def _update(self) -> None:
        self.retranslate()
        self.setVisible(self._moved_aside is not None or self._save_problem is not None)

    def retranslate(self) -> None:
        parts = []
        if self._save_problem is not None:
            parts.append(self._save_problem)
        if self._moved_aside is not None and self._salvaged is not None and self._salvaged != (0, 0):
            conversations, messages = self._salvaged
            parts.append(self.tr(
                "Your conversation history file was damaged. Desktop Chat started a new one and brought back "
                "what could still be read: {conversations} conversation(s) with {messages} message(s). The old "
                "file is kept, not deleted, at {path}.").format(
                    conversations=conversations, messages=messages, path=str(self._moved_aside)))
        elif self._moved_aside is not None:
            parts.append(self.tr(
                "Your conversation history file was damaged, so Desktop Chat started a new, empty one. "
                "The old file is kept, not deleted, at {path} — it may still hold most of your "
                "conversations.").format(path=str(self._moved_aside)))
        self.label.setText("\n\n".join(parts))
        self.folder_button.setText(self.tr("Show the old file"))
        self.folder_button.setAccessibleName(self.tr("Open the folder that holds the old history file"))
        self.folder_button.setVisible(self._moved_aside is not None)
        self.dismiss_button.setText(self.tr("Dismiss"))
        self.dismiss_button.setAccessibleName(self.tr("Dismiss this notice"))
        # A save problem clears itself once saving works; only the moved-aside note is dismissed.
        self.dismiss_button.setVisible(self._moved_aside is not None and self._save_problem is None)

    def _open_folder(self) -> None:
        if self._moved_aside is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._moved_aside.parent)))

    def _dismiss(self) -> None:
        self._moved_aside = None
        self._update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        super().changeEvent(event)


# -- start-up dialogs ---------------------------------------------------------------------------------

def startup_problem(error: StoreError) -> tuple[str, str]:
    """(title, text) for the dialog shown when the history cannot be opened, in the interface language."""
    translate = QCoreApplication.translate
    title = translate("StorageNotice", "Desktop Chat cannot start")
    if error.kind == "migration_failed":
        text = translate(
            "StorageNotice",
            "Desktop Chat could not upgrade your conversation history to this version (step {step} failed: "
            "{detail}). Nothing was lost: the history was put back exactly as it was, and a copy made before "
            "the upgrade is kept at {backup}. Go back to the previous version of Desktop Chat, or report "
            "this problem.")
    elif error.kind == "restore_failed":
        text = translate(
            "StorageNotice",
            "Desktop Chat could not upgrade your conversation history, and putting it back failed too "
            "({detail}). Your history as it was before the upgrade is kept at {backup}: copy that file over "
            "{path} before you start Desktop Chat again.")
    elif error.kind == "newer_version":
        text = translate(
            "StorageNotice",
            "Your conversation history ({path}) was upgraded by a newer version of Desktop Chat (step "
            "{step}). Install that version again to use it.")
    elif error.kind == "full":
        text = translate(
            "StorageNotice",
            "The disk is full: Desktop Chat cannot open its conversation history ({path}). Free some space "
            "and start it again.")
    elif error.kind == "readonly":
        text = translate(
            "StorageNotice",
            "Desktop Chat cannot write to its conversation history ({path}). Check the folder's permissions, "
            "or start Desktop Chat with --data-dir and a folder you can write to.")
    elif error.kind == "busy":
        text = translate(
            "StorageNotice",
            "Another program keeps the conversation history ({path}) locked. Close it and start Desktop "
            "Chat again.")
    elif error.kind == "damaged":
        text = translate(
            "StorageNotice",
            "The conversation history ({path}) is damaged and could not be moved aside ({detail}). Move the "
            "file away by hand and start Desktop Chat again.")
    else:
        text = translate("StorageNotice", "Desktop Chat cannot open its conversation history ({path}): {detail}")
    return title, text.format(path=error.path or "", detail=error.detail or str(error), step=error.step or "",
                              backup=str(error.backup or ""))


def startup_problem_box(error: StoreError, parent: QWidget | None = None) -> QMessageBox:
    """The dialog for `startup_problem` (the caller execs it, then exits)."""
    title, text = startup_problem(error)
    box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Close, parent)
    box.setObjectName("startupProblem")
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return box
