"""Delete asks: this version of a message only, or the message and everything after it.

Nothing is thrown away without the user saying which (issue 16). A message with other versions
offers both; a message with one version offers the one thing that deleting it can mean (both
would delete the same messages), worded so that it is true: the message and what follows it.
The dialog only asks; the window deletes through the conversation service.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

__all__ = ["DeleteMessageDialog"]


class DeleteMessageDialog(QDialog):
    """Window-modal, opened with open(); emits ``chosen(message_id, scope)``, scope being
    "version" (this version and what follows it) or "after" (every version and what follows)."""

    chosen = Signal(str, str)

    def __init__(self, message_id: str, versions: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deleteMessageDialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._message_id = message_id
        self._versions = versions

        layout = QVBoxLayout(self)
        self.question = QLabel(self)
        self.question.setObjectName("deleteQuestion")
        self.question.setWordWrap(True)
        layout.addWidget(self.question)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton(self)
        self.cancel_button.setObjectName("deleteCancelButton")
        self.cancel_button.clicked.connect(self.reject)
        # The first option deletes this version (and what hangs under it); with one version that
        # is the message and what follows, so there is no second option to offer.
        self.version_button = QPushButton(self)
        self.version_button.setObjectName("deleteVersionButton")
        self.version_button.clicked.connect(lambda: self._choose("version"))
        self.after_button = QPushButton(self)
        self.after_button.setObjectName("deleteAfterButton")
        self.after_button.clicked.connect(lambda: self._choose("after"))
        self.after_button.setVisible(versions > 1)
        for button in (self.cancel_button, self.version_button, self.after_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.cancel_button.setDefault(True)  # Enter must not delete
        self.retranslate()

    @property
    def versions(self) -> int:
        return self._versions

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Delete message"))
        if self._versions > 1:
            self.question.setText(self.tr(
                "This message has {count} versions. Delete only the version shown (with the messages that "
                "follow it), or this message in every version and everything after it?").format(
                count=self._versions))
            self.version_button.setText(self.tr("Delete this version only"))
        else:
            self.question.setText(self.tr("Delete this message and the messages that follow it?"))
            self.version_button.setText(self.tr("Delete this message and what follows"))
        self.after_button.setText(self.tr("Delete this message and everything after it"))
        self.cancel_button.setText(self.tr("Cancel"))
        for button in (self.version_button, self.after_button, self.cancel_button):
            button.setAccessibleName(button.text())

    def _choose(self, scope: str) -> None:
        self.chosen.emit(self._message_id, scope)
        self.accept()
