"""About Desktop Chat: the version, where its data lives, and a button that opens that folder.

The folders come from config.py (DESKTOP_CHAT_HOME / --data-dir put them all in one place), so
what is shown is where this very process reads and writes, not a default guessed here.
"""

from __future__ import annotations

import platform
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QUrl, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat import __version__
from desktop_chat.config import config_dir, data_dir, log_dir
from desktop_chat.ui.common.labels import plain_label

__all__ = ["AboutDialog"]


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.title = QLabel(self)
        self.title.setObjectName("aboutTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.version = plain_label("aboutVersion", self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.data_label, self.config_label, self.log_label = QLabel(self), QLabel(self), QLabel(self)
        self.data_path = plain_label("aboutDataFolder", self)
        self.config_path = plain_label("aboutConfigFolder", self)
        self.log_path = plain_label("aboutLogFolder", self)
        self.data_path.setText(str(data_dir()))
        self.config_path.setText(str(config_dir()))
        self.log_path.setText(str(log_dir()))
        form = QFormLayout()
        form.addRow(self.data_label, self.data_path)
        form.addRow(self.config_label, self.config_path)
        form.addRow(self.log_label, self.log_path)
        self.open_folder_button = QPushButton(self)
        self.open_folder_button.setObjectName("openDataFolderButton")
        self.open_folder_button.clicked.connect(self.open_data_folder)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.addButton(self.open_folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("aboutCloseButton")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.version)
        layout.addWidget(self.summary)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self._opened: QUrl | None = None  # the last folder asked of the desktop (for tests)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("About Desktop Chat"))
        self.title.setText("Desktop Chat")  # the name, not translated
        self.version.setText(self.tr("Version {version} · Python {python} · Qt {qt} · {system}").format(
            version=__version__, python=platform.python_version(), qt=qVersion(),
            system=platform.system() or sys.platform))
        self.summary.setText(self.tr("A desktop chat application for language models: Anthropic, OpenAI and "
                                     "OpenAI-compatible services, Ollama and built-in local models."))
        self.data_label.setText(self.tr("Data folder:"))
        self.config_label.setText(self.tr("Settings folder:"))
        self.log_label.setText(self.tr("Log folder:"))
        self.open_folder_button.setText(self.tr("Open data folder"))
        self.open_folder_button.setAccessibleName(self.tr("Open the data folder in the file manager"))
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(self.tr("Close"))
        close.setAccessibleName(self.tr("Close"))

    def open_data_folder(self) -> bool:
        """Show the data folder in the desktop's file manager (made first if it is not there yet)."""
        folder = Path(data_dir())
        folder.mkdir(parents=True, exist_ok=True)
        self._opened = QUrl.fromLocalFile(str(folder))
        return QDesktopServices.openUrl(self._opened)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

