"""How much the model thinks, for this conversation: a small menu button beside the model picker.

Shown only for a model that takes a setting (providers/capabilities.py `reasoning_control`):

    budget (Claude)          Thinking: Off · Light (4k tokens) · Medium (16k) · Deep (32k)
    effort (o-series, gpt-5,  Reasoning: Default · Low · Medium · High
            gpt-oss, Ollama
            thinking models)

The choice is the conversation's (its options ``thinking_budget`` / ``reasoning_effort``, which
the engine sends only to a model that takes them). Before a conversation exists, the choice
waits and is given to the conversation the first message creates (`apply_pending`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QLocale, Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

# capabilities is loaded before the first frame anyway; the engine's reasoning module is not needed here.
from desktop_chat.providers import capabilities
from desktop_chat.providers.capabilities import EFFORTS, REASONING_OPTIONS
from desktop_chat.ui.common.theme import round_menu

__all__ = ["ReasoningControl", "attach"]

_OPTION = REASONING_OPTIONS
# The budgets offered (tokens); `ask --thinking-budget N` takes any N ≥ 1024.
BUDGETS = {"low": 4_096, "medium": 16_384, "high": 32_768}


class ReasoningControl(QToolButton):
    """The menu button; `refresh()` after the endpoint, model or conversation changed."""

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        """*window*: the MainWindow (its choice, settings, conversations and current conversation)."""
        super().__init__(parent)
        self._window = window
        self.setObjectName("reasoningControl")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setAutoRaise(True)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._menu = round_menu(QMenu(self))
        self._menu.setObjectName("reasoningMenu")
        self._menu.aboutToShow.connect(self._fill)
        self.setMenu(self._menu)
        self._group = QActionGroup(self)
        self._group.setExclusive(True)
        self._control: str | None = None
        self._pending: Any = None  # the choice made before the conversation exists
        self._has_pending = False
        self.hide()

    # -- state -----------------------------------------------------------------------------------

    @property
    def control(self) -> str | None:
        """"budget", "effort", or None (the model takes no setting: the button is hidden)."""
        return self._control

    def value(self) -> Any:
        """The shown conversation's setting (None: off / the model's default)."""
        if self._control is None:
            return None
        cid = self._window.current_conversation_id
        if cid is None:
            return self._pending if self._has_pending else None
        conversation = self._window.conversations.get(cid)
        return conversation.options.get(_OPTION[self._control]) if conversation is not None else None

    def refresh(self) -> None:
        choice = self._window.choice
        endpoint_id, model = choice.endpoint_id, choice.model
        control = None
        if endpoint_id and model:
            try:
                kind = self._window.settings.endpoint(endpoint_id).kind
                info = next((m for m in choice.models.get(endpoint_id, []) if m.id == model), None)
                caps = capabilities(kind, model, info)
                # A local model's listing says whether it thinks; until it is read, offer nothing.
                control = caps.reasoning_control if info is not None or not caps.local else None
            except (KeyError, ValueError):
                control = None
        self._control = control
        self.setVisible(control is not None)
        self._retranslate()

    def choose(self, value: Any) -> None:
        """Set the shown conversation's level (None: off / default)."""
        if self._control is None:
            return
        cid = self._window.current_conversation_id
        if cid is None:
            self._pending, self._has_pending = value, True
        else:
            self._window.conversations.set_options(cid, {_OPTION[self._control]: value})
        self._retranslate()

    def apply_pending(self, conversation_id: str) -> None:
        """A conversation was just made for the first message: it takes the choice made before."""
        if self._has_pending and self._control is not None:
            self._window.conversations.set_options(conversation_id, {_OPTION[self._control]: self._pending})
        self._pending, self._has_pending = None, False

    # -- the menu ------------------------------------------------------------------------------------

    def _choices(self) -> list[tuple[Any, str]]:
        locale = QLocale()
        if self._control == "budget":
            return [(None, self.tr("Off")), *[
                (tokens, self.tr("{level} ({tokens} tokens)").format(level=self._level(name),
                                                                       tokens=locale.toString(tokens)))
                for name, tokens in BUDGETS.items()]]
        return [(None, self.tr("Model default")), *[(name, self._level(name)) for name in EFFORTS]]

    def _level(self, name: str) -> str:
        return {"low": self.tr("Light"), "medium": self.tr("Medium"), "high": self.tr("Deep")}[name] \
            if self._control == "budget" else {"low": self.tr("Low"), "medium": self.tr("Medium"),
                                               "high": self.tr("High")}[name]

    def _fill(self) -> None:
        self._menu.clear()
        for action in self._group.actions():
            self._group.removeAction(action)
        current = self.value()
        for value, text in self._choices():
            action = QAction(text, self._menu)
            action.setCheckable(True)
            action.setChecked(value == current)
            action.triggered.connect(lambda _checked=False, v=value: self.choose(v))
            self._group.addAction(action)
            self._menu.addAction(action)

    def _retranslate(self) -> None:
        if self._control is None:
            return
        value = self.value()
        label = dict(self._choices()).get(value)
        if label is None:  # a budget set elsewhere (ask --thinking-budget N)
            label = self.tr("{tokens} tokens").format(tokens=QLocale().toString(int(value)))
        if self._control == "budget":
            self.setText(self.tr("Thinking: {level}").format(level=label.split(" (")[0]))
            self.setToolTip(self.tr("How long the model may think before it answers, in this conversation"))
        else:
            self.setText(self.tr("Reasoning: {level}").format(level=label))
            self.setToolTip(self.tr("How hard the model reasons before it answers, in this conversation"))
        self.setAccessibleName(self.toolTip())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()


def attach(window: Any) -> ReasoningControl:
    """Put the control beside the model picker and keep it current with the pick."""
    bar = window.top_bar
    control = ReasoningControl(window, bar)
    layout = bar.layout()
    layout.insertWidget(layout.indexOf(bar.model_picker) + 1, control)
    window.choice.changed.connect(control.refresh)  # also when another conversation is shown
    return control
