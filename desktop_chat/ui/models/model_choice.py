"""Which provider and model a turn goes to: the pickers' state, defaults, and model lists.

Model lists are fetched asynchronously (the engine's list_models) only when wanted: when the user
opens the list, presses refresh or picks another provider; never at start-up, which must not
wait on the network or the keyring. A failed listing says why in the status bar and leaves the
model field editable, so any model name can still be typed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, QTimer, Signal

from desktop_chat.chat.readiness import Readiness, starting_endpoint
from desktop_chat.config import BUILTIN_ENDPOINT, DEFAULT_MODELS, Settings, save_settings
from desktop_chat.providers import Capabilities, capabilities
from desktop_chat.domain import errors
from desktop_chat.ui.runtime.async_runner import AsyncRunner
from desktop_chat.ui.common.error_text import localized_error
from desktop_chat.ui.models.top_bar import TopBar

if TYPE_CHECKING:
    from desktop_chat.providers import ModelInfo

log = logging.getLogger(__name__)

SAVE_DELAY_MS = 1000
DESCRIBE_AT_MOST = 60  # per listing: one local request each (Ollama's /api/show, cached per host)


class ModelChoice(QObject):
    chosen = Signal(str, str)  # endpoint id, model ("" when none): the user changed the pick
    statusMessage = Signal(str, int)  # text, milliseconds
    changed = Signal()  # what the pickers show changed (for the status bar)

    def __init__(self, settings: Settings, list_models: Callable[[str], Awaitable[list[ModelInfo]]],
                 runner: AsyncRunner, top_bar: TopBar, parent: QObject | None = None) -> None:
        """`list_models(endpoint_id)`: the engine's, which the window builds on first use."""
        super().__init__(parent)
        self.settings = settings
        self._list_models = list_models
        self.runner = runner
        self.top_bar = top_bar
        self.models: dict[str, list[ModelInfo]] = {}
        self._listing: set[str] = set()
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_settings)
        top_bar.endpointChosen.connect(self._endpoint_chosen)
        top_bar.modelChosen.connect(self._model_chosen)
        top_bar.refreshRequested.connect(lambda: self.want_models(force=True))
        top_bar.modelsWanted.connect(self.want_models)
        top_bar.favouriteToggled.connect(self._toggle_favourite)
        top_bar.modelMenuWanted.connect(self._model_menu)
        self.readiness: dict[str, Readiness] = {}
        self._readiness_tips: dict[str, str] = {}
        self._builtin_tip = ""
        # endpoint id -> ask about one model (Ollama's /api/show): what makes a model a chat model
        # and its tags, when the list itself does not say (see set_describer).
        self._describers: dict[str, Callable[[str], Awaitable[ModelInfo]]] = {}
        self._fresh_draft = False  # a new conversation whose provider the user has not chosen yet

    # -- what is shown -----------------------------------------------------------------------------

    @property
    def endpoint_id(self) -> str | None:
        return self.top_bar.current_endpoint()

    @property
    def model(self) -> str:
        return self.top_bar.current_model()

    def label(self, endpoint_id: str | None = None) -> str:
        endpoint_id = endpoint_id if endpoint_id is not None else self.endpoint_id
        try:
            endpoint = self.settings.endpoint(endpoint_id or "")
        except KeyError:
            return endpoint_id or ""
        return self.tr("Built-in") if capabilities(endpoint.kind).in_process else endpoint.label

    def fill_endpoints(self) -> None:
        """(Re)list the endpoints, e.g. after Settings added or removed one; forgets model lists."""
        self.models.clear()
        endpoints = [(e.id, self.tr("Built-in") if capabilities(e.kind).in_process else e.label)
                     for e in self.settings.endpoints()]
        self.top_bar.set_endpoints(endpoints, self.endpoint_id or self.settings.default_endpoint)
        self._explain_builtin()

    def _explain_builtin(self) -> None:
        """The Built-in entry's tooltip says what it is, and how to install the engine if it is missing."""
        if self.top_bar.provider_picker.findData(BUILTIN_ENDPOINT) < 0:
            return
        from desktop_chat.ui.models import builtin_model  # (it imports this module for typing only)

        if builtin_model.engine_installed():
            tip = self.tr("GGUF models run by this app itself, on this computer, offline (llama.cpp)")
        else:
            from desktop_chat.providers.engine_install import engine_install_command  # (small: no engine loaded)

            tip = self.tr("The built-in engine (llama.cpp) is not installed. Install it with one command: "
                          "{command}").format(command=engine_install_command())
        self._builtin_tip = tip  # shown with its readiness mark (set_readiness)
        self.top_bar.set_readiness(self.readiness, self._tips())

    def show(self, endpoint_id: str | None, model: str | None) -> None:
        """Show a conversation's choice (or, for None / an endpoint that is gone, the default)."""
        ids = [e.id for e in self.settings.endpoints()]
        if endpoint_id not in ids:
            endpoint_id, model = self.settings.default_endpoint, None
        if endpoint_id not in ids:
            endpoint_id = ids[0]
        self._fresh_draft = False
        self.top_bar.select_endpoint(endpoint_id)
        self._fill_models(endpoint_id, model or self.default_model(endpoint_id))
        self.changed.emit()

    def show_new(self) -> None:
        """A new conversation: it starts where an answer can come from (chat/readiness.py). While
        the user has not chosen, a readiness check that finishes later may still move it."""
        self.show(starting_endpoint(self.settings, self.readiness), None)
        self._fresh_draft = True

    def set_readiness(self, states: dict[str, Readiness], tips: dict[str, str]) -> None:
        """What the provider checks found; a fresh draft moves off a provider that cannot answer."""
        self.readiness.update(states)
        self._readiness_tips.update(tips)
        self.top_bar.set_readiness(self.readiness, self._tips())
        if self._fresh_draft:
            start = starting_endpoint(self.settings, self.readiness)
            if start != self.endpoint_id:
                self.show(start, None)
                self._fresh_draft = True

    def _tips(self) -> dict[str, str]:
        tips = dict(self._readiness_tips)
        if self._builtin_tip:
            tips[BUILTIN_ENDPOINT] = self._builtin_tip
        return tips

    def note_answered(self, endpoint_id: str, model: str) -> None:
        """A turn completed there: new conversations start there, and the model leads its recent list."""
        self.settings.note_model_used(endpoint_id, model)
        self.settings.default_endpoint = endpoint_id
        if model:
            self.settings.default_models[endpoint_id] = model
        self._save_timer.start()
        if endpoint_id == self.endpoint_id:
            shown = self.model
            # Not listed yet (a draft the start moved here, a built-in model with no default):
            # the field shows the model that answered rather than staying empty.
            self._fill_models(endpoint_id, shown or model)
            if not shown and model:
                self.changed.emit()  # the status line names it too

    def _fill_models(self, endpoint_id: str, current: str) -> None:
        """The picker's list: chat models only, favourites first, then recently used, then the rest."""
        listed = self.models.get(endpoint_id, [])
        favourites = self.settings.favourite_models.get(endpoint_id, [])
        recent = self.settings.recent_models.get(endpoint_id, [])
        if not listed:  # nothing listed yet (the start-up): an empty list, no model rules to load
            self.top_bar.set_models([], current, favourites=favourites, recent=recent, hidden=0)
            return
        from desktop_chat.providers import model_kinds

        chat = model_kinds.chat_models(listed)
        self.top_bar.set_models(model_kinds.ordered(chat, favourites, recent), current, favourites=favourites,
                                recent=recent, hidden=len(listed) - len(chat))

    def _toggle_favourite(self, model: str) -> None:
        endpoint_id = self.endpoint_id
        if not endpoint_id:
            return
        self.settings.toggle_favourite(endpoint_id, model)
        self._fill_models(endpoint_id, self.model)
        self._save_timer.start()

    def _model_menu(self, model: str, where: QPoint) -> None:
        """Right-click on a model: whether it sees images, overriding its provider (vision_menu.py)."""
        from desktop_chat.ui.models.vision_menu import show_vision_menu

        endpoint_id = self.endpoint_id
        if endpoint_id:
            show_vision_menu(self.top_bar, self.settings, endpoint_id, model, where, self._save_timer.start)

    def default_model(self, endpoint_id: str) -> str:
        model = self.settings.default_models.get(endpoint_id)
        if model:
            return model
        try:
            kind = self.settings.endpoint(endpoint_id).kind
        except KeyError:
            return ""
        listed = self._first_choice(endpoint_id)
        return DEFAULT_MODELS.get(kind) or listed

    def _first_choice(self, endpoint_id: str) -> str:
        """A favourite or recently used model, else the first chat model in the provider's own order
        (Ollama's: the newest; the built-in engine's: installed before added) — "" when none is listed."""
        listed = self.models.get(endpoint_id, [])
        if not listed:  # at start-up nothing is listed yet: no need to load the model rules
            return ""
        from desktop_chat.providers import model_kinds

        chat = model_kinds.chat_models(listed)
        favourites = self.settings.favourite_models.get(endpoint_id, [])
        recent = self.settings.recent_models.get(endpoint_id, [])
        preferred = [m for m in model_kinds.ordered(chat, favourites, recent) if m.id in favourites or m.id in recent]
        first = preferred or chat
        return first[0].id if first else ""

    def use(self, endpoint_id: str) -> None:
        """Switch to `endpoint_id` as if the user had picked it."""
        self.top_bar.select_endpoint(endpoint_id)
        self._endpoint_chosen(endpoint_id)

    def choose_model(self, endpoint_id: str, model: str) -> None:
        """Switch to `model` at `endpoint_id` as if the user had picked both."""
        if self.endpoint_id != endpoint_id:
            self.use(endpoint_id)
        self.top_bar.set_model(model)
        self._remember(endpoint_id, model)

    def capabilities(self, endpoint_id: str | None = None) -> Capabilities:
        """What an endpoint (the current one by default) can do, as its provider declares it;
        nothing for an endpoint that is not there."""
        try:
            endpoint = self.settings.endpoint(endpoint_id if endpoint_id is not None else self.endpoint_id or "")
        except KeyError:
            return Capabilities()
        return capabilities(endpoint.kind)

    # -- the user's choices ------------------------------------------------------------------------

    def _endpoint_chosen(self, endpoint_id: str) -> None:
        model = self.default_model(endpoint_id)
        self._fill_models(endpoint_id, model)
        self._remember(endpoint_id, model)
        self.want_models()

    def _model_chosen(self, model: str) -> None:
        if self.endpoint_id:
            self._remember(self.endpoint_id, model)

    def _remember(self, endpoint_id: str, model: str) -> None:
        """The pick becomes the default for new conversations (and the window stores it on the
        conversation on screen)."""
        self._fresh_draft = False
        self.settings.default_endpoint = endpoint_id
        if model:
            self.settings.default_models[endpoint_id] = model
        self._save_timer.start()
        self.chosen.emit(endpoint_id, model)
        self.changed.emit()

    def save_settings(self) -> None:
        self._save_timer.stop()
        try:
            save_settings(self.settings)
        except OSError as exc:
            log.warning("could not save settings: %s", exc)
            self.statusMessage.emit(self.tr("Could not save the settings: {reason}").format(reason=exc), 10000)

    # -- model lists -------------------------------------------------------------------------------

    def reload_models(self, endpoint_id: str) -> None:
        """List `endpoint_id`'s models again (a model was pulled or deleted), picked or not."""
        self.models.pop(endpoint_id, None)
        self.want_models(force=True, endpoint_id=endpoint_id)

    def want_models(self, *, force: bool = False, endpoint_id: str | None = None) -> None:
        endpoint_id = endpoint_id or self.endpoint_id
        if not endpoint_id or endpoint_id in self._listing:
            return
        if endpoint_id in self.models and not force:
            return
        self._listing.add(endpoint_id)
        self.top_bar.set_listing(True)
        self.runner.start(self._list(endpoint_id), name=f"list-models-{endpoint_id}")

    def set_describer(self, endpoint_id: str, describe: Callable[[str], Awaitable[ModelInfo]]) -> None:
        """After each listing of `endpoint_id`, complete its entries with `describe(model)` in the background."""
        self._describers[endpoint_id] = describe

    async def _describe(self, endpoint_id: str, models: list[ModelInfo]) -> None:
        from desktop_chat.providers import model_kinds  # off the start-up path

        describe = self._describers[endpoint_id]
        described: list[ModelInfo] = []
        for info in models[:DESCRIBE_AT_MOST]:
            try:
                described.append(model_kinds.with_details(info, await describe(info.id)))
            except Exception as exc:  # noqa: BLE001 - the names as listed stay usable; nothing to tell the user
                log.info("could not describe %s at %s: %s", info.id, endpoint_id, exc)
                return
        if self.models.get(endpoint_id) is models:  # not listed again (or forgotten) meanwhile
            self.remember_models(endpoint_id, described + models[len(described):], described=True)

    async def _list(self, endpoint_id: str) -> None:
        from desktop_chat.providers import model_kinds  # off the start-up path

        label = self.label(endpoint_id)
        try:
            models = await self._list_models(endpoint_id)
        except errors.CannotConnectError as exc:
            # "Ollama is not running at …" / "Cannot connect to X at …": already one plain sentence.
            self.statusMessage.emit(localized_error(exc), 15000)
            return
        except errors.ChatError as exc:
            self.statusMessage.emit(self.tr("Could not list the models of {provider}: {reason}").format(
                provider=label, reason=localized_error(exc)), 15000)
            return
        except Exception as exc:  # a bug or an SDK surprise: the field stays usable
            log.exception("listing models failed")
            self.statusMessage.emit(self.tr("Could not list the models of {provider} ({name}).").format(
                provider=label, name=type(exc).__name__), 15000)
            return
        finally:
            self._listing.discard(endpoint_id)
            self.top_bar.set_listing(bool(self._listing))
        self.remember_models(endpoint_id, models)
        self.statusMessage.emit(self.tr("{provider}: {n} model(s) available.").format(
            provider=label, n=len(model_kinds.chat_models(models))), 4000)  # the ones the picker offers

    def remember_models(self, endpoint_id: str, models: list[ModelInfo], *, described: bool = False) -> None:
        """A listing arrived (here, or from the window's Ollama probe); `described`: already completed."""
        self.models[endpoint_id] = models
        if not described and endpoint_id in self._describers and models:
            self.runner.start(self._describe(endpoint_id, models), name=f"describe-models-{endpoint_id}")
        if self.endpoint_id == endpoint_id:
            current = self.model
            if not current and models:
                current = self._first_choice(endpoint_id)
                if current and not self._fresh_draft:  # a draft moved here by itself picks nothing for the user
                    self._remember(endpoint_id, current)
            self._fill_models(endpoint_id, current)
