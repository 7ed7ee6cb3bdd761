"""A strip above the messages for the built-in engine: "not installed" and the download's progress.

What to do when nothing is set up is the welcome's (welcome.py), in the message area. This strip
says the rest, where the user is looking:

- when the user picks the Built-in provider and its engine (llama-cpp-python) is not installed:
  the one command that installs it (never a compiler line);
- while the built-in model downloads, its progress and Cancel, and why a download failed.

While the welcome is on screen it is "covered": the welcome's built-in card shows the same
progress (it follows `downloadProgress` / `downloadEnded`), so the strip stays hidden.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QProgressBar, QPushButton, QVBoxLayout, QWidget

from desktop_chat.ui.common.labels import plain_label



class BuiltinOffer(NamedTuple):
    """What the built-in engine can offer a new user (only made when the engine is installed)."""

    model: str | None  # an installed model to use now; None: the default one can be downloaded
    download_bytes: int = 0


class SetupBanner(QFrame):
    cancelDownloadRequested = Signal()
    downloadProgress = Signal(int, object)  # bytes done, total (None: not known yet)
    downloadEnded = Signal(str)  # why it failed; "" when it worked or was cancelled

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setupBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.label = plain_label("setupBannerText", self)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("builtinModelProgress")
        self.progress.hide()
        self.cancel_button = QPushButton(self)
        self.cancel_button.setObjectName("cancelBuiltinDownloadButton")
        self.cancel_button.hide()
        below = QHBoxLayout()
        below.setContentsMargins(0, 0, 0, 0)
        below.addWidget(self.progress, 1)
        below.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label)
        layout.addLayout(below)
        self.cancel_button.clicked.connect(self.cancelDownloadRequested)
        self._download: tuple[int, int | None] | None = None  # (done, total) while downloading
        self._download_error: str | None = None
        self._engine_missing = False
        self._covered = False
        self.retranslate()
        self.hide()

    # -- what to show --------------------------------------------------------------------------

    def set_covered(self, covered: bool) -> None:
        """The welcome is on screen (True): it says all of this itself."""
        self._covered = covered
        self._update_visibility()

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
        self._update_visibility()
        self.downloadProgress.emit(done, total)

    def download_finished(self, error: str | None = None) -> None:
        """The download ended: `error` says why it failed (None: it worked, or was cancelled)."""
        self._download = None
        self._download_error = error
        self.retranslate()
        self._update_visibility()
        self.downloadEnded.emit(error or "")

    def hide(self) -> None:
        """A built-in model was picked: a failed download's note is done with."""
        self._download_error = None
        super().hide()

    @property
    def downloading(self) -> bool:
        return self._download is not None

    # -- texts ---------------------------------------------------------------------------------

    def retranslate(self) -> None:
        if self._download is not None:
            done, total = self._download
            if total:
                text = self.tr("Downloading the built-in model… {done} of {total} MB").format(
                    done=f"{done / 1_000_000:.0f}", total=f"{total / 1_000_000:.0f}")
            else:
                text = self.tr("Downloading the built-in model…")
        elif self._download_error:
            text = self.tr("The built-in model could not be downloaded: {reason}").format(reason=self._download_error)
        elif self._engine_missing:
            from desktop_chat.providers.engine_install import engine_install_command  # (small: no engine loaded)

            text = self.tr(
                "The built-in engine is not installed, so the Built-in provider cannot answer yet. Install it "
                "with one command: {command}, then start Desktop Chat again.").format(
                command=engine_install_command())
        else:
            text = ""
        self.label.setText(text)
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the download of the built-in model"))
        self.progress.setAccessibleName(self.tr("Download of the built-in model"))
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

    def _update_visibility(self) -> None:
        wanted = self._engine_missing or self.downloading or bool(self._download_error)
        self.setVisible(wanted and not self._covered)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
