"""The window: conversation list | (top bar, messages, composer), status bar.

The window builds its parts and owns one thing itself: which conversation is on screen (open,
new, older pages). Everything else is a collaborator with one job, in this room:
- turns.py (TurnController) runs turns; turn_presenter.py shows what they report, only for the
  conversation on screen;
- message_actions.py: a message's own buttons (regenerate, edit, versions, delete, fork, copy);
- conversation_undo.py: deleting a conversation with Undo; settings_door.py: Settings and applying it;
- shortcuts.py: the keyboard shortcuts; window_state.py: geometry and the start-up snapshot;
- window_startup.py: what shows first and the work after the first paint; window_shutdown.py:
  closing in order; window_wiring.py: how the parts are connected to one another;
- welcome_controller.py, error_fixes.py, app_menu.py, small_window.py: the welcome, error fixes,
  the app menu, the sidebar toggle.
Store reads here are the quick, indexed ones (a page of 50 messages, one conversation), all
through the conversation service (chat/conversations.py): the window writes nothing to the store
itself. The slow or blocking things (model lists, keyring, search) run as tasks or in worker threads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

from desktop_chat.chat.app_services import AppServices
from desktop_chat.config import Settings
from desktop_chat.domain.messages import MessageStatus
from desktop_chat.store import Store
from desktop_chat.ui.composer.attachment_controller import AttachmentController
from desktop_chat.ui.composer.composer import ComposerBar
from desktop_chat.ui.composer.file_routing import paths_from_arguments
from desktop_chat.ui.conversations.conversation_list import ConversationPanel
from desktop_chat.ui.conversations.fork_origin import ForkOriginLink
from desktop_chat.ui.knowledge.controller import KnowledgeController
from desktop_chat.ui.messages.message_view import MessageView
from desktop_chat.ui.models import reasoning_control
from desktop_chat.ui.models.builtin_model import BuiltinModelController
from desktop_chat.ui.models.model_choice import ModelChoice
from desktop_chat.ui.models.ollama_panel import OllamaController
from desktop_chat.ui.models.provider_readiness import ProviderReadiness
from desktop_chat.ui.models.setup_banner import SetupBanner
from desktop_chat.ui.models.top_bar import TopBar
from desktop_chat.ui.runtime.async_runner import AsyncRunner
from desktop_chat.ui.window.app_menu import AppMenu
from desktop_chat.ui.window.error_fixes import ErrorFixes
from desktop_chat.ui.window.composer_place import ComposerPlace
from desktop_chat.ui.window.conversation_undo import ConversationDeleter
from desktop_chat.ui.window.message_actions import MessageActions
from desktop_chat.ui.window.settings_door import SettingsDoor
from desktop_chat.ui.window.shortcuts import bind_shortcuts
from desktop_chat.ui.window.small_window import SidebarToggle
from desktop_chat.ui.window.sending import send_from_composer
from desktop_chat.ui.window.system_prompt_door import edit_system_prompt
from desktop_chat.ui.window.turn_parts import build_turn_parts
from desktop_chat.ui.window.welcome_controller import WelcomeController
from desktop_chat.ui.window.window_shutdown import shut_down
from desktop_chat.ui.window.window_startup import WindowStartUp, check_setup
from desktop_chat.ui.window.window_wiring import connect_parts

if TYPE_CHECKING:
    from desktop_chat.chat.engine import ChatEngine
    from desktop_chat.ui.window.turn_presenter import TurnPresenter
    from desktop_chat.ui.window.turns import TurnController
    from desktop_chat.ui.settings.local_server_host import LocalServerHost


PAGE_SIZE = 50  # messages loaded when a conversation opens, and per older page


class MainWindow(QMainWindow):
    turnFinished = Signal(str)  # conversation id: an answer ended (complete, error or stopped)
    shutdownFinished = Signal()
    turnsBuilt = Signal()  # the controller and presenter exist now (the first turn, see controller)
    settingsApplied = Signal()
    setupChecked = Signal()

    def __init__(self, settings: Settings, store: Store, runner: AsyncRunner, *,
                 files: Sequence[str] = (), documents: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.settings = settings
        self.store = store
        # The engine, its document library and the conversation service (chat/app_services.py);
        # the engine is built when first needed (see the engine property).
        self.services = AppServices(
            store, settings, documents=documents,
            # attached documents are planned with the model's real context
            context_lookups=lambda: (self.ollama.lookup_context, self.builtin.lookup_context))
        self.conversations = self.services.conversations
        self.runner = runner
        self.documents = self.services.documents  # the engine's and the composer's DocumentLibrary
        # Turns and what shows their events: built with the first turn (or the first question
        # about one), see the controller property; a start that only shows the history never needs them.
        self._controller: TurnController | None = None
        self._presenter: TurnPresenter | None = None
        self.message_actions = MessageActions(self, PAGE_SIZE)  # a message's own buttons

        self._current: str | None = None
        self.draft_prompt: str | None = None  # system prompt chosen before the first message
        self.oldest_seq: int | None = None
        self._has_older = False
        self.reset_pool_pending = False
        self._shutting_down = False
        self._shut_down = False
        self.files_to_open = paths_from_arguments(files)  # attached to a new conversation once the window is up
        self.settings_door = SettingsDoor(self)  # Settings, and applying what it saved
        self.knowledge: KnowledgeController | None = None  # the knowledge-base picker (ui/knowledge)
        self.local_server: LocalServerHost | None = None  # the local API server (server_host())
        self.startup = WindowStartUp(self)  # holds code colours back until the first frame

        self._build()
        self._connect()
        self.stop_shortcut = bind_shortcuts(self)  # enabled while the shown conversation answers
        self.retranslate()
        self.startup.restore()
        self.sidebar = SidebarToggle(self)  # after _restore: the splitter's saved sizes, then shown or hidden

    # -- construction ----------------------------------------------------------------------------

    def _build(self) -> None:
        # Every part is made inside its final parent: with the application's style sheet, moving a
        # built widget to another parent sends its whole subtree a style change and polishes it
        # again (≈ 3 ms at start when the two panes were made here and then put in the splitter).
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.panel = ConversationPanel(self.conversations, self.runner.in_thread, self.runner.start, self.splitter)
        right = QWidget(self.splitter)
        right.setObjectName("chatPane")
        self.top_bar = TopBar(right)
        self.choice = ModelChoice(self.settings, lambda endpoint_id: self.services.pool.list_models(endpoint_id),
                                  self.runner, self.top_bar, self)
        self.reasoning = reasoning_control.attach(self)  # thinking budget / reasoning effort
        self.banner = SetupBanner(right)
        self._storage_notice: Any = None  # built when there is something to say (storage_notice)
        self.view = MessageView(right)
        self.view.setObjectName("messageView")
        self.composer_bar = ComposerBar(right)
        self.attachments = AttachmentController(self.documents, self.runner, self,
                                                place_tray=self.composer_bar.set_tray)
        self.composer = self.composer_bar.composer
        self.attachments.take_drops(self)  # files dropped anywhere on the window become attachments

        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.top_bar)
        self.fork_origin = ForkOriginLink(right)  # "Forked from “title”" on a fork
        column.addWidget(self.fork_origin)
        column.addWidget(self.banner)
        self._column = column
        column.addWidget(self.view, 1)
        column.addWidget(self.composer_bar)
        self.composer_place = ComposerPlace(column, self.view)  # in the middle while there are no messages
        # An error's fix (error cards, and the notice above the composer for refused turns).
        self.fixes = ErrorFixes(self, lambda notice: column.insertWidget(column.indexOf(self.composer_bar), notice))
        # The knowledge-base picker beside Attach, indexing progress above the composer. Its
        # module is small Qt only; the knowledge bases themselves load when first used.
        self.knowledge = KnowledgeController.install(self)

        if getattr(self.store, "moved_aside", None) is not None:
            salvaged = getattr(self.store, "salvaged", None)
            self.storage_notice.show_moved_aside(
                self.store.moved_aside,
                salvaged=(salvaged.conversation_count, salvaged.message_count) if salvaged else None)

        self.splitter.addWidget(self.panel)  # (already its children: this only fixes their order)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([260, 840])
        self.setCentralWidget(self.splitter)

        self.status_endpoint = QLabel(self)
        self.status_endpoint.setObjectName("statusEndpoint")
        self.status_endpoint.setTextFormat(Qt.TextFormat.PlainText)
        self.deleter = ConversationDeleter(self)  # delete with Undo in the status bar
        self.undo_button = self.deleter.button
        # Ollama's status indicator, the "Get a model" dialog and the model manager.
        # The providers alone: Ollama's check after the first paint must not build (and import) the engine.
        self.ollama = OllamaController(self.settings, lambda: self.services.pool, self.runner, self)
        self.readiness = ProviderReadiness(self.settings, self.runner, self)  # the provider picker's marks
        # The built-in engine: first-start offer and download (banner), "not installed" note.
        self.builtin = BuiltinModelController(self.settings, self.choice, self.banner, self.runner, self)
        self.builtin.modelChosen.connect(lambda _name: self.composer.setFocus())
        self.builtin.message.connect(self.statusBar().showMessage)
        # First start with nothing configured: the welcome, in the message area (welcome_controller.py).
        self.welcome = WelcomeController(self)
        self.attachments.modelFilesOpened.connect(self.builtin.add_model_files)
        status = self.statusBar()
        status.setObjectName("statusBar")
        status.addPermanentWidget(self.undo_button)
        status.addPermanentWidget(self.ollama.button)
        status.addPermanentWidget(self.status_endpoint)

        order = [self.panel.search, self.panel.new_button, self.panel.view, self.top_bar.provider_picker,
                 self.top_bar.model_picker, self.top_bar.refresh_button, self.top_bar.ollama_button,
                 self.top_bar.system_prompt_button,
                 self.view, self.composer, self.composer_bar.send_button, self.composer_bar.stop_button]
        for first, second in zip(order, order[1:]):
            QWidget.setTabOrder(first, second)
        self.app_menu = AppMenu(self)  # Settings button and app menu at the foot of the sidebar
        self.resize(1100, 720)

    def _connect(self) -> None:
        """What reaches the window's own methods; the parts among themselves: window_wiring.py."""
        self.panel.conversationActivated.connect(self._conversation_chosen)
        self.panel.newRequested.connect(self.new_conversation)
        self.panel.deleteRequested.connect(self.delete_conversation)
        self.panel.model.renamed.connect(self._renamed)
        self.panel.model.modelReset.connect(lambda: self.panel.select(self._current))
        self.choice.chosen.connect(self._choice_made)
        self.choice.changed.connect(self.show_endpoint_status)
        self.view.olderMessagesWanted.connect(self._load_older)
        self.view.starterChosen.connect(self._start_from)  # a new conversation's starting points
        connect_parts(self)

    @property
    def controller(self) -> TurnController:
        """Runs turns (turns.py), built on first use with the presenter of their events (turn_parts.py)."""
        if self._controller is None:
            self._controller, self._presenter = build_turn_parts(self)
            self.turnsBuilt.emit()
        return self._controller

    @property
    def presenter(self) -> TurnPresenter:
        self.controller  # noqa: B018 - builds both
        assert self._presenter is not None
        return self._presenter

    @property
    def built_turns(self) -> TurnController | None:
        """The turn controller if it has been built, else None (asking would build it)."""
        return self._controller

    def is_streaming(self, conversation_id: str | None) -> bool:
        """An answer is arriving in this conversation (False before any turn ran: nothing is built)."""
        return self._controller is not None and self._controller.is_streaming(conversation_id)

    @property
    def engine(self) -> ChatEngine:
        """The chat engine (chat/engine.py), built when first needed (a turn, a model list): its
        modules are ≈ 15-20 ms that showing the stored conversations does not need."""
        engine = self.services.engine
        if engine.approval is None:  # the user decides before a tool runs (ui/messages/tool_approval.py)
            from desktop_chat.ui.messages.tool_approval import WindowApproval

            engine.approval = WindowApproval(self)
        return engine

    @property
    def built_engine(self) -> ChatEngine | None:
        """The engine if it has been built, else None (asking would build it)."""
        return self.services.engine if self.services.engine_built else None

    @property
    def storage_notice(self) -> Any:
        """The strip about the history file (storage_notice.py), built on first use below the banner."""
        if self._storage_notice is None:
            from desktop_chat.ui.window.storage_notice import StorageNotice

            self._storage_notice = StorageNotice(self)
            self._column.insertWidget(self._column.indexOf(self.banner) + 1, self._storage_notice)
        return self._storage_notice

    # -- start-up --------------------------------------------------------------------------------

    def start(self) -> None:
        """Background work, once the loop runs and the window has been painted (window_startup.py)."""
        self.startup.start()

    def server_host(self) -> LocalServerHost:
        """The local API server as the window runs it (built on first use, after the first frame)."""
        if self.local_server is None:
            from desktop_chat.ui.settings.local_server_host import LocalServerHost

            self.local_server = LocalServerHost(self.services, self.settings, self.runner, self)
        return self.local_server

    async def check_setup(self) -> None:
        """The welcome when no provider is set up (window_startup.check_setup); emits setupChecked."""
        await check_setup(self)

    # -- conversations ---------------------------------------------------------------------------

    @property
    def current_conversation_id(self) -> str | None:
        return self._current

    @property
    def has_storage_notice(self) -> bool:
        return self._storage_notice is not None

    def new_conversation(self) -> None:
        """An empty draft; it becomes a stored conversation with its first message."""
        self._current = None
        self.draft_prompt = None
        self.oldest_seq = None
        self._has_older = False
        self.view.clear()
        self.panel.select(None)
        self.choice.show_new()  # a provider that can answer (chat/readiness.py)
        self.top_bar.set_title(self.tr("New conversation"))
        self.top_bar.set_totals(0, 0)
        self.fork_origin.show_origin(None)
        self.top_bar.set_has_system_prompt(bool(self.settings.system_prompt))
        self.composer_bar.set_streaming(False)
        self.stop_shortcut.setEnabled(False)
        self.update_title()
        if self._presenter is not None:
            self._presenter.leave_conversation()
        self.welcome.update_visibility()
        if self.knowledge is not None:
            self.knowledge.show_for(None)
        self.composer.setFocus()

    def _start_from(self, text: str) -> None:
        """A starting point's words in the composer, for the user to finish and send."""
        self.composer.setPlainText(text)
        self.composer.moveCursor(self.composer.textCursor().MoveOperation.End)
        self.composer.setFocus()

    def open_conversation(self, conversation_id: str) -> None:
        conversation = self.conversations.get(conversation_id)
        if conversation is None:
            self.panel.model.remove(conversation_id)
            self.new_conversation()
            return
        self._current = conversation_id
        if self.knowledge is not None:
            self.knowledge.show_for(conversation_id)
        page = self.conversations.first_page(conversation_id, PAGE_SIZE)
        messages, has_older = page.messages, page.has_older
        turns = self._controller  # (None: no turn ran yet, so nothing is live)
        live = turns.live_answer(conversation_id) if turns is not None else None
        if live is not None:  # the store has the text as of its last save; we have all of it
            answer_id, text = live
            messages = [dataclasses.replace(m, text=text, status=MessageStatus.STREAMING) if m.id == answer_id
                        else m for m in messages]
        if self.built_engine is not None:  # (no engine yet: no answer yet that the disk did not take)
            messages = self.built_engine.unsaved(messages)  # answers the disk did not take yet: as they are
        self.oldest_seq = messages[0].seq if messages else None
        self._has_older = has_older
        self.view.set_messages(messages, has_older=self._has_older)
        self.view.set_versions(self.conversations.versions_of(messages))
        notice = turns.notice(conversation_id) if turns is not None else None
        if notice is not None:
            self.view.set_notice(*notice)
        for answer_id, (cid, text) in (self._presenter.save_problems if self._presenter else {}).items():
            if cid == conversation_id:
                self.view.set_notice(answer_id, text)
        self.choice.show(conversation.provider, conversation.model)
        self.top_bar.set_title(conversation.title)
        self.fork_origin.show_origin(self.conversations.origin(conversation))
        self.top_bar.set_has_system_prompt(bool(conversation.system_prompt))
        self.show_totals()
        streaming = self.is_streaming(conversation_id)
        self.composer_bar.set_streaming(streaming)
        self.stop_shortcut.setEnabled(streaming)
        if self.panel.current_id() != conversation_id:
            self.panel.select(conversation_id)
        self.update_title()
        if self._presenter is not None:
            self._presenter.leave_conversation()
        self.welcome.update_visibility()

    def _conversation_chosen(self, conversation_id: str) -> None:
        """A click in the list. A search result opens on the branch where the words are, when
        the current branch does not hold them (never while an answer streams there)."""
        query = self.panel.model.query
        if query and not self.is_streaming(conversation_id):
            self.conversations.open_search_result(conversation_id, query)
        self.open_conversation(conversation_id)

    def _load_older(self) -> None:
        if self._current is None or not self._has_older or self.oldest_seq is None:
            return
        older = self.conversations.older_page(self._current, self.oldest_seq, PAGE_SIZE)
        page = older.messages
        if page:
            self.oldest_seq = page[0].seq
        self._has_older = older.has_older
        self.view.prepend_messages(page, has_older=self._has_older)
        self.view.set_versions(self.conversations.versions_of(page))

    def _renamed(self, conversation_id: str, title: str) -> None:
        if conversation_id == self._current:
            self.top_bar.set_title(title)
            self.update_title()

    # -- provider and model ----------------------------------------------------------------------

    def _choice_made(self, endpoint_id: str, model: str) -> None:
        """The user picked a provider or model: the conversation on screen keeps it."""
        if self._current is not None:
            self.conversations.set_model(self._current, endpoint_id, model)
            self.panel.model.refresh(self._current)

    def show_endpoint_status(self, answering: bool = False) -> None:
        model = self.choice.model or self.tr("no model chosen")
        text = f"{self.choice.label()} · {model}"
        if answering:
            text = self.tr("{where} — answering…").format(where=text)
        self.status_endpoint.setText(text)

    def edit_system_prompt(self) -> None:
        edit_system_prompt(self)  # system_prompt_door.py

    # -- turns -----------------------------------------------------------------------------------

    def send(self) -> None:
        """The composer's text (and attachments) as a question: sending.py."""
        send_from_composer(self)

    def adopt_draft(self, conversation_id: str) -> None:
        """The new conversation on screen was just stored (its first question is being sent)."""
        self._current = conversation_id
        self.oldest_seq, self._has_older = None, False

    # -- attachments -----------------------------------------------------------------------------

    def open_files(self, paths: Sequence[Any]) -> None:
        """Attach files to the composer (a drop, the command line, a second instance's files)."""
        self.attachments.open_files(paths_from_arguments([str(p) for p in paths]))

    def stop(self) -> None:
        if self._controller is not None and self._controller.stop(self._current):
            self.statusBar().showMessage(self.tr("Stopped. The text received so far is kept."), 5000)

    # -- title and totals ------------------------------------------------------------------------

    def show_totals(self) -> None:
        self.top_bar.set_totals(*self.conversations.totals(self._current))

    def update_title(self) -> None:
        title = self.top_bar.title.full_text() if self._current else ""
        self.setWindowTitle(self.tr("{title} — Desktop Chat").format(title=title) if title else self.tr("Desktop Chat"))

    # -- the doors: deleting, settings ------------------------------------------------------------

    def delete_conversation(self, conversation_id: str) -> None:
        self.deleter.delete(conversation_id)

    def undo_delete(self) -> None:
        self.deleter.undo()

    def open_settings(self, endpoint_id: str | None = None) -> None:
        self.settings_door.open(endpoint_id)

    def apply_settings(self) -> None:
        self.settings_door.apply()

    # -- language --------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.deleter.retranslate()
        self.view.setAccessibleName(self.tr("Messages"))
        self.status_endpoint.setAccessibleName(self.tr("Provider and model in use"))
        self.update_title()
        self.show_endpoint_status()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- closing ---------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._shut_down:
            event.accept()
            return
        event.ignore()
        if not self._shutting_down:
            self.runner.start(self.shutdown(), name="shutdown")

    async def shutdown(self) -> None:
        """Stop answers (saved as stopped), close the engine and the store, then close the window."""
        if self._shutting_down:
            return
        self._shutting_down = True
        try:
            await shut_down(self)  # window_shutdown.py
        finally:
            self._shut_down = True
            self.close()
            self.shutdownFinished.emit()
