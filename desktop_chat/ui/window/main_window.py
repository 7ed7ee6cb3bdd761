"""The window: conversation list | (top bar, messages, composer), status bar, shortcuts.

The window owns "which conversation is on screen" and nothing else about turns: the
TurnController runs them and announces every event with its conversation id; the window passes
on to the MessageView only the events of the conversation it shows. Store reads here are the
quick, indexed ones (a page of 50 messages, one conversation), all through the conversation
service (chat/conversations.py): the window writes nothing to the store itself. The slow or
blocking things (model lists, keyring, search) run as tasks or in worker threads.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QT_TRANSLATE_NOOP, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QPushButton, QSplitter, QVBoxLayout, QWidget

from desktop_chat.chat.readiness import Readiness
from desktop_chat.chat.app_services import AppServices
from desktop_chat.chat.conversations import DeletedConversation
from desktop_chat.chat.events import SourcesFound, TurnStarted
from desktop_chat.config import OLLAMA_ENDPOINT, Settings, data_dir
from desktop_chat.domain.events import Started
from desktop_chat.domain.messages import Message, MessageStatus
from desktop_chat.store import Store, StoreError
from desktop_chat.ui.messages import render_snapshot
from desktop_chat.ui.window.app_menu import AppMenu
from desktop_chat.ui.runtime.async_runner import AsyncRunner
from desktop_chat.ui.composer.attachment_controller import AttachmentController
from desktop_chat.ui.composer.file_routing import paths_from_arguments
from desktop_chat.ui.conversations.fork_origin import ForkOriginLink
from desktop_chat.ui.models.builtin_model import BuiltinModelController
from desktop_chat.ui.composer.composer import ComposerBar
from desktop_chat.ui.conversations.conversation_list import ConversationPanel
from desktop_chat.ui.common import icons
from desktop_chat.ui.common.error_card import plain as plain_error
from desktop_chat.ui.window.error_fixes import ErrorFixes
from desktop_chat.ui.common.error_text import localized_error
from desktop_chat.ui.messages.markdown_render import lexers
from desktop_chat.ui.messages.message_view import MessageView
from desktop_chat.ui.models.model_choice import ModelChoice
from desktop_chat.ui.models.provider_readiness import ProviderReadiness
from desktop_chat.ui.models.ollama_panel import OllamaController
from desktop_chat.ui.models.setup_banner import SetupBanner
from desktop_chat.ui.common.shortcut_words import describe
from desktop_chat.ui.window.small_window import SidebarToggle
from desktop_chat.ui.models.top_bar import SystemPromptDialog, TopBar
from desktop_chat.ui.window.turn_events import (
    AnswerText,
    MessageChanged,
    Notice,
    SaveProblem,
    StreamingChanged,
    TurnEnded,
    TurnFailed,
    WindowTurnEvent,
)
from desktop_chat.ui.window.turns import TurnController
from desktop_chat.ui.window.welcome_controller import WelcomeController

if TYPE_CHECKING:
    from PySide6.QtCore import QByteArray  # only what saveGeometry/saveState return

    from desktop_chat.chat.engine import ChatEngine
    from desktop_chat.chat.events import TurnResult

log = logging.getLogger(__name__)

PAGE_SIZE = 50  # messages loaded when a conversation opens, and per older page
UNDO_SECONDS = 10


class MainWindow(QMainWindow):
    turnFinished = Signal(str)  # conversation id: an answer ended (complete, error or stopped)
    shutdownFinished = Signal()
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
        self.controller = TurnController(lambda: self.engine, runner, self)

        self._current: str | None = None
        self._draft_prompt: str | None = None  # system prompt chosen before the first message
        self._oldest_seq: int | None = None
        self._has_older = False
        self._pending_text: dict[str, str] = {}  # sent text, until the turn has stored it
        self._undo: DeletedConversation | None = None
        self._reset_pool_pending = False
        self._shutting_down = False
        self._shut_down = False
        self._files = paths_from_arguments(files)  # attached to a new conversation once the window is up
        self._refusals: dict[str, BaseException] = {}  # why a turn could not start (TurnFailed.error)
        self._settings_dialog: QWidget | None = None
        self._status_owner: str | None = None  # the conversation the status bar's message is about
        self._painted = False
        self._start_pending = False
        self._started = False
        self.installEventFilter(self)
        lexers.pause()  # code colours come after the first frame (resumed by _start_now)

        self._build()
        self._connect()
        self._shortcuts()
        self.retranslate()
        self._restore()
        self.sidebar = SidebarToggle(self)  # after _restore: the splitter's saved sizes, then shown or hidden

    # -- construction ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.panel = ConversationPanel(self.conversations, self.runner.in_thread, self.runner.start, self)
        self.top_bar = TopBar(self)
        self.choice = ModelChoice(self.settings, lambda endpoint_id: self.engine.list_models(endpoint_id),
                                  self.runner, self.top_bar, self)
        self.banner = SetupBanner(self)
        self._storage_notice: Any = None  # built when there is something to say (storage_notice)
        self._save_problems: dict[str, tuple[str, str]] = {}  # answer id -> (conversation id, text)
        self.view = MessageView(self)
        self.view.setObjectName("messageView")
        self.composer_bar = ComposerBar(self)
        self.attachments = AttachmentController(self.documents, self.runner, self,
                                                place_tray=self.composer_bar.set_tray)
        self.composer = self.composer_bar.composer
        self.setAcceptDrops(True)  # files dropped anywhere on the window become attachments

        right = QWidget(self)
        right.setObjectName("chatPane")
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
        # An error's fix (error cards, and the notice above the composer for refused turns).
        self.fixes = ErrorFixes(self, lambda notice: column.insertWidget(column.indexOf(self.composer_bar), notice))

        if getattr(self.store, "moved_aside", None) is not None:
            salvaged = getattr(self.store, "salvaged", None)
            self.storage_notice.show_moved_aside(
                self.store.moved_aside,
                salvaged=(salvaged.conversation_count, salvaged.message_count) if salvaged else None)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.panel)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([260, 840])
        self.setCentralWidget(self.splitter)

        self.status_endpoint = QLabel(self)
        self.status_endpoint.setObjectName("statusEndpoint")
        self.status_endpoint.setTextFormat(Qt.TextFormat.PlainText)
        self.undo_button = QPushButton(self)
        self.undo_button.setObjectName("undoDeleteButton")
        self.undo_button.setFlat(True)
        self.undo_button.hide()
        # Ollama's status indicator, the "Get a model" dialog and the model manager.
        self.ollama = OllamaController(self.settings, lambda: self.engine.pool, self.runner, self)
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
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(self._forget_undo)

        order = [self.panel.search, self.panel.new_button, self.panel.view, self.top_bar.provider_picker,
                 self.top_bar.model_picker, self.top_bar.refresh_button, self.top_bar.ollama_button,
                 self.top_bar.system_prompt_button,
                 self.view, self.composer, self.composer_bar.send_button, self.composer_bar.stop_button]
        for first, second in zip(order, order[1:]):
            QWidget.setTabOrder(first, second)
        self.app_menu = AppMenu(self)  # Settings button and app menu at the foot of the sidebar
        self.resize(1100, 720)

    def _connect(self) -> None:
        self.panel.conversationActivated.connect(self._conversation_chosen)
        self.panel.newRequested.connect(self.new_conversation)
        self.panel.deleteRequested.connect(self.delete_conversation)
        self.panel.model.renamed.connect(self._renamed)
        self.panel.model.modelReset.connect(lambda: self.panel.select(self._current))

        self.choice.chosen.connect(self._choice_made)
        self.choice.changed.connect(self._show_endpoint_status)
        self.choice.statusMessage.connect(self.statusBar().showMessage)
        self.top_bar.systemPromptRequested.connect(self.edit_system_prompt)

        self.choice.changed.connect(self._show_ollama_tools)
        self.top_bar.endpointChosen.connect(self._endpoint_picked)
        self.top_bar.ollamaModelsRequested.connect(self.ollama.open_manager)
        self.ollama.modelsChanged.connect(lambda: self.choice.reload_models(OLLAMA_ENDPOINT))
        self.ollama.useModelRequested.connect(self._use_ollama_model)
        self.ollama.statusMessage.connect(self.statusBar().showMessage)
        self.ollama.statusChanged.connect(self.readiness.ollama_status)
        self.readiness.changed.connect(self.choice.set_readiness)
        # A built-in model just downloaded or picked: the Built-in entry's mark is stale.
        self.builtin.modelChosen.connect(lambda _model: self.readiness.check())
        self.choice.set_describer(OLLAMA_ENDPOINT, lambda model: self.ollama.admin.details(model))  # capabilities

        self.undo_button.clicked.connect(self.undo_delete)

        self.composer_bar.sendRequested.connect(self.send)
        self.composer_bar.stopRequested.connect(self.stop)
        self.composer_bar.attachRequested.connect(self.attachments.choose_files)
        self.composer.filesInserted.connect(self.attachments.open_files)
        self.composer.bytesPasted.connect(self.attachments.paste_bytes)
        self.composer.largeTextPasted.connect(self.attachments.paste_text)
        self.composer.notice.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self.attachments.message.connect(self.statusBar().showMessage)
        self.view.sourceActivated.connect(self.attachments.open_source)

        view = self.view
        view.regenerateRequested.connect(self._regenerate)
        view.retryRequested.connect(self._regenerate)
        view.continueRequested.connect(self._continue)
        view.errorActionRequested.connect(self.fixes.act)
        self.panel.conversationActivated.connect(lambda _cid: self.fixes.clear())
        view.versionRequested.connect(self._switch_version)
        view.editResendRequested.connect(self._edit_resend)
        view.deleteRequested.connect(self._delete_message)
        view.forkRequested.connect(self._fork)
        self.fork_origin.originRequested.connect(self.open_conversation)
        view.olderMessagesWanted.connect(self._load_older)

        self.controller.turnEvent.connect(self._turn_event)

    @property
    def engine(self) -> ChatEngine:
        """The chat engine (chat/engine.py), imported and built when first needed: a turn, a model
        list, the Ollama status check just after the first frame. Its modules (providers, the
        planning of documents, retries) are ≈ 15-20 ms that showing the stored conversations
        does not need."""
        return self.services.engine

    @property
    def _engine(self) -> ChatEngine | None:
        """The engine if it has been built, else None (asking would build it)."""
        return self.services.engine if self.services.engine_built else None

    @property
    def storage_notice(self) -> Any:
        """The strip above the messages about the history file (a damaged one moved aside, answers
        that cannot be saved): a StorageNotice, built on first use below the setup banner."""
        if self._storage_notice is None:
            from desktop_chat.ui.window.storage_notice import StorageNotice

            self._storage_notice = StorageNotice(self)
            self._column.insertWidget(self._column.indexOf(self.banner) + 1, self._storage_notice)
        return self._storage_notice

    def _shortcuts(self) -> None:
        def bind(keys: Sequence[QKeySequence | QKeySequence.StandardKey | str], slot: Any,
                 words: object = "") -> QShortcut:
            """*words*: what it does, for Keyboard shortcuts (shortcuts_dialog.py reads them here)."""
            shortcut = None
            for key in keys:
                shortcut = describe(QShortcut(QKeySequence(key), self), words, "MainWindow")
                shortcut.activated.connect(slot)
            assert shortcut is not None
            return shortcut

        bind(["Ctrl+N"], self.new_conversation, QT_TRANSLATE_NOOP("MainWindow", "New conversation"))
        bind(["Ctrl+K", QKeySequence.StandardKey.Find], lambda: self.sidebar.focus_search(),  # shows a hidden list
             QT_TRANSLATE_NOOP("MainWindow", "Search conversations"))
        bind(["Ctrl+,", QKeySequence.StandardKey.Preferences], self.open_settings,
             QT_TRANSLATE_NOOP("MainWindow", "Settings"))
        bind(["Ctrl+Shift+C"], self.copy_last_answer, QT_TRANSLATE_NOOP("MainWindow", "Copy the last answer"))
        bind(["Ctrl+Up"], lambda: self.panel.step(-1), QT_TRANSLATE_NOOP("MainWindow", "Previous conversation"))
        bind(["Ctrl+Down"], lambda: self.panel.step(+1), QT_TRANSLATE_NOOP("MainWindow", "Next conversation"))
        bind(["F2"], self.panel.rename_current, QT_TRANSLATE_NOOP("MainWindow", "Rename the conversation"))
        # Esc stops only while the shown conversation answers, so it does not steal Esc from
        # editors (rename, search) the rest of the time.
        self._stop_shortcut = bind(["Esc"], self.stop, QT_TRANSLATE_NOOP("MainWindow", "Stop the answer"))
        self._stop_shortcut.setEnabled(False)

    # -- start-up --------------------------------------------------------------------------------

    def _restore(self) -> None:
        state = self.settings.ui_state or {}
        geometry = _decode(state.get("geometry"))
        if geometry is not None:
            self.restoreGeometry(geometry)
        window_state = _decode(state.get("window_state"))
        if window_state is not None:
            self.restoreState(window_state)
        splitter = _decode(state.get("splitter"))
        if splitter is not None:
            self.splitter.restoreState(splitter)
        self.choice.fill_endpoints()
        self.panel.reload()
        last = state.get("last_conversation")
        if self._files:
            self.new_conversation()  # files from the command line start a new conversation
        elif isinstance(last, str) and self.conversations.exists(last):
            # Its answers as rendered at the last shutdown, when unchanged: no markdown at start.
            self.view.use_snapshot(render_snapshot.load(self._snapshot_path(), self.view.snapshot_key()))
            self.open_conversation(last)
        else:
            self.new_conversation()
        self.composer.setFocus()  # takes effect when the window is first activated

    def start(self) -> None:
        """Background work, once the loop runs and the window has been painted.

        Waiting for the first paint keeps the keyring probe (and its imports, in a worker thread
        that still competes for the GIL) from delaying the first frame.
        """
        if self.isVisible() and not self._painted:
            self._start_pending = True
            QTimer.singleShot(2000, self._start_now)  # in case no paint ever comes (minimised…)
            return
        self._start_now()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self and event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            self.removeEventFilter(self)
            if self._start_pending:
                QTimer.singleShot(0, self._start_now)
        return False

    def _start_now(self) -> None:
        if self._started:
            return
        self._started = True
        lexers.resume()
        icons.release()  # the icon font, held back until the first frame was out
        if self._files:
            self.open_files(self._files)
        self.runner.start(self._check_setup(), name="check-setup")
        self.ollama.check()  # in the background: nothing waits for it
        self.readiness.check()

    async def _check_setup(self) -> None:
        """When no provider is set up, the welcome offers the ways to chat (an online service's key,
        a local Ollama, the built-in model); once one is, it goes."""
        try:
            # The readiness marks' check looks up every key once, off the GUI thread (a key with a
            # host problem counts as set up: the first answer explains it).
            keys = await self.readiness.checked_keys()
            configured = [endpoint_id for endpoint_id, state in keys.items() if state is Readiness.READY]
            builtin = None if configured else await self.builtin.offer()
            if configured or self.builtin.ready(builtin):
                self.welcome.set_needed(False)
            else:
                self.welcome.offer(builtin)  # it looks for Ollama itself
        finally:
            self.setupChecked.emit()

    def _use_ollama_model(self, model: str) -> None:
        """A model just pulled: chat with it."""
        self.choice.choose_model(OLLAMA_ENDPOINT, model)
        self.composer.setFocus()

    def _endpoint_picked(self, endpoint_id: str) -> None:
        if self.choice.capabilities(endpoint_id).model_source == "pulled":  # Ollama's
            self.ollama.check(quiet=False)  # is it running? say so plainly if not

    def _show_ollama_tools(self) -> None:
        is_ollama = self.choice.capabilities().model_source == "pulled"  # models pulled into a local server
        self.top_bar.set_ollama_tools(is_ollama)
        self.ollama.set_relevant(is_ollama)

    # -- conversations ---------------------------------------------------------------------------

    @property
    def current_conversation_id(self) -> str | None:
        return self._current

    def new_conversation(self) -> None:
        """An empty draft; it becomes a stored conversation with its first message."""
        self._current = None
        self._draft_prompt = None
        self._oldest_seq = None
        self._has_older = False
        self.view.clear()
        self.panel.select(None)
        self.choice.show_new()  # a provider that can answer (chat/readiness.py)
        self.top_bar.set_title(self.tr("New conversation"))
        self.top_bar.set_totals(0, 0)
        self.fork_origin.show_origin(None)
        self.top_bar.set_has_system_prompt(bool(self.settings.system_prompt))
        self.composer_bar.set_streaming(False)
        self._stop_shortcut.setEnabled(False)
        self._update_title()
        self._leave_conversation()
        self.welcome.update_visibility()
        self.composer.setFocus()

    def open_conversation(self, conversation_id: str) -> None:
        conversation = self.conversations.get(conversation_id)
        if conversation is None:
            self.panel.model.remove(conversation_id)
            self.new_conversation()
            return
        self._current = conversation_id
        page = self.conversations.first_page(conversation_id, PAGE_SIZE)
        messages, has_older = page.messages, page.has_older
        live = self.controller.live_answer(conversation_id)
        if live is not None:  # the store has the text as of its last save; we have all of it
            answer_id, text = live
            messages = [dataclasses.replace(m, text=text, status=MessageStatus.STREAMING) if m.id == answer_id
                        else m for m in messages]
        if self._engine is not None:  # (no engine yet: no answer yet that the disk did not take)
            messages = self._engine.unsaved(messages)  # answers the disk did not take yet: as they are
        self._oldest_seq = messages[0].seq if messages else None
        self._has_older = has_older
        self.view.set_messages(messages, has_older=self._has_older)
        self.view.set_versions(self.conversations.versions_of(messages))
        notice = self.controller.notice(conversation_id)
        if notice is not None:
            self.view.set_notice(*notice)
        for answer_id, (cid, text) in self._save_problems.items():
            if cid == conversation_id:
                self.view.set_notice(answer_id, text)
        self.choice.show(conversation.provider, conversation.model)
        self.top_bar.set_title(conversation.title)
        self.fork_origin.show_origin(self.conversations.origin(conversation))
        self.top_bar.set_has_system_prompt(bool(conversation.system_prompt))
        self._show_totals()
        streaming = self.controller.is_streaming(conversation_id)
        self.composer_bar.set_streaming(streaming)
        self._stop_shortcut.setEnabled(streaming)
        if self.panel.current_id() != conversation_id:
            self.panel.select(conversation_id)
        self._update_title()
        self._leave_conversation()
        self.welcome.update_visibility()

    def _conversation_chosen(self, conversation_id: str) -> None:
        """A click in the list. A search result opens on the branch where the words are, when
        the current branch does not hold them (never while an answer streams there)."""
        query = self.panel.model.query
        if query and not self.controller.is_streaming(conversation_id):
            self.conversations.open_search_result(conversation_id, query)
        self.open_conversation(conversation_id)

    def _load_older(self) -> None:
        if self._current is None or not self._has_older or self._oldest_seq is None:
            return
        older = self.conversations.older_page(self._current, self._oldest_seq, PAGE_SIZE)
        page = older.messages
        if page:
            self._oldest_seq = page[0].seq
        self._has_older = older.has_older
        self.view.prepend_messages(page, has_older=self._has_older)
        self.view.set_versions(self.conversations.versions_of(page))

    def _renamed(self, conversation_id: str, title: str) -> None:
        if conversation_id == self._current:
            self.top_bar.set_title(title)
            self._update_title()

    def delete_conversation(self, conversation_id: str) -> None:
        self.runner.start(self._delete_conversation(conversation_id), name="delete-conversation")

    async def _delete_conversation(self, conversation_id: str) -> None:
        if self.controller.is_streaming(conversation_id):
            await self.controller.stop_and_wait(conversation_id)
        row = self.panel.model.row_of(conversation_id)
        deleted = self.conversations.delete(conversation_id)
        if deleted is None:
            return
        self.panel.model.remove(conversation_id)
        if conversation_id == self._current:
            neighbour = self.panel.model.conversation_at(max(0, min(row, self.panel.model.rowCount() - 1)))
            if neighbour is not None:
                self.open_conversation(neighbour.id)
            else:
                self.new_conversation()
        self._undo = deleted
        title = deleted.title
        self.statusBar().showMessage(self.tr("Deleted “{title}”.").format(title=title), UNDO_SECONDS * 1000)
        self.undo_button.show()
        self._undo_timer.start(UNDO_SECONDS * 1000)

    def undo_delete(self) -> None:
        deleted, self._undo = self._undo, None
        self._forget_undo()
        if deleted is None:
            return
        restored = self.conversations.restore(deleted)
        self.panel.reload()
        self.open_conversation(restored.id)
        self.statusBar().showMessage(self.tr("Restored “{title}”.").format(title=restored.title), 5000)

    def _forget_undo(self) -> None:
        self._undo = None
        self.undo_button.hide()

    # -- provider and model ----------------------------------------------------------------------

    def _choice_made(self, endpoint_id: str, model: str) -> None:
        """The user picked a provider or model: the conversation on screen keeps it."""
        if self._current is not None:
            self.conversations.set_model(self._current, endpoint_id, model)
            self.panel.model.refresh(self._current)

    def _show_endpoint_status(self, answering: bool = False) -> None:
        model = self.choice.model or self.tr("no model chosen")
        text = f"{self.choice.label()} · {model}"
        if answering:
            text = self.tr("{where} — answering…").format(where=text)
        self.status_endpoint.setText(text)

    def edit_system_prompt(self) -> None:
        if self._current is not None:
            conversation = self.conversations.get(self._current)
            text = conversation.system_prompt or "" if conversation else ""
        else:
            text = self._draft_prompt if self._draft_prompt is not None else self.settings.system_prompt
        dialog = SystemPromptDialog(text, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        target = self._current

        def save() -> None:
            prompt = dialog.text()
            if target is None:
                self._draft_prompt = prompt
            else:
                self.conversations.set_system_prompt(target, prompt)
            if target == self._current:
                self.top_bar.set_has_system_prompt(bool(prompt))

        dialog.accepted.connect(save)
        dialog.open()

    # -- turns -----------------------------------------------------------------------------------

    def send(self) -> None:
        text = self.composer.toPlainText()
        if not text.strip() or self.controller.is_streaming(self._current):
            return
        waiting = self.attachments.busy_text()
        if waiting is not None:  # a file is still being read: Send waits, the text stays
            self.statusBar().showMessage(waiting, 5000)
            return
        endpoint_id = self.choice.endpoint_id
        model = self.choice.model or None
        if self._current is None:
            prompt = self._draft_prompt if self._draft_prompt is not None else (self.settings.system_prompt or None)
            try:
                conversation = self.conversations.create(provider=endpoint_id, model=model,
                                                         system_prompt=prompt, provisional=True)
            except StoreError as exc:  # the disk is full, the folder read-only: the text stays in the composer
                self._show_problem(None, self.controller.store_failure(exc))
                return
            self._current = conversation.id
            self._oldest_seq, self._has_older = None, False
            # The list shows it once the turn has started (_turn_started): its repaint then runs
            # while the request is on its way, not before it leaves; a refused turn never shows.
        cid = self._current
        self.composer_bar.take_text()
        self._pending_text[cid] = text
        attachments = self.attachments.take_for_send(cid)
        self.controller.send(cid, text, endpoint_id=endpoint_id, model=model, attachments=attachments)

    # -- attachments -----------------------------------------------------------------------------

    def open_files(self, paths: Sequence[Any]) -> None:
        """Attach files to the composer (a drop, the command line, a second instance's files)."""
        self.attachments.open_files(paths_from_arguments([str(p) for p in paths]))

    def dragEnterEvent(self, event: Any) -> None:
        if self.attachments.accepts(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: Any) -> None:
        if self.attachments.accepts(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: Any) -> None:
        if self.attachments.drop(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dropEvent(event)

    def stop(self) -> None:
        if self.controller.stop(self._current):
            self.statusBar().showMessage(self.tr("Stopped. The text received so far is kept."), 5000)

    def _busy(self) -> bool:
        if self.controller.is_streaming(self._current):
            self.statusBar().showMessage(self.tr("Wait for the answer to finish, or stop it first (Esc)."), 5000)
            return True
        return self._current is None

    def _regenerate(self, _answer_id: str) -> None:
        if self._busy():
            return
        assert self._current is not None
        self.controller.regenerate(self._current, endpoint_id=self.choice.endpoint_id,
                                   model=self.choice.model or None)
        self._back_to_composer()

    def _continue(self, answer_id: str) -> None:
        if self._busy():
            return
        assert self._current is not None
        answer = self.conversations.get_message(answer_id)
        if answer is None or answer.conversation_id != self._current:
            return
        self.controller.continue_answer(self._current, answer)
        self._back_to_composer()

    def _edit_resend(self, message_id: str, text: str) -> None:
        if self._busy() or not text.strip():
            return
        assert self._current is not None
        self.controller.edit_and_resend(self._current, message_id, text)
        self._back_to_composer()

    def _switch_version(self, message_id: str) -> None:
        """Show another version of a message: its branch becomes the conversation's current one."""
        if self._busy():
            return
        assert self._current is not None
        self.conversations.switch_version(message_id)
        self.open_conversation(self._current)

    def _back_to_composer(self) -> None:
        """After an action from a message's own buttons: those buttons (Retry, Continue, the inline
        editor) go away with the old answer, and Qt would hand focus to whatever comes next in the
        tab chain (the search box). The composer is where the user goes on."""
        self.composer.setFocus()

    def _delete_message(self, message_id: str) -> None:
        """Delete asks which (ui/conversations/delete_dialog.py): this version only, or the message in every
        version and everything after it; _delete_chosen does it."""
        live = self.controller.live_answer(self._current or "")
        if live is not None and live[0] == message_id:
            self.statusBar().showMessage(self.tr("Stop the answer before deleting it (Esc)."), 5000)
            return
        if self._busy():  # the answer being written hangs under what would be deleted
            return
        versions = self.conversations.version_count(message_id)
        if versions == 0:
            return
        from desktop_chat.ui.conversations.delete_dialog import DeleteMessageDialog

        dialog = DeleteMessageDialog(message_id, versions, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(self._delete_chosen)
        dialog.open()

    def _delete_chosen(self, message_id: str, scope: str) -> None:
        if self._current is None or self.controller.is_streaming(self._current):
            return  # an answer started while the dialog was open: nothing is deleted under it
        message = self.conversations.get_message(message_id)
        if message is None or message.conversation_id != self._current:
            return
        if self.conversations.delete_message(message_id, "after" if scope == "after" else "version"):
            self.open_conversation(self._current)  # the branch may now run through another version
            self.panel.model.refresh(self._current)

    def _fork(self, message_id: str) -> None:
        """"Continue in a new conversation": a copy of the branch up to the message, opened."""
        live = self.controller.live_answer(self._current or "")
        if live is not None and live[0] == message_id:
            self.statusBar().showMessage(self.tr("Wait for the answer to finish, or stop it first (Esc)."), 5000)
            return
        try:
            conversation = self.conversations.fork(message_id)
        except KeyError:  # deleted meanwhile
            return
        except StoreError as exc:
            self._show_problem(self._current, self.controller.store_failure(exc))
            return
        if self.panel.model.searching:  # a list of search results would not show the fork
            self.panel.search.clear()
            self.panel.reload()
        else:
            self.panel.model.refresh(conversation.id, to_top=True)
        self.open_conversation(conversation.id)
        self.statusBar().showMessage(
            self.tr("Continued in a new conversation: “{title}”.").format(title=conversation.title), 5000)
        self._back_to_composer()

    def copy_last_answer(self) -> None:
        if self._current is None:
            return
        live = self.controller.live_answer(self._current)
        text = live[1] if live is not None else None
        if text is None:
            for message in reversed(self.conversations.first_page(self._current, PAGE_SIZE).messages):
                if message.role == "assistant" and message.text:
                    text = message.text
                    break
        if text:
            QGuiApplication.clipboard().setText(text)
            self.statusBar().showMessage(self.tr("Copied the last answer."), 3000)

    # -- what the controller reports -------------------------------------------------------------

    def _turn_event(self, cid: str, event: WindowTurnEvent) -> None:
        """Every event of every turn, for conversation *cid* (ui/window/turn_events.py)."""
        match event:
            case TurnStarted(user_message=user, assistant_message=answer):
                self._turn_started(cid, user, answer)
                self.fixes.clear()
            case SourcesFound(message_id=answer_id, delivery=delivery):
                self._sources_found(cid, answer_id, delivery)
            case AnswerText(answer_id=answer_id, text=text):
                self._text_received(cid, answer_id, text)
            case MessageChanged(message=message):
                self._message_changed(cid, message)
            case Notice(answer_id=answer_id, text=notice):
                self._notice_changed(cid, answer_id, notice)
            case Started(provider=endpoint_id, model=model):
                self._request_started(cid, endpoint_id, model)
            case StreamingChanged(streaming=streaming):
                self._streaming_changed(cid, streaming)
            case TurnEnded(result=result):
                self._turn_ended(cid, result)
            case TurnFailed(kind=kind, message=message, error=error):
                if error is not None:
                    self._refusals[cid] = error  # read by _turn_failed
                    self.fixes.refused(cid, error)
                self._turn_failed(cid, kind, message)
            case SaveProblem(answer_id=answer_id, text=problem):
                self._save_problem_changed(cid, answer_id, problem)

    def _turn_started(self, cid: str, user: Message, answer: Message) -> None:
        self._pending_text.pop(cid, None)
        self.attachments.sent(cid)
        self.conversations.turn_started(cid)
        self.panel.model.refresh(cid, to_top=True)
        if cid != self._current:
            return
        if self.panel.current_id() != cid:
            self.panel.select(cid)  # a new conversation (see send)
        # What followed the question's parent belongs to the branch being left (a regenerated
        # answer, the turns after an edited question): the view shows the new branch only.
        if not self.view.remove_messages_after(user.parent_id):
            self.view.remove_messages_from(user.seq)
        self.view.add_message(user)
        self.view.add_message(answer)
        self.view.set_versions(self.conversations.versions_of([user, answer]))
        if self._oldest_seq is None or user.parent_id is None:
            self._oldest_seq = user.seq
        conversation = self.conversations.get(cid)
        if conversation is not None:
            self.top_bar.set_title(conversation.title)
            self._update_title()

    def _sources_found(self, cid: str, answer_id: str, delivery: Any) -> None:
        if cid == self._current:
            self.view.show_delivery(answer_id, delivery)

    def _text_received(self, cid: str, answer_id: str, text: str) -> None:
        if cid == self._current:
            self.view.append_text(answer_id, text)

    def _message_changed(self, cid: str, message: Message) -> None:
        if cid == self._current:
            self.view.update_message(message)

    def _notice_changed(self, cid: str, answer_id: str, text: str | None) -> None:
        if cid == self._current:
            self.view.set_notice(answer_id, text)

    def _request_started(self, cid: str, _endpoint_id: str, _model: str) -> None:
        if self._status_owner == cid:
            self._drop_problem()  # the conversation is trying again: its last failure is stale
        if cid == self._current:
            self._show_endpoint_status(answering=True)

    def _streaming_changed(self, cid: str, streaming: bool) -> None:
        self.panel.model.set_streaming(cid, streaming)
        if cid == self._current:
            self.composer_bar.set_streaming(streaming)
            self._stop_shortcut.setEnabled(streaming)
            if not streaming:
                self._show_endpoint_status()

    def _turn_ended(self, cid: str, result: TurnResult | None) -> None:
        self.panel.model.refresh(cid)
        if cid == self._current:
            self._show_totals()
        if result is not None and result.ok and result.message.provider:
            self.choice.note_answered(result.message.provider, result.message.model or "")
        if result is not None and result.error is not None:
            prefix = "" if cid == self._current else self._title_prefix(cid)
            self._show_problem(cid, prefix + localized_error(result.error))
        if self._reset_pool_pending and not self.controller.streaming_ids():
            self._reset_pool_pending = False
            self.runner.start(self.engine.pool.reset(), name="reset-providers")
        self.turnFinished.emit(cid)

    def _turn_failed(self, cid: str, kind: str, message: str) -> None:
        text = self._pending_text.pop(cid, None)
        if self.conversations.discard_unused(cid):  # made for this turn, which never started
            self.panel.model.remove(cid)
            if cid == self._current:
                self.new_conversation()
        if text is not None and (self._current in (cid, None)):
            self.composer_bar.restore_text(text)
        self.attachments.restore(cid, self._refusals.pop(cid, None), message)
        self._show_problem(self._current, message)
        self.turnFinished.emit(cid)

    def _save_problem_changed(self, cid: str, answer_id: str, text: str | None) -> None:
        """An answer could not be saved (text), or can be again (None): say so on it and above."""
        if text is None:
            if self._save_problems.pop(answer_id, None) is None:
                return
            self.statusBar().showMessage(self.tr("Saving works again: the whole answer is stored."), 10000)
        else:
            self._save_problems[answer_id] = (cid, text)
        if cid == self._current:
            self.view.set_notice(answer_id, text)
        latest = next(reversed(self._save_problems.values()), None)
        if latest is not None or self._storage_notice is not None:
            self.storage_notice.set_save_problem(latest[1] if latest is not None else None)

    def _show_problem(self, cid: str | None, message: str) -> None:
        """A turn's failure in the status bar, until the user moves to another conversation."""
        self.statusBar().showMessage(plain_error(message), 60000)  # (the card shows `code` as code)
        self._status_owner = cid

    def _leave_conversation(self) -> None:
        if self._status_owner is not None and self._status_owner != self._current:
            self._drop_problem()

    def _drop_problem(self) -> None:
        self.statusBar().clearMessage()
        self._status_owner = None

    def _title_prefix(self, cid: str) -> str:
        conversation = self.conversations.get(cid)
        return self.tr("“{title}”: ").format(title=conversation.title) if conversation else ""

    def _show_totals(self) -> None:
        self.top_bar.set_totals(*self.conversations.totals(self._current))

    def _update_title(self) -> None:
        title = self.top_bar.title.full_text() if self._current else ""
        self.setWindowTitle(self.tr("{title} — Desktop Chat").format(title=title) if title else self.tr("Desktop Chat"))

    # -- settings --------------------------------------------------------------------------------

    def open_settings(self, endpoint_id: str | None = None) -> None:
        """Settings; at *endpoint_id*'s page when given (an error card's "Open Settings")."""
        if self._settings_dialog is not None:
            self._settings_dialog.raise_()
            self._settings_dialog.activateWindow()
            if endpoint_id:
                self._settings_dialog.show_endpoint(endpoint_id)  # type: ignore[attr-defined]
            return
        from desktop_chat.ui.settings.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self.runner, self.engine.list_models, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.settingsChanged.connect(self.apply_settings)
        dialog.destroyed.connect(lambda *_: setattr(self, "_settings_dialog", None))
        self._settings_dialog = dialog
        dialog.open()
        if endpoint_id:
            dialog.show_endpoint(endpoint_id)

    def apply_settings(self) -> None:
        """After the Settings dialog saved: new keys/URLs, theme, language, endpoints."""
        from desktop_chat.ui.runtime import i18n
        from desktop_chat.ui.common import theme

        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply_theme(app, self.settings.theme)
            i18n.install_translator(app, self.settings.language)
        if self._engine is not None:  # (else it is built with these settings when first needed)
            from desktop_chat.chat.retry import RetryPolicy

            self._engine.policy = RetryPolicy(max_attempts=self.settings.max_attempts)
            self._engine.pool.forget_keys()  # keys may have been saved or deleted: read them again
            if self.controller.streaming_ids():
                self._reset_pool_pending = True  # closing a provider would cut the answers off
            else:
                self.runner.start(self._engine.pool.reset(), name="reset-providers")
        self.choice.fill_endpoints()
        if self._current is not None:
            conversation = self.conversations.get(self._current)
            self.choice.show(conversation.provider if conversation else None,
                              conversation.model if conversation else None)
        else:
            self.choice.show_new()
        self.runner.start(self._check_setup(), name="check-setup")
        self.ollama.check()  # the host may have changed
        self.readiness.check()  # keys may have been added or removed
        self.settingsApplied.emit()

    # -- language --------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.undo_button.setText(self.tr("Undo"))
        self.undo_button.setAccessibleName(self.tr("Undo deleting the conversation"))
        self.view.setAccessibleName(self.tr("Messages"))
        self.status_endpoint.setAccessibleName(self.tr("Provider and model in use"))
        self._update_title()
        self._show_endpoint_status()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- closing ---------------------------------------------------------------------------------

    def save_ui_state(self) -> None:
        self.settings.ui_state = dict(self.settings.ui_state or {})
        self.settings.ui_state.update(
            geometry=_encode(self.saveGeometry()),
            window_state=_encode(self.saveState()),
            splitter=_encode(self.splitter.saveState()),
            last_conversation=self._current,
        )
        self.choice.save_settings()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._shut_down:
            event.accept()
            return
        event.ignore()
        if not self._shutting_down:
            self.runner.start(self.shutdown(), name="shutdown")

    def _snapshot_path(self) -> Path:
        return data_dir() / render_snapshot.FILE_NAME

    async def _save_snapshot(self) -> None:
        """The answers on screen, rendered for the next start (render_snapshot.py)."""
        messages = self.view.snapshot_messages() if self._current is not None else []
        renderer, key, path = self.view.renderer, self.view.snapshot_key(), self._snapshot_path()

        def render_and_save() -> None:  # worker thread: markdown, code lexers and the disk
            from desktop_chat.ui.messages.message_body import MessageBody

            render_snapshot.save(path, key, {render_snapshot.message_key(m): MessageBody.render_detached(renderer, m.text)
                                             for m in messages})

        try:
            await self.runner.in_thread(render_and_save)
        except Exception:  # noqa: BLE001 - a start-up shortcut: closing must go on without it
            log.exception("could not save the last screen's snapshot")

    async def shutdown(self) -> None:
        """Stop answers (saved as stopped), close the engine and the store, then close the window."""
        if self._shutting_down:
            return
        self._shutting_down = True
        try:
            self.save_ui_state()
            await self.controller.stop_all()
            await self._save_snapshot()
            self.attachments.cancel_all()  # extractions stop at their next page
            current = asyncio.current_task()
            others = [t for t in self.runner.tasks if t is not current]
            for task in others:
                task.cancel()
            if others:
                await asyncio.wait(others, timeout=2)
            try:
                if self._engine is not None:
                    await self._engine.aclose()
            except Exception:
                log.exception("closing the providers failed")
            await self.attachments.aclose()  # the shared DocumentLibrary (the engine does not own it)
            self.store.close()
        finally:
            self._shut_down = True
            self.close()
            self.shutdownFinished.emit()


def _encode(data: QByteArray) -> str:
    return base64.b64encode(bytes(data.data())).decode("ascii")


def _decode(value: Any) -> bytes | None:
    """Saved window state, for restoreGeometry/restoreState (which take bytes as a QByteArray)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        return None
