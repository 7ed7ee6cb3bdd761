"""A strip above the messages that says how to get started when no provider is set up."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class SetupBanner(QFrame):
    settingsRequested = Signal()
    useOllamaRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setupBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.label = QLabel(self)
        self.label.setObjectName("setupBannerText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.settings_button = QPushButton(self)
        self.settings_button.setObjectName("openSettingsButton")
        self.ollama_button = QPushButton(self)
        self.ollama_button.setObjectName("useOllamaButton")
        self.ollama_button.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.ollama_button)
        layout.addWidget(self.settings_button)
        self.settings_button.clicked.connect(self.settingsRequested)
        self.ollama_button.clicked.connect(self.useOllamaRequested)
        self._ollama_models: int | None = None
        self._checking = False
        self.retranslate()
        self.hide()

    def show_no_provider(self, *, ollama_models: int | None, checking: bool = False) -> None:
        """Nothing is set up; `ollama_models` is how many models a local Ollama offers (None: none found)."""
        self._ollama_models = ollama_models
        self._checking = checking
        self.retranslate()
        self.show()

    def retranslate(self) -> None:
        text = self.tr("No provider is set up yet. Add an API key for Anthropic or OpenAI, or an "
                       "OpenAI-compatible server, in Settings (Ctrl+,).")
        if self._ollama_models:
            text += " " + self.tr("Ollama is running on this computer with {n} model(s): you can use it "
                                  "right away, offline.").format(n=self._ollama_models)
        elif self._checking:
            text += " " + self.tr("Looking for a local Ollama…")
        else:
            text += " " + self.tr("To chat offline, install Ollama and pull a model (ollama pull llama3.2).")
        self.label.setText(text)
        self.settings_button.setText(self.tr("Open Settings"))
        self.settings_button.setAccessibleName(self.tr("Open Settings"))
        self.ollama_button.setText(self.tr("Use Ollama"))
        self.ollama_button.setAccessibleName(self.tr("Use the local Ollama"))
        self.ollama_button.setVisible(bool(self._ollama_models))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
