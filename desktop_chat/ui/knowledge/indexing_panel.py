"""The strip above the composer while a knowledge base is indexed: files, pages, time left, Cancel.

Indexing runs in a process of its own (`desktop-chat kb create|update … --progress json`, see
chat/knowledge.py kb_command): the window reads its JSON lines as they come (QProcess signals,
never a wait), so neither the embedder's memory nor its CPU time lands in the GUI process.
Cancel kills the process: what was committed stays, and the next update resumes from there.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QEvent, QProcess, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

__all__ = ["IndexingPanel"]


class IndexingPanel(QFrame):
    finished = Signal(str, object)  # the collection's name, the report (a dict; {} if it stopped or failed)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("knowledgeIndexing")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel(self)
        self.label.setObjectName("knowledgeIndexingText")
        self.bar = QProgressBar(self)
        self.bar.setObjectName("knowledgeIndexingBar")
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(180)
        self.cancel_button = QPushButton(self)
        self.cancel_button.setObjectName("knowledgeIndexingCancel")
        self.cancel_button.setAutoDefault(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 6, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.bar)
        row.addWidget(self.cancel_button)
        self.cancel_button.clicked.connect(self.cancel)
        self.name = ""
        self.process: QProcess | None = None
        self.last: dict[str, Any] = {}
        self.report: dict[str, Any] = {}
        self._buffer = b""
        self._cancelled = False
        self.hide()
        self.retranslate()

    @property
    def running(self) -> bool:
        return self.process is not None

    def start(self, name: str, command: list[str]) -> None:
        """Run *command* (a `kb … --progress json`) and follow it."""
        if self.process is not None:
            return
        self.name, self.last, self.report, self._buffer, self._cancelled = name, {}, {}, b"", False
        process = QProcess(self)
        process.setProgram(command[0])
        process.setArguments(command[1:])
        process.readyReadStandardOutput.connect(self._read)
        process.finished.connect(self._ended)
        process.errorOccurred.connect(self._failed)
        self.process = process
        self.bar.setRange(0, 0)  # busy until the first line says how many files
        self.show()
        self.retranslate()
        process.start()

    def cancel(self) -> None:
        if self.process is not None:
            self._cancelled = True
            self.process.kill()  # safe at any point: indexing resumes where it stopped

    def _read(self) -> None:
        assert self.process is not None
        self._buffer += bytes(self.process.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("phase") == "report":
                self.report = event
            else:
                self.last = event
        self._show_progress()

    def _show_progress(self) -> None:
        total = int(self.last.get("files_total", 0))
        if total:
            self.bar.setRange(0, total)
            self.bar.setValue(int(self.last.get("files_done", 0)))
        self.retranslate()

    def _ended(self, *_args: object) -> None:
        self._read_rest()
        self._finish()

    def _failed(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._finish()

    def _read_rest(self) -> None:
        if self.process is not None and self.process.bytesAvailable():
            self._read()

    def _finish(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            process.deleteLater()
        self.hide()
        self.finished.emit(self.name, {} if self._cancelled else self.report)

    def retranslate(self) -> None:
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop indexing; what is done is kept, and the next update "
                                              "continues from there"))
        self.cancel_button.setAccessibleName(self.tr("Cancel indexing"))
        self.label.setText(self.describe())

    def describe(self) -> str:
        last = self.last
        if not last.get("files_total"):
            return self.tr("Indexing “%1”: looking at the files…").replace("%1", self.name)
        text = self.tr("Indexing “%1”: %2 of %3 files · %4 pages").replace("%1", self.name) \
            .replace("%2", f"{last['files_done']:,}").replace("%3", f"{last['files_total']:,}") \
            .replace("%4", f"{last.get('pages', 0):,}")
        eta = last.get("eta")
        if isinstance(eta, (int, float)) and eta > 0:
            if eta < 60:
                left = self.tr("about %1 s left").replace("%1", str(max(1, round(eta))))
            else:
                left = self.tr("about %1 min left").replace("%1", str(round(eta / 60)))
            text += " · " + left
        return text

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
