"""The "Get a model" dialog: a name, Download, and Ollama's /api/pull progress as it streams.

A progress bar over all the layers announced so far, each layer's bytes and percentage, the
speed and the time left. Cancel (or closing the dialog, after asking) cancels the task, which
closes the HTTP stream: Ollama stops and keeps what it has, so the next pull continues there.
An unknown name or a network failure on Ollama's side shows Ollama's own message. Redraws are
coalesced to one per RENDER_INTERVAL_MS; the last line is always drawn.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.chat.ollama_admin import OllamaAdmin, PullProgress
from desktop_chat.domain import errors
from desktop_chat.ui.runtime.async_runner import AsyncRunner
from desktop_chat.ui.common.error_text import localized_error
from desktop_chat.ui.common.html_text import escape_html
from desktop_chat.ui.common.labels import plain_label, set_tone
from desktop_chat.ui.models.ollama_common import DialogTasks
from desktop_chat.ui.common.units import format_bytes, format_speed, format_time_left

log = logging.getLogger(__name__)

RENDER_INTERVAL_MS = 50  # at most this often a pull's progress is redrawn (the last line always is)
LIBRARY_URL = "https://ollama.com/library"


class PullDialog(QDialog):
    modelPulled = Signal(str)
    useModelRequested = Signal(str)

    def __init__(self, admin: OllamaAdmin, runner: AsyncRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ollamaPullDialog")
        self.admin = admin
        self.tasks = DialogTasks(runner)
        self._task: asyncio.Task[Any] | None = None
        self._state = "idle"  # idle | pulling | done | failed | cancelled
        self._model = ""
        self._latest: PullProgress | None = None
        self._shown_phase = ""
        self._error: BaseException | None = None
        self._rows: dict[str, QTreeWidgetItem] = {}
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(RENDER_INTERVAL_MS)
        self._render_timer.timeout.connect(self._render_latest)

        self.intro = QLabel(self)
        self.intro.setObjectName("ollamaPullIntro")
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.RichText)  # our own words and link only
        self.intro.setOpenExternalLinks(True)
        self.name_label = QLabel(self)
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("ollamaPullName")
        self.name_edit.setClearButtonEnabled(True)
        self.name_label.setBuddy(self.name_edit)
        self.pull_button = QPushButton(self)
        self.pull_button.setObjectName("ollamaPullButton")
        self.pull_button.setDefault(True)
        self.cancel_button = QPushButton(self)
        self.cancel_button.setObjectName("ollamaPullCancel")
        self.cancel_button.hide()
        self.progress = QProgressBar(self)
        self.progress.setObjectName("ollamaPullProgress")
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setFormat("%p%")
        self.status_label = plain_label("ollamaPullStatus", self)
        self.detail_label = plain_label("ollamaPullDetail", self)
        self.layers = QTreeWidget(self)
        self.layers.setObjectName("ollamaPullLayers")
        self.layers.setColumnCount(3)
        self.layers.setRootIsDecorated(False)
        self.layers.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.layers.setUniformRowHeights(True)
        header = self.layers.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.use_button = QPushButton(self)
        self.use_button.setObjectName("ollamaUseModelButton")
        self.use_button.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)

        row = QHBoxLayout()
        row.addWidget(self.name_label)
        row.addWidget(self.name_edit, 1)
        row.addWidget(self.pull_button)
        row.addWidget(self.cancel_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.use_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addWidget(self.detail_label)
        layout.addWidget(self.layers, 1)
        layout.addLayout(bottom)

        self.pull_button.clicked.connect(lambda: self.start())
        self.name_edit.returnPressed.connect(lambda: self.start())
        self.name_edit.textChanged.connect(lambda _t: self._update_buttons())
        self.cancel_button.clicked.connect(self.cancel)
        self.use_button.clicked.connect(lambda: self._use())
        self.retranslate()
        self._update_buttons()
        self.resize(600, 380)

    # -- actions --

    @property
    def state(self) -> str:
        return self._state

    def start(self, name: str | None = None) -> None:
        if self._state == "pulling":
            return
        name = (name if name is not None else self.name_edit.text()).strip()
        if not name:
            self.name_edit.setFocus()
            return
        self.name_edit.setText(name)
        self._model, self._state, self._error, self._latest, self._shown_phase = name, "pulling", None, None, ""
        self._rows.clear()
        self.layers.clear()
        self.progress.setRange(0, 0)  # busy until the first layer announces its size
        self.use_button.hide()
        self._task = self.tasks.start(self._pull(name), name=f"ollama-pull-{name}")
        self.retranslate()
        self._update_buttons()

    def cancel(self) -> None:
        if self._state == "pulling" and self._task is not None:
            self._task.cancel()

    async def _pull(self, name: str) -> None:
        try:
            async for progress in self.admin.pull(name):
                self._latest = progress
                if progress.done or progress.phase != self._shown_phase:
                    self._render_latest()
                elif not self._render_timer.isActive():
                    self._render_timer.start()
        except asyncio.CancelledError:
            if shiboken6.isValid(self):
                self._finish("cancelled")
            raise
        except (errors.ChatError, ValueError) as exc:
            self._error = exc
            self._finish("failed")
            return
        except Exception as exc:  # noqa: BLE001 - a bug: say so rather than hang at "downloading"
            log.exception("pull failed")
            self._error = exc
            self._finish("failed")
            return
        self._finish("done" if self._latest is not None and self._latest.done else "failed")
        if self._state == "done":
            self.modelPulled.emit(name)

    def _finish(self, state: str) -> None:
        self._render_timer.stop()
        if self._latest is not None:
            self._render(self._latest)
        self._state = state
        if state != "done" and self.progress.maximum() == 0:
            self.progress.setRange(0, 1000)
            self.progress.setValue(0)
        self.retranslate()
        self._update_buttons()

    def _use(self) -> None:
        if self._state == "done":
            self.useModelRequested.emit(self._model)
            self.accept()

    # -- showing progress --

    def _render_latest(self) -> None:
        if self._latest is not None:
            self._render(self._latest)

    def _render(self, progress: PullProgress) -> None:
        self._shown_phase = progress.phase
        percent = progress.percent
        if percent is None:
            if self.progress.maximum() != 0:
                self.progress.setRange(0, 0)
        else:
            if self.progress.maximum() == 0:
                self.progress.setRange(0, 1000)
            self.progress.setValue(int(round(percent * 10)))
        for index, layer in enumerate(progress.layers):
            item = self._rows.get(layer.digest)
            if item is None:
                item = QTreeWidgetItem([layer.digest.removeprefix("sha256:")[:12], "", ""])
                item.setToolTip(0, layer.digest)
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.layers.addTopLevelItem(item)
                self._rows[layer.digest] = item
            item.setText(1, self.tr("{done} of {total}").format(done=format_bytes(layer.completed),
                                                                  total=format_bytes(layer.total)))
            item.setText(2, f"{layer.percent:.0f} %")
        self._show_phase(progress)

    def _show_phase(self, progress: PullProgress) -> None:
        phase, model = progress.phase, progress.model
        if phase == "manifest":
            text = self.tr("Fetching the list of files for “{model}”…").format(model=model)
        elif phase == "downloading":
            # Ollama announces the parts one after the other: how many there are is known at the end.
            digests = [layer.digest for layer in progress.layers]
            index = digests.index(progress.layer) + 1 if progress.layer in digests else len(digests)
            text = self.tr("Downloading part {index} of “{model}”…").format(index=index, model=model)
        elif phase == "verifying":
            text = self.tr("Verifying the download…")
        elif phase == "writing":
            text = self.tr("Writing the model's manifest…")
        elif phase == "cleaning":
            text = self.tr("Removing files no longer needed…")
        elif phase == "success":
            text = self.tr("“{model}” is ready.").format(model=model)
        else:
            text = progress.status  # Ollama's own words for a step we do not know
        self.status_label.setText(text)
        set_tone(self.status_label, "ok" if phase == "success" else "")
        parts = []
        if progress.total:
            parts.append(self.tr("{done} of {total}").format(done=format_bytes(progress.completed),
                                                              total=format_bytes(progress.total)))
        if phase == "downloading":
            parts += [p for p in (format_speed(progress.bytes_per_second),
                                  format_time_left(progress.seconds_left)) if p]
        self.detail_label.setText(" · ".join(parts))

    # -- the rest --

    def _update_buttons(self) -> None:
        pulling = self._state == "pulling"
        self.pull_button.setVisible(not pulling)
        self.cancel_button.setVisible(pulling)
        self.pull_button.setEnabled(bool(self.name_edit.text().strip()))
        self.name_edit.setReadOnly(pulling)
        self.use_button.setVisible(self._state == "done")

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Get a model"))
        link = f'<a href="{LIBRARY_URL}">ollama.com/library</a>'
        self.intro.setText(self.tr(
            "Type the name of a model from {link}, for example llama3.2, qwen2.5:7b or gemma3:4b. "
            "Ollama at {host} downloads it onto that computer.").format(
                link=link, host=escape_html(self.admin.host, quote=False)))
        self.name_label.setText(self.tr("&Model:"))
        self.name_edit.setPlaceholderText(self.tr("e.g. llama3.2"))
        self.name_edit.setAccessibleName(self.tr("Name of the model to download"))
        self.pull_button.setText(self.tr("Download"))
        self.pull_button.setAccessibleName(self.tr("Download the model"))
        self.cancel_button.setText(self.tr("Cancel download"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the download"))
        self.progress.setAccessibleName(self.tr("Download progress"))
        self.layers.setAccessibleName(self.tr("Files being downloaded"))
        self.layers.setHeaderLabels([self.tr("Part"), self.tr("Downloaded"), self.tr("Done")])
        self.use_button.setText(self.tr("Chat with it"))
        self.use_button.setAccessibleName(self.tr("Chat with the new model"))
        if self._state == "idle":
            self.status_label.clear()
        elif self._state == "pulling" and self._latest is None:
            self.status_label.setText(self.tr("Asking Ollama for “{model}”…").format(model=self._model))
            set_tone(self.status_label, "")
        elif self._state == "failed":
            if self._error is not None:
                text = localized_error(self._error)
            else:
                text = self.tr("The download of “{model}” stopped without finishing.").format(model=self._model)
            self.status_label.setText(text)
            set_tone(self.status_label, "error")
        elif self._state == "cancelled":
            self.status_label.setText(self.tr(
                "Download cancelled. Ollama keeps what it has so far: downloading “{model}” again continues "
                "from there.").format(model=self._model))
            set_tone(self.status_label, "")
            self.detail_label.clear()
        elif self._latest is not None:
            self._show_phase(self._latest)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def reject(self) -> None:
        if self._state != "pulling":
            super().reject()
            return
        box = QMessageBox(self)
        box.setObjectName("ollamaStopPullQuestion")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Stop the download?"))
        box.setText(self.tr("“{model}” is still downloading. Stop the download and close?").format(
            model=self._model))
        box.setInformativeText(self.tr("Ollama keeps what it has so far; downloading it again continues from there."))
        stop = box.addButton(self.tr("Stop download"), QMessageBox.ButtonRole.DestructiveRole)
        stop.setObjectName("ollamaStopPull")
        keep = box.addButton(self.tr("Keep downloading"), QMessageBox.ButtonRole.RejectRole)
        keep.setObjectName("ollamaKeepPulling")
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)

        def answered(button: Any) -> None:
            if button is stop:
                self.cancel()
                QDialog.reject(self)

        box.buttonClicked.connect(answered)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def done(self, result: int) -> None:
        self.tasks.cancel()
        super().done(result)


__all__ = ["PullDialog"]
