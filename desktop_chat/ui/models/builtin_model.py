"""The built-in engine in the window: what the first-start welcome offers, the background
download, the "engine not installed" note.

- `offer()` (awaited by the window's set-up check): what the built-in engine can do for a new
  user: nothing when llama-cpp-python is not installed; "use SmolLM2" when a model is installed;
  "download it (98 MB)" when none is.
- The welcome's download button (welcome_controller.py) runs `LocalModels.install` in a worker
  thread; its progress comes back through a queued signal to the banner, which passes it on to
  the welcome; Cancel (or closing the window) kills pip and leaves nothing behind. When it is done, the model is picked, so the next message gets an answer.
- Picking the Built-in provider without the engine installed shows, in the banner, how to install
  it (an error dialog would say less and stand in the way).
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from desktop_chat.config import BUILTIN_ENDPOINT, Settings
from desktop_chat.ui.runtime.async_runner import AsyncRunner
from desktop_chat.ui.common.error_text import localized_error
from desktop_chat.ui.models.setup_banner import BuiltinOffer, SetupBanner

if TYPE_CHECKING:
    from desktop_chat.chat.local_models import LocalModels
    from desktop_chat.ui.models.model_choice import ModelChoice

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def _find_engine() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


def engine_installed() -> bool:
    """llama-cpp-python is installed (asked once: a new install needs a restart anyway).

    The registry and the provider are imported only when used, off the start-up path."""
    return _find_engine()


class BuiltinModelController(QObject):
    modelChosen = Signal(str)  # the user picked a built-in model in the welcome (or it finished downloading)
    message = Signal(str, int)  # status bar: text, milliseconds
    _progress = Signal(int, object)  # from the worker thread: bytes done, total (None: unknown)

    def __init__(self, settings: Settings, choice: "ModelChoice", banner: SetupBanner, runner: AsyncRunner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.choice = choice
        self.banner = banner
        self.runner = runner
        self._cancel: threading.Event | None = None
        self._task: asyncio.Task[None] | None = None
        banner.cancelDownloadRequested.connect(self.cancel_download)
        self._progress.connect(banner.set_download_progress)  # queued: emitted in the worker thread
        choice.changed.connect(self._note_engine)

    @property
    def registry(self) -> "LocalModels":
        from desktop_chat.chat.local_models import LocalModels

        return LocalModels(self.settings)

    async def lookup_context(self, endpoint_id: str, model: str) -> int | None:
        """ChatEngine's context lookup for built-in models (None for other endpoints)."""
        if not self.choice.capabilities(endpoint_id).in_process:
            return None
        return await self.registry.lookup_context(endpoint_id, model)

    async def offer(self) -> BuiltinOffer | None:
        """What to offer a user with no provider set up (None: the engine is not installed)."""
        if not engine_installed():
            return None
        from desktop_chat.chat.local_models import DEFAULT_MODEL

        models = await self.runner.in_thread(self.registry.list)
        default = next((m for m in models if m.name == DEFAULT_MODEL.name), models[0] if models else None)
        return BuiltinOffer(default.name if default else None, DEFAULT_MODEL.size)

    def ready(self, offer: BuiltinOffer | None) -> bool:
        """The user already chats with a built-in model: no need to offer anything."""
        return (offer is not None and offer.model is not None
                and self.choice.capabilities(self.settings.default_endpoint).in_process)

    def use_model(self, name: str) -> None:
        self.choice.reload_models(BUILTIN_ENDPOINT)
        self.choice.choose_model(BUILTIN_ENDPOINT, name)
        self.banner.hide()
        self.modelChosen.emit(name)

    # -- a .gguf dropped on the window or given on the command line -------------------------------

    def add_model_files(self, paths: list[Path]) -> None:
        self.runner.start(self._add_model_files(paths), name="add-gguf")

    async def _add_model_files(self, paths: list[Path]) -> None:
        from desktop_chat.chat.local_models import add_model_file

        added: list[str] = []
        problems: list[str] = []
        for path in paths:  # the header read and the settings write happen in a worker thread
            try:
                model = await self.runner.in_thread(add_model_file, path, self.settings)
            except Exception as exc:  # noqa: BLE001 - a LocalModelError says why; anything else is named
                if not isinstance(exc, ValueError):
                    log.exception("adding the model file %s failed", path)
                problems.append(localized_error(exc))
                continue
            added.append(model.name)
        if added:
            self.use_model(added[-1])
            if not engine_installed():
                self._note_engine()
        text = [self.tr("Added to the built-in models: %1.").replace("%1", ", ".join(added))] if added else []
        self.message.emit(" ".join(text + problems), 10_000)

    # -- downloading the default model ------------------------------------------------------------

    @property
    def downloading(self) -> bool:
        return self._task is not None and not self._task.done()

    def download(self) -> None:
        if self.downloading:
            return
        self._cancel = threading.Event()
        self.banner.set_download_progress(0, None)
        self._task = self.runner.start(self._download(self._cancel), name="install-builtin-model")

    def cancel_download(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    async def _download(self, cancel: threading.Event) -> None:
        from desktop_chat.chat.local_models import DEFAULT_MODEL, InstallCancelled

        def progress(step: Any) -> None:  # an InstallProgress, in the worker thread
            if step.phase == "download":
                self._progress.emit(step.done, step.total)

        install = functools.partial(self.registry.install, DEFAULT_MODEL.alias, progress=progress, cancel=cancel)
        try:
            model, _fresh = await self.runner.in_thread(install)
        except asyncio.CancelledError:  # the window is closing: stop pip too
            cancel.set()
            raise
        except InstallCancelled:
            self.banner.download_finished()
            return
        except Exception as exc:  # noqa: BLE001 - a LocalModelError says why; anything else is named
            if not isinstance(exc, ValueError):
                log.exception("installing the built-in model failed")
            self.banner.download_finished(localized_error(exc))
            return
        self.banner.download_finished()
        self.use_model(model.name)

    # -- the engine is not installed ----------------------------------------------------------------

    def _note_engine(self) -> None:
        self.banner.show_engine_missing(self.choice.capabilities().in_process and not engine_installed())
