"""A strip above the messages that says how to get started when no provider is set up.

It offers what this computer has: a local Ollama with models, and the built-in engine (GGUF
models run in-process, the optional extra "local"): "Use the built-in model" when a model is
installed, "Download the built-in model (98 MB)" when none is, with a progress bar and Cancel
while it downloads. When the user picks the Built-in provider and the engine is not installed,
the strip says how to install it (instead of an error dialog).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QProgressBar, QPushButton, QVBoxLayout, QWidget

from desktop_chat.ui.labels import plain_label

INSTALL_COMMAND = "scripts/install_local_model.sh"
PIP_COMMAND = ('CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON" '
               "pip install 'desktop-chat[local]'")


@dataclass(frozen=True)
class BuiltinOffer:
    """What the built-in engine can offer a new user (only made when the engine is installed)."""

    model: str | None  # an installed model to use now; None: the default one can be downloaded
    download_bytes: int = 0


class SetupBanner(QFrame):
    settingsRequested = Signal()
    useOllamaRequested = Signal()
    useBuiltinRequested = Signal(str)  # the model's name
    downloadBuiltinRequested = Signal()
    cancelDownloadRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setupBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.label = plain_label("setupBannerText", self)
        self.settings_button = QPushButton(self)
        self.settings_button.setObjectName("openSettingsButton")
        self.ollama_button = QPushButton(self)
        self.ollama_button.setObjectName("useOllamaButton")
        self.ollama_button.hide()
        self.builtin_button = QPushButton(self)
        self.builtin_button.setObjectName("useBuiltinModelButton")
        self.builtin_button.hide()
        self.progress = QProgressBar(self)
        self.progress.setObjectName("builtinModelProgress")
        self.progress.hide()
        self.cancel_button = QPushButton(self)
        self.cancel_button.setObjectName("cancelBuiltinDownloadButton")
        self.cancel_button.hide()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.label, 1)
        top.addWidget(self.builtin_button)
        top.addWidget(self.ollama_button)
        top.addWidget(self.settings_button)
        below = QHBoxLayout()
        below.setContentsMargins(0, 0, 0, 0)
        below.addWidget(self.progress, 1)
        below.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addLayout(top)
        layout.addLayout(below)
        self.settings_button.clicked.connect(self.settingsRequested)
        self.ollama_button.clicked.connect(self.useOllamaRequested)
        self.builtin_button.clicked.connect(self._builtin_clicked)
        self.cancel_button.clicked.connect(self.cancelDownloadRequested)
        self._ollama_models: int | None = None
        self._checking = False
        self._builtin: BuiltinOffer | None = None
        self._download: tuple[int, int | None] | None = None  # (done, total) while downloading
        self._download_error: str | None = None
        self._engine_missing = False
        self._no_provider = False
        self.retranslate()
        self.hide()

    # -- what to show --------------------------------------------------------------------------

    def show_no_provider(self, *, ollama_models: int | None, checking: bool = False,
                         builtin: BuiltinOffer | None = None) -> None:
        """Nothing is set up; `ollama_models` is how many models a local Ollama offers (None: none
        found); `builtin` what the built-in engine offers (None: not installed)."""
        self._ollama_models = ollama_models
        self._checking = checking
        self._builtin = builtin
        self._no_provider = True
        self.retranslate()
        self.show()

    def hide_no_provider(self) -> None:
        """A provider is set up (or chosen): the strip goes, unless a download is still running."""
        self._no_provider = False
        self._update_visibility()

    def hide(self) -> None:
        """The window hides the strip once a provider is chosen: the no-provider offer is done."""
        self._no_provider = False
        super().hide()

    def show_engine_missing(self, missing: bool) -> None:
        """The Built-in provider is picked (True) without the engine installed, or not any more."""
        if missing == self._engine_missing:
            return
        self._engine_missing = missing
        self.retranslate()
        self._update_visibility()

    def set_download_progress(self, done: int, total: int | None) -> None:
        self._download = (done, total)
        self._download_error = None
        self.retranslate()
        self.show()

    def download_finished(self, error: str | None = None) -> None:
        """The download ended: `error` says why it failed (None: it worked, or was cancelled)."""
        self._download = None
        self._download_error = error
        self.retranslate()
        self._update_visibility()

    @property
    def downloading(self) -> bool:
        return self._download is not None

    # -- texts ---------------------------------------------------------------------------------

    def retranslate(self) -> None:
        if self._engine_missing and not self.downloading:
            self._show_engine_missing_text()
            return
        text = self.tr("No provider is set up yet. Add an API key for Anthropic or OpenAI, or an "
                       "OpenAI-compatible server, in Settings (Ctrl+,).")
        builtin = self._builtin
        if self._download is not None:
            done, total = self._download
            if total:
                text = self.tr("Downloading the built-in model… {done} of {total} MB").format(
                    done=f"{done / 1_000_000:.0f}", total=f"{total / 1_000_000:.0f}")
            else:
                text = self.tr("Downloading the built-in model…")
        elif self._download_error:
            text += " " + self.tr("The built-in model could not be downloaded: {reason}").format(
                reason=self._download_error)
        elif builtin is not None and builtin.model:
            text += " " + self.tr("Or chat right away with the built-in model ({model}): it runs on this "
                                  "computer, offline.").format(model=builtin.model)
        elif builtin is not None:
            text += " " + self.tr("Or download the built-in model once, and chat offline on this computer.")
        if self._download is None and (builtin is None or self._download_error):
            if self._ollama_models:
                text += " " + self.tr("Ollama is running on this computer with {n} model(s): you can use it "
                                      "right away, offline.").format(n=self._ollama_models)
            elif self._checking:
                text += " " + self.tr("Looking for a local Ollama…")
            elif builtin is None:
                text += " " + self.tr("To chat offline, install Ollama and pull a model (ollama pull llama3.2).")
        self.label.setText(text)
        self._label_buttons()

    def _show_engine_missing_text(self) -> None:
        self.label.setText(self.tr(
            "The built-in engine is not installed, so the Built-in provider cannot answer yet. Install it "
            "with {script} (it compiles llama.cpp, a few minutes), or run: {command} — then start Desktop "
            "Chat again.").format(script=INSTALL_COMMAND, command=PIP_COMMAND))
        self._label_buttons()
        self.builtin_button.hide()
        self.ollama_button.hide()

    def _label_buttons(self) -> None:
        self.settings_button.setText(self.tr("Open Settings"))
        self.settings_button.setAccessibleName(self.tr("Open Settings"))
        self.ollama_button.setText(self.tr("Use Ollama"))
        self.ollama_button.setAccessibleName(self.tr("Use the local Ollama"))
        self.ollama_button.setVisible(bool(self._ollama_models) and self._download is None)
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the download of the built-in model"))
        builtin = self._builtin
        if builtin is not None and builtin.model:
            self.builtin_button.setText(self.tr("Use the built-in model"))
        elif builtin is not None:
            self.builtin_button.setText(self.tr("Download the built-in model ({size} MB)").format(
                size=f"{builtin.download_bytes / 1_000_000:.0f}"))
        self.builtin_button.setAccessibleName(self.builtin_button.text())
        self.builtin_button.setVisible(builtin is not None and self._download is None)
        downloading = self._download is not None
        self.progress.setVisible(downloading)
        self.cancel_button.setVisible(downloading)
        if downloading:
            done, total = self._download or (0, None)
            if total:
                self.progress.setRange(0, 1000)
                self.progress.setValue(int(done * 1000 / total))
            else:
                self.progress.setRange(0, 0)  # busy: the size is not known yet
        self.progress.setAccessibleName(self.tr("Download of the built-in model"))

    def _update_visibility(self) -> None:
        self.setVisible(self._no_provider or self._engine_missing or self.downloading or bool(self._download_error))

    def _builtin_clicked(self) -> None:
        if self._builtin is not None and self._builtin.model:
            self.useBuiltinRequested.emit(self._builtin.model)
        else:
            self.downloadBuiltinRequested.emit()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
