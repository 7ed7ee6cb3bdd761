"""The window's attachments: where files come from, what happens to them, and the page preview.

Files arrive from a drop anywhere on the window, a paste or drop into the editor, the Attach
dialog and the command line; `open_files` routes each one (`file_routing.route_file`): documents
become chips in the composer's tray, anything else gets a sentence in the status bar. A long
paste becomes a text attachment and a pasted PDF a PDF attachment, both through the same shared
DocumentLibrary as the engine.

The tray of chips, the loader and the modules behind them (extraction, the chips' widgets) are
built when the first file arrives: most sessions attach nothing, and start-up does not pay for
them (≈ 25 ms).

Images get their own row of thumbnail chips (image_tray.py), built on the first image; a
picture pasted from the clipboard or a browser is one too.

Sending takes the ready chips out of the tray (`take_for_send`, `take_images_for_send`); if the turn could not start
(nothing stored: e.g. the engine's AttachmentError when a document's stored copies are gone),
`restore` puts them back, marking the one the engine named.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QMimeData, QObject, Signal
from PySide6.QtWidgets import QWidget

from desktop_chat.ui.runtime.async_runner import AsyncRunner
from desktop_chat.ui.composer.file_routing import FileRoute, local_files, route_file
from desktop_chat.ui.common.units import format_bytes

if TYPE_CHECKING:
    from PySide6.QtWidgets import QFileDialog

    from desktop_chat.documents import DocumentLibrary
    from desktop_chat.domain.messages import Attachment, SourceRef
    from desktop_chat.domain.parts import ImagePart
    from desktop_chat.ui.composer.attachment_chips import ReadyItem
    from desktop_chat.ui.composer.attachment_tray import AttachmentTray
    from desktop_chat.ui.composer.attachment_loader import AttachmentLoader
    from desktop_chat.ui.composer.image_tray import ImageTray, ReadyImage

__all__ = ["AttachmentController", "PASTED_TEXT_NAME"]

log = logging.getLogger(__name__)

PASTED_TEXT_NAME = "pasted-text.txt"
MESSAGE_MS = 10_000
FOLDER_KEY = "attach_folder"  # in Settings.ui_state: where the file dialog opens next time


def _what_is(path: Path) -> tuple[bool, str | None]:
    """(is a folder, what its first bytes say it is) for a file we do not attach. Worker thread."""
    from desktop_chat.documents import describe_content

    try:
        if path.is_dir():
            return True, None
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError:
        return False, None
    described = describe_content(head) if head else None
    return False, described[0] if described else None


def _image_in(mime: QMimeData | None) -> str | None:
    """The encoded image format a drag carries ("image/png"…), "" for a decoded picture only, or None."""
    if mime is None:
        return None
    from desktop_chat.ui.composer.composer import IMAGE_MIMES

    found = next((f for f in IMAGE_MIMES if mime.hasFormat(f)), None)
    return found if found is not None else ("" if mime.hasImage() else None)


class AttachmentController(QObject):
    """Owns the loader, the tray of chips and the preview dialogs for one window."""

    message = Signal(str, int)  # status bar: text, milliseconds
    modelFilesOpened = Signal(list)  # [Path]: .gguf files, for the built-in models

    def __init__(self, library: DocumentLibrary, runner: AsyncRunner, window: QWidget, *,
                 place_tray: Callable[[QWidget], None]) -> None:
        """`place_tray(tray)` puts the chips on screen when they are first needed."""
        super().__init__(window)
        self.library = library
        self.runner = runner
        self.window = window
        self._place_tray = place_tray
        self._loader: AttachmentLoader | None = None
        self._tray: AttachmentTray | None = None
        self._sending: dict[str, list[ReadyItem]] = {}  # conversation id -> chips taken by a send
        self._file_dialog: QFileDialog | None = None
        self._images: ImageTray | None = None
        self._sending_images: dict[str, list[ReadyImage]] = {}

    def take_drops(self, window: QWidget) -> None:
        """Files dropped anywhere on `window` become attachments (what the composer refuses, the
        window's own handling gets)."""
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            mime = event.mimeData()  # type: ignore[attr-defined]  # a QDropEvent (DragEnter/Move derive from it)
            if self.drop(mime) if kind == QEvent.Type.Drop else self.accepts(mime):
                event.acceptProposedAction()  # type: ignore[attr-defined]
                return True
        return False

    @property
    def loader(self) -> AttachmentLoader:
        if self._loader is None:
            from desktop_chat.ui.composer.attachment_loader import AttachmentLoader

            self._loader = AttachmentLoader(self.library, self.runner, parent=self)
        return self._loader

    @property
    def tray(self) -> AttachmentTray:
        """The chips (built, and placed above the editor, on first use)."""
        if self._tray is None:
            from desktop_chat.ui.composer.attachment_tray import AttachmentTray

            self._tray = AttachmentTray(self.loader, self.window)
            self._tray.message.connect(lambda text: self.message.emit(text, MESSAGE_MS))
            self._place_tray(self._tray)
        return self._tray

    @property
    def images(self) -> ImageTray:
        """The image chips (built, and placed above the editor, on the first image)."""
        if self._images is None:
            from desktop_chat.ui.composer.image_tray import ImageTray

            self._images = ImageTray(self.library, self.runner, self.window)
            self._images.message.connect(lambda text: self.message.emit(text, MESSAGE_MS))
            self._images.openRequested.connect(self.open_image)
            self._images.textRead.connect(lambda name, text: self.tray.add_bytes(text.encode("utf-8"), name))
            self._place_tray(self._images)
        return self._images

    def open_image(self, image: ImagePart) -> QWidget:
        """An image at full size (from its chip or a sent message)."""
        from desktop_chat.ui.common.image_viewer import ImageViewer

        viewer = ImageViewer(self.library, self.runner, image, self.window)
        viewer.open()
        return viewer

    def paste_image(self, image: object) -> None:
        """A picture from the clipboard (a QImage): a chip, encoded and prepared in a worker."""
        self.images.add_qimage(image)  # type: ignore[arg-type]

    # -- where files come from -----------------------------------------------------------------

    def accepts(self, mime: QMimeData | None) -> bool:
        """A drag the window should take: it carries local files, or an image (dragged from a browser)."""
        return bool(local_files(mime)) or _image_in(mime) is not None

    def drop(self, mime: QMimeData | None) -> bool:
        paths = local_files(mime)
        if paths:
            self.open_files(paths)
            return True
        encoded = _image_in(mime)
        if mime is None or encoded is None:
            return False
        if encoded:  # the browser's own bytes
            self.images.add_bytes(bytes(mime.data(encoded).data()), "dropped-image." + encoded.split("/")[1])
        else:
            self.paste_image(mime.imageData())
        return True

    def open_files(self, paths: Iterable[Path]) -> None:
        """Attach what can be attached; say what the rest is."""
        documents: list[Path] = []
        models: list[Path] = []
        images: list[Path] = []
        others: list[Path] = []
        for path in paths:
            route = route_file(path)
            if route is FileRoute.DOCUMENT:
                documents.append(path)
            elif route is FileRoute.MODEL:
                models.append(path)
            elif route is FileRoute.IMAGE:
                images.append(path)
            else:
                others.append(path)
        if documents:
            self.tray.add_paths(documents)
        if images:
            self.images.add_paths(images)
        if models:
            self.modelFilesOpened.emit(models)
        if others:
            self.runner.start(self._explain_unsupported(others), name="unsupported-files")

    async def _explain_unsupported(self, paths: Sequence[Path]) -> None:
        from desktop_chat.ui.composer.document_errors import unsupported_file_text

        kinds = await self.runner.in_thread(lambda: [_what_is(p) for p in paths])  # disk: off the GUI thread
        sentences = [unsupported_file_text(p.name or str(p), is_folder=folder, detected=detected)
                     for p, (folder, detected) in zip(paths, kinds)]
        self.message.emit(" ".join(sentences), MESSAGE_MS)

    def choose_files(self) -> QFileDialog:
        """The Attach… button: the platform's own file dialog (Qt uses it unless told not to),
        opened in the folder files were last attached from (not modal-blocking: the loop keeps
        running)."""
        if self._file_dialog is not None:
            self._file_dialog.raise_()
            return self._file_dialog
        from PySide6.QtWidgets import QFileDialog  # (its class and enums load with the first dialog)

        dialog = QFileDialog(self.window, self.tr("Attach files"))
        dialog.setObjectName("attachFileDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilters([self.tr("PDF, text and image files (*.pdf *.txt *.md *.markdown *.png *.jpg *.jpeg "
                                       "*.webp *.gif)"),
                               self.tr("All files (*)")])
        dialog.setDirectory(self.last_folder())
        dialog.filesSelected.connect(self._remember_folder)
        dialog.filesSelected.connect(lambda files: self.open_files(Path(f) for f in files))
        dialog.finished.connect(lambda _result: setattr(self, "_file_dialog", None))
        self._file_dialog = dialog
        dialog.open()
        return dialog

    def _ui_state(self) -> dict[str, Any] | None:
        """The window's saved state (Settings.ui_state, written with the window's geometry)."""
        settings = getattr(self.window, "settings", None)
        state = getattr(settings, "ui_state", None)
        return state if isinstance(state, dict) else None

    def last_folder(self) -> str:
        """Where the file dialog opens: the folder files were last attached from, else Documents."""
        folder = (self._ui_state() or {}).get(FOLDER_KEY)
        if isinstance(folder, str) and folder:
            return folder
        from PySide6.QtCore import QStandardPaths  # (set up on first use: most starts never attach)

        return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)

    def _remember_folder(self, files: list[str]) -> None:
        settings = getattr(self.window, "settings", None)
        if files and settings is not None:
            settings.ui_state = {**(self._ui_state() or {}), FOLDER_KEY: str(Path(files[0]).parent)}

    def paste_bytes(self, data: bytes, file_name: str) -> None:
        if route_file(Path(file_name)) is FileRoute.IMAGE:  # an image a browser put on the clipboard
            self.images.add_bytes(data, file_name)
            return
        self.tray.add_bytes(data, file_name, title=self.tr("Pasted PDF") if file_name == "pasted.pdf" else None)

    def paste_text(self, text: str) -> None:
        """A paste too long for the editor: a text attachment instead. (Encoding takes a few
        milliseconds for 10 MB; reading, hashing and indexing it happen in the loader's thread.)"""
        data = text.encode("utf-8", errors="replace")
        self.tray.add_bytes(data, PASTED_TEXT_NAME, title=self.tr("Pasted text"))
        self.message.emit(self.tr("The pasted text ({size}) is long, so it was attached as a file instead of "
                                  "going into the message.").format(size=format_bytes(len(data))), MESSAGE_MS)

    # -- sending -------------------------------------------------------------------------------

    def busy_text(self) -> str | None:
        """Why Send waits, or None."""
        names = self._tray.busy_names() if self._tray is not None else []
        names += self._images.busy_names() if self._images is not None else []
        if not names:
            return None
        return self.tr("Still reading {names}. Send when it is ready; your message stays here.").format(
            names=", ".join(f"“{n}”" for n in names))

    def take_for_send(self, conversation_id: str) -> list[Attachment]:
        items = self._tray.take() if self._tray is not None else []
        if items:
            self._sending[conversation_id] = items
        return [item.attachment for item in items]

    def has_images(self) -> bool:
        """Ready images wait to be sent (a message may be an image alone)."""
        return self._images is not None and self._images.has_ready()

    def take_images_for_send(self, conversation_id: str) -> list[ImagePart]:
        items = self._images.take() if self._images is not None else []
        if items:
            self._sending_images[conversation_id] = items
        return [item.part for item in items]

    def sent(self, conversation_id: str) -> None:
        """The turn started: its message (and the attachments with it) is stored."""
        self._sending.pop(conversation_id, None)
        self._sending_images.pop(conversation_id, None)

    def restore(self, conversation_id: str, error: BaseException | None, message: str) -> None:
        """The turn did not start: the chips go back, the one the engine could not use marked."""
        items = self._sending.pop(conversation_id, None)
        if items:
            self.tray.restore(items)
        images = self._sending_images.pop(conversation_id, None)
        if images:
            self.images.restore(images)
            from desktop_chat.chat.images import NoVisionError

            if isinstance(error, NoVisionError):
                self.images.offer_ocr()
        file_name = getattr(error, "file_name", None)
        if file_name:
            self.tray.mark_failed(file_name, message)

    # -- sources -------------------------------------------------------------------------------

    def open_source(self, source: SourceRef) -> QWidget:
        from desktop_chat.ui.composer.page_preview import PagePreviewDialog

        dialog = PagePreviewDialog(self.library, self.runner, source, self.window)
        dialog.open()
        return dialog

    # -- closing -------------------------------------------------------------------------------

    def cancel_all(self) -> None:
        """Stop every extraction at its next page (closing the window)."""
        if self._loader is not None:
            self._loader.cancel_all()

    async def aclose(self) -> None:
        self.cancel_all()
        try:
            await self.runner.in_thread(self.library.close)
        except Exception:  # noqa: BLE001 - closing must go on
            log.exception("closing the document library failed")
