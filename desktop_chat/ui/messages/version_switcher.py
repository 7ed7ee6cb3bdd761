"""The "‹ 2/3 ›" control on a message that has versions (regenerated answers, edited questions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from desktop_chat.chat.versions import Versions

if TYPE_CHECKING:
    from desktop_chat.ui.messages.message_widget import MessageWidget


def add_switcher(widget: MessageWidget) -> VersionSwitcher:
    """A switcher for a message's widget, in its action row, asking the widget's versionChosen.
    First in an answer's row, next to the time under a question: where the eye is when the
    buttons (shown on hover) are not."""
    switcher = VersionSwitcher(widget)
    switcher.versionChosen.connect(widget.versionChosen)
    index = widget.action_row.indexOf(widget.action_bar)
    widget.action_row.insertWidget(index + 1 if widget.is_user else index, switcher)
    return switcher


class VersionSwitcher(QWidget):
    """Shows which version a message is; its arrows ask for the previous or next one.

    It changes nothing itself: ``versionChosen`` carries the id of the version asked for.
    """

    versionChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("versionSwitcher")
        self._versions: Versions | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.previous_button = self._arrow("previousVersionButton", "‹")
        self.label = QLabel(self)
        self.label.setObjectName("versionLabel")
        self.next_button = self._arrow("nextVersionButton", "›")
        self.previous_button.clicked.connect(lambda: self._choose(self._versions.previous if self._versions else None))
        self.next_button.clicked.connect(lambda: self._choose(self._versions.next if self._versions else None))
        layout.addWidget(self.previous_button)
        layout.addWidget(self.label)
        layout.addWidget(self.next_button)
        self._retranslate()

    def _arrow(self, name: str, text: str) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        return button

    def set_versions(self, versions: Versions) -> None:
        self._versions = versions
        self.label.setText(f"{versions.position + 1}/{len(versions.ids)}")
        self.previous_button.setEnabled(versions.previous is not None)
        self.next_button.setEnabled(versions.next is not None)
        self._retranslate()

    def _choose(self, message_id: str | None) -> None:
        if message_id is not None:
            self.versionChosen.emit(message_id)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        for button, name in ((self.previous_button, self.tr("Previous version")),
                             (self.next_button, self.tr("Next version"))):
            button.setAccessibleName(name)
            button.setToolTip(name)
        if self._versions is not None:
            self.label.setAccessibleName(self.tr("Version {number} of {count}").format(
                number=self._versions.position + 1, count=len(self._versions.ids)))
