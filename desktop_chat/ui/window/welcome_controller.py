"""What the first-start welcome does (the widget is welcome.py).

The window asks for the welcome when nothing is configured (MainWindow._check_setup calls
`offer`) and says when something is (`set_needed(False)`). The panel then takes the message
area's place while the conversation on screen is a new, empty one; the composer stays below it.
Each of its three paths ends the same way (`_finish`): the window's provider picker is set to a
provider that answered a Test, the welcome goes, and the composer has the focus.

- Online service: Test lists the service's models with the typed key (chat/connection_check.py:
  a throw-away provider, nothing saved). Save tests first when the current input has not passed
  a Test, then stores the key exactly as Settings does (chat.credentials.save_key binds it to
  the endpoint's host; keyring calls in a worker thread), adds the preset's custom endpoint and
  writes the settings file.
- Ollama: the same status check as the status-bar indicator (OllamaAdmin.status), then its
  models; "Get a model…" opens the app's pull dialog.
- Built-in: BuiltinModelController does the download and the picking; the SetupBanner reports
  its progress, which this controller shows on the card (the banner stays hidden meanwhile).
"""

from __future__ import annotations

import copy
import functools
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from desktop_chat.config import (BUILTIN_ENDPOINT, CUSTOM_ENDPOINT_KIND, DEFAULT_MODELS, OLLAMA_ENDPOINT, Settings,
                                 save_settings, validate_base_url)
from desktop_chat.domain import errors
from desktop_chat.ui.runtime import i18n
from desktop_chat.ui.common.error_text import localized, localized_error
from desktop_chat.ui.models.setup_banner import BuiltinOffer
from desktop_chat.ui.welcome.welcome_state import BuiltinState, OllamaState

if TYPE_CHECKING:
    from desktop_chat.presets import Preset
    from desktop_chat.providers import ModelInfo
    from desktop_chat.ui.welcome.welcome import WelcomePanel
    from desktop_chat.ui.window.main_window import MainWindow

log = logging.getLogger(__name__)


def save_service(settings: Settings, service_id: str, base_url: str, key: str, *, session_only: bool = False) -> str:
    """Runs in a worker thread on a copy of the settings: the endpoint's id once its key (if any) is
    in the keyring and the settings file is written. Raises ValueError / KeyringUnavailableError.
    *session_only* (no system keyring): the key is held in memory until Desktop Chat quits, never
    written anywhere; the endpoint itself (its name and address, nothing secret) is still saved."""
    from desktop_chat.chat import credentials

    from desktop_chat.presets import find_preset

    preset = find_preset(service_id)
    if preset is None:
        endpoint_id = service_id  # "anthropic" / "openai": built-in endpoints
    else:
        endpoint_id = _custom_endpoint_for(settings, preset, base_url)
    if key and session_only:
        credentials.use_for_session(settings.endpoint(endpoint_id), key)
    elif key:
        credentials.save_key(settings.endpoint(endpoint_id), settings, key)
    save_settings(settings)
    return endpoint_id


def _custom_endpoint_for(settings: Settings, preset: Preset, base_url: str) -> str:
    """The custom endpoint already pointing at `base_url`, or a new one named after the preset
    ("DeepSeek", else "DeepSeek 2", … when the user already has a service of that name)."""
    url = validate_base_url(base_url)
    for custom in settings.custom_endpoints:
        if custom.base_url.rstrip("/") == url:
            return custom.id
    for number in range(1, 100):
        try:
            return settings.add_custom_endpoint(preset.name if number == 1 else f"{preset.name} {number}", url).id
        except ValueError:
            continue  # the name is taken
    raise ValueError(preset.name)


