"""Finds out, in the background, which providers can answer: keys (keyring and environment), the
built-in engine and its models; Ollama's state arrives from the Ollama status check.

Nothing here runs on the GUI thread but the bookkeeping: the keyring lookup and the model folder
scan run in the runner's worker thread. Each finished check emits `changed(states, tips)` for
the pickers (ModelChoice.set_readiness).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from desktop_chat.chat.readiness import Readiness, check_keys, check_recorded_keys
from desktop_chat.config import BUILTIN_ENDPOINT, Settings
from desktop_chat.providers import capabilities
from desktop_chat.ui.runtime.async_runner import AsyncRunner

if TYPE_CHECKING:
    from desktop_chat.chat.ollama_admin import OllamaStatus

log = logging.getLogger(__name__)


class ProviderReadiness(QObject):
    changed = Signal(object, object)  # {endpoint id: Readiness}, {endpoint id: tooltip}

    def __init__(self, settings: Settings, runner: AsyncRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.runner = runner
        self.states: dict[str, Readiness] = {}
        self.tips: dict[str, str] = {}
        self._task: Any = None
        self._again = False
        self._keyful: set[str] = set()  # the endpoints the last check looked up a key for

    def check(self) -> None:
        """Look at keys and the built-in engine again (at start, and after Settings were saved)."""
        if self._task is not None and not self._task.done():
            self._again = True  # settings changed while the last check ran: its answer may be stale
            return
        self._task = self.runner.start(self._check(), name="provider-readiness")

    async def checked_keys(self) -> dict[str, Readiness]:
        """The key-holding endpoints' readiness from the check under way (one is started if none
        is): the start-up's set-up check asks here instead of probing the keyring a second time."""
        if self._task is None:
            self.check()
        task = self._task
        if task is not None:
            await asyncio.wait([task])  # its own failure is logged by _check; the marks stay unknown
        return {endpoint_id: state for endpoint_id, state in self.states.items()
                if endpoint_id in self._keyful}

    async def _check(self) -> None:
        try:
            keys = await self._keys()
            self._keyful = set(keys)
            builtin = await self.runner.in_thread(_builtin_state, self.settings)
        except Exception:  # noqa: BLE001 - a broken keyring backend: the marks stay unknown
            log.exception("checking which providers are ready failed")
            return
        finally:
            if self._again:
                self._again = False
                self._task = self.runner.start(self._check(), name="provider-readiness")
        states = dict(keys)
        states[BUILTIN_ENDPOINT] = builtin
        for endpoint_id, state in states.items():
            self.tips[endpoint_id] = self._tip(endpoint_id, state)
        self.states.update(states)
        self.changed.emit(dict(self.states), dict(self.tips))

    async def _keys(self) -> dict[str, Readiness]:
        """Each key-holding endpoint's readiness. The app's own records first (keys saved through it,
        session keys, the environment): when they say something can answer, the keyring is not
        opened — a start then imports no keyring (≈ 8 MB, and D-Bus) and asks no desktop keyring to
        unlock; it is opened when a key is needed. When they say nothing (a first start, or keys
        another tool put there), the keyring decides."""
        recorded = check_recorded_keys(self.settings)
        if any(state is Readiness.READY for state in recorded.values()):
            return recorded
        return await self.runner.in_thread(check_keys, self.settings)

    def ollama_status(self, status: OllamaStatus) -> None:
        """What the Ollama status check found (OllamaController.statusChanged)."""
        for endpoint in self.settings.endpoints():
            if capabilities(endpoint.kind).model_source == "pulled":  # Ollama's status is about it
                self.states[endpoint.id] = Readiness.READY if status.running else Readiness.NOT_RUNNING
                self.tips[endpoint.id] = "" if status.running else self.tr("Start it with “ollama serve”.")
        self.changed.emit(dict(self.states), dict(self.tips))

    def _tip(self, endpoint_id: str, state: Readiness) -> str:
        """What to do about it (the Built-in entry's advice is ModelChoice's, which knows the engine)."""
        if state is Readiness.NEEDS_KEY:
            return self.tr("Add its API key in Settings.")
        return ""


def _builtin_state(settings: Settings) -> Readiness:
    """READY when the llama.cpp engine is installed and a usable model is there (worker thread)."""
    from desktop_chat.ui.models.builtin_model import engine_installed

    if not engine_installed():
        return Readiness.NOT_INSTALLED
    from desktop_chat.chat.local_models import LocalModels

    return Readiness.READY if LocalModels(settings).list() else Readiness.NOT_INSTALLED