class WelcomeController(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.settings = window.settings
        self.runner = window.runner
        self._panel: WelcomePanel | None = None  # built when first needed: most starts never show it
        self.needed = False
        self._tested: tuple[str, str, str] | None = None  # (service, address, key) that passed Test
        self._models: list[ModelInfo] = []
        self._ollama_models: list[ModelInfo] = []
        self._offer: BuiltinOffer | None = None
        self._finished = False  # a path was taken since the last offer
        window.ollama.modelsChanged.connect(self._ollama_models_changed)
        window.ollama.useModelRequested.connect(lambda _model: self._finish())
        window.builtin.modelChosen.connect(lambda _model: self._finish())
        window.banner.downloadProgress.connect(self._download_progress)
        window.banner.downloadEnded.connect(self._download_ended)
        window.turnsBuilt.connect(self._follow_turns)  # (turns are built with the first one)

    def _follow_turns(self) -> None:
        """A turn that starts (a question sent from the welcome) hides it."""
        from desktop_chat.chat.events import TurnStarted

        self.window.controller.turnEvent.connect(
            lambda _cid, event: self.update_visibility() if isinstance(event, TurnStarted) else None)

    @property
    def panel(self) -> WelcomePanel:
        """The welcome itself, in the message area's place; built on first use (≈ 4 ms of widgets
        that a start with a provider set up never needs)."""
        if self._panel is None:
            self._panel = self._build_panel()
        return self._panel

    def _build_panel(self) -> WelcomePanel:
        from desktop_chat.ui.welcome.welcome import WelcomePanel  # its widgets load with the first welcome

        window = self.window
        p = WelcomePanel(window)
        p.hide()
        column = window._column  # noqa: SLF001 - the message area's place in the chat column
        column.insertWidget(column.indexOf(window.view), p, 1)
        p.testKeyRequested.connect(lambda: self._start(self._test_service(), "welcome-test-key"))
        p.saveKeyRequested.connect(lambda: self._start(self._save_service(), "welcome-save-key"))
        p.sessionKeyRequested.connect(
            lambda: self._start(self._save_service(session_only=True), "welcome-session-key"))
        p.testOllamaRequested.connect(self.check_ollama)
        p.pullOllamaRequested.connect(lambda: window.ollama.open_pull_dialog())
        p.useOllamaRequested.connect(self._use_ollama)
        p.builtinRequested.connect(self._builtin_clicked)
        p.testBuiltinRequested.connect(lambda: self._start(self._test_builtin(), "welcome-test-builtin"))
        p.cancelDownloadRequested.connect(window.builtin.cancel_download)
        return p

    # -- when it shows ---------------------------------------------------------------------------

    def offer(self, builtin: BuiltinOffer | None) -> None:
        """Nothing is configured: offer the three ways (the built-in one as `builtin` says)."""
        if not self.needed and i18n.current_language() == "zh_CN":
            self.panel.select_service("deepseek")  # Anthropic and OpenAI are out of reach for most there
        # Someone who chats with Ollama sees the welcome only if Ollama turns out not to answer:
        # no flash of it at every start while Ollama is asked.
        self.needed = not self._chats_with_ollama()
        self._offer = builtin
        self._finished = False
        self._show_builtin_offer()
        self.update_visibility()
        self.check_ollama()

    def set_needed(self, needed: bool) -> None:
        self.needed = needed
        self.update_visibility()

    def update_visibility(self) -> None:
        """Shown in place of the messages while needed and the conversation on screen is new and empty."""
        window = self.window
        cid = window.current_conversation_id
        show = self.needed and (cid is None or window.conversations.count_messages(cid) == 0)
        if not show and self._panel is None:
            return  # never shown: nothing to hide
        self.panel.setVisible(show)
        window.view.setVisible(not show)
        window.banner.set_covered(show)

    def _finish(self) -> None:
        """A path worked: the picker is on it; the welcome goes and the composer takes over."""
        self.needed, self._finished = False, True
        self.update_visibility()
        self.window.composer.setFocus()

    def _start(self, coro: Any, name: str) -> None:
        self.runner.start(coro, name=name, on_error=lambda exc: log.error("%s failed", name, exc_info=exc))

    # -- online service --------------------------------------------------------------------------

    def _target(self) -> tuple[str, str, str, str]:
        """(service id, provider kind, label, base URL) for what the card shows; ValueError if the
        address is not a usable URL."""
        service_id = self.panel.current_service()
        from desktop_chat.presets import find_preset

        preset = find_preset(service_id)
        if preset is None:
            endpoint = self.settings.endpoint(service_id)
            return service_id, endpoint.kind, endpoint.label, endpoint.base_url
        return service_id, CUSTOM_ENDPOINT_KIND, preset.name, validate_base_url(self.panel.address() or preset.base_url)

    async def _test_service(self) -> bool:
        from desktop_chat.chat.connection_check import check_connection

        panel = self.panel
        typed = (panel.current_service(), panel.address(), panel.key())
        if any(ch.isspace() for ch in typed[2]):
            panel.set_service_state("error", message=self.tr(
                "The key contains spaces or line breaks; paste only the key itself."))
            return False
        panel.set_service_state("testing")
        try:
            _service, kind, label, base_url = self._target()
            models = await check_connection(self.settings, kind=kind, label=label, base_url=base_url,
                                            key=typed[2] or None)
        except (errors.ChatError, ValueError) as exc:
            panel.set_service_state("error", message=localized_error(exc))
            return False
        except Exception as exc:  # noqa: BLE001 - any failure is still an answer to "does it work?"
            log.warning("welcome test failed", exc_info=True)
            panel.set_service_state("error", message=localized_error(exc))
            return False
        if typed != (panel.current_service(), panel.address(), panel.key()):
            panel.set_service_state("")  # the user changed the input meanwhile: this result is stale
            return False
        self._tested, self._models = typed, models
        panel.set_service_state("ok", models=len(models))
        return True

    async def _save_service(self, *, session_only: bool = False) -> None:
        panel = self.panel
        typed = (panel.current_service(), panel.address(), panel.key())
        if self._tested != typed and not await self._test_service():
            return
        panel.set_service_state("saving")
        try:
            service_id, _kind, _label, base_url = self._target()
            draft = copy.deepcopy(self.settings)
            endpoint_id = await self.runner.in_thread(
                functools.partial(save_service, session_only=session_only), draft, service_id, base_url, typed[2])
        except errors.KeyringUnavailableError as exc:
            panel.set_service_state("error", message=localized_error(exc), no_keyring=True)
            self._tested = typed  # it was tested: the session-only button needs no second Test
            return
        except (errors.ChatError, ValueError, OSError) as exc:
            panel.set_service_state("error", message=localized_error(exc))
            return
        for name in ("custom_endpoints", "key_hosts", "default_models"):
            setattr(self.settings, name, copy.deepcopy(getattr(draft, name)))
        engine = self.window.built_engine  # only when built: else it reads the settings afresh
        if engine is not None:
            engine.pool.forget_keys(endpoint_id)
        choice = self.window.choice
        choice.fill_endpoints()
        choice.choose_model(endpoint_id, self._model_for(service_id, endpoint_id))
        choice.remember_models(endpoint_id, self._models)
        panel.key_edit.clear()
        panel.set_service_state("")
        self._tested = None
        self._finish()

    def _model_for(self, service_id: str, endpoint_id: str) -> str:
        """The preset's model when the service lists it (or lists nothing), else its first model."""
        listed = [m.id for m in self._models]
        from desktop_chat.presets import find_preset

        preset = find_preset(service_id)
        wanted = (self.settings.default_models.get(endpoint_id) or
                  (preset.default_model if preset else DEFAULT_MODELS.get(service_id, "")))
        if wanted and (not listed or wanted in listed):
            return wanted
        return listed[0] if listed else wanted

    # -- Ollama ------------------------------------------------------------------------------------

    def _chats_with_ollama(self) -> bool:
        """Whether the user's default endpoint is a local server they pull models into (Ollama),
        which may simply not be running yet."""
        return self.window.choice.capabilities(self.settings.default_endpoint).model_source == "pulled"

    def _ollama_models_changed(self) -> None:
        if self.needed:
            self.check_ollama()

    def check_ollama(self) -> None:
        self.panel.set_ollama_state(OllamaState("checking"))
        self._start(self._check_ollama(), "welcome-ollama")

    async def _check_ollama(self) -> None:
        ollama = self.window.ollama
        status = await ollama.admin.status()
        ollama.show_status(status)  # the status bar's indicator says the same
        models: list[ModelInfo] = []
        if not status.running:
            if status.refused:
                self.panel.set_ollama_state(OllamaState("not_running", host=status.host))
            else:
                self.panel.set_ollama_state(OllamaState("unreachable", message=localized(status.text, str(status.text))))
        else:
            try:
                models = await self.window.engine.list_models(OLLAMA_ENDPOINT)
            except errors.ChatError as exc:
                self.panel.set_ollama_state(OllamaState("unreachable", message=localized_error(exc)))
            else:
                self._ollama_models = models
                self.window.choice.remember_models(OLLAMA_ENDPOINT, models)
                phase = "running" if models else "no_models"
                self.panel.set_ollama_state(OllamaState(phase, version=status.version or "", models=len(models)))
        if self._chats_with_ollama() and not self._finished:
            self.needed = not models  # the user chats with Ollama: offer the rest only if it cannot answer
            self.update_visibility()

    def _use_ollama(self) -> None:
        names = [m.id for m in self._ollama_models]
        model = self.settings.default_models.get(OLLAMA_ENDPOINT, "")
        if model not in names:
            model = names[0] if names else model
        self.window.choice.choose_model(OLLAMA_ENDPOINT, model)
        self._finish()

    # -- built-in ---------------------------------------------------------------------------------

    def _show_builtin_offer(self) -> None:
        from desktop_chat.chat.local_models import DEFAULT_MODEL

        offer = self._offer
        if offer is None:
            state = BuiltinState("missing")
        elif offer.model:
            state = BuiltinState("ready", model=offer.model)
        else:
            state = BuiltinState("download", size=offer.download_bytes or DEFAULT_MODEL.size)
        self.panel.set_builtin_state(state)

    def _builtin_clicked(self) -> None:
        offer = self._offer
        if offer is not None and offer.model:
            self.window.builtin.use_model(offer.model)  # emits modelChosen: _finish
        else:
            self.window.builtin.download()

    async def _test_builtin(self) -> None:
        offer = self._offer
        name = offer.model if offer is not None else None
        try:
            models = await self.window.engine.list_models(BUILTIN_ENDPOINT)
        except errors.ChatError as exc:  # the engine itself failed: a download would not mend it
            self.panel.set_builtin_state(BuiltinState("broken", model=name or "", message=localized_error(exc)))
            return
        if name and name in [m.id for m in models]:
            self.panel.set_builtin_state(BuiltinState("tested", model=name))
        else:  # the file went away or broke since the start: offer the download again
            from desktop_chat.chat.local_models import DEFAULT_MODEL

            self._offer = BuiltinOffer(None, DEFAULT_MODEL.size)
            self.panel.set_builtin_state(BuiltinState("broken", size=DEFAULT_MODEL.size, message=self.tr(
                "its file is missing or damaged; download it again.")))

    def _download_progress(self, done: int, total: object) -> None:
        state = self.panel.builtin
        self.panel.set_builtin_state(BuiltinState("downloading", size=state.size, done=done,
                                                  total=total if isinstance(total, int) else None))

    def _download_ended(self, error: str) -> None:
        size = self.panel.builtin.size
        if error:
            self.panel.set_builtin_state(BuiltinState("failed", size=size, message=error))
        else:  # done (the model is then picked: modelChosen, which ends the welcome) or cancelled
            self.panel.set_builtin_state(BuiltinState("download", size=size))
