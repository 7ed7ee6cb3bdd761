"""The bar above the messages: conversation title, provider and model pickers, system prompt, totals.

The bar only shows and reports choices; the window decides what they mean (remembering them
per conversation and as the defaults, listing models asynchronously).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QPoint, QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from desktop_chat.chat.readiness import Readiness
from desktop_chat.ui.models import provider_marks
from desktop_chat.ui.models.model_picker import Entry, ModelPopup
from desktop_chat.ui.common.icons import icon, icon_button
from desktop_chat.ui.common.units import format_bytes

if TYPE_CHECKING:
    from desktop_chat.providers import ModelInfo


class ElidedLabel(QLabel):
    """A one-line label that ends in "…" when its text does not fit (the full text is the tooltip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self.setAccessibleName(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        metrics = QFontMetrics(self.font())
        self.setText(metrics.elidedText(self._full, Qt.TextElideMode.ElideRight, max(0, self.width())))


class FitOrHideLabel(QLabel):
    """A label that shows its whole text or, when the layout gives it less room, nothing: a cut
    number reads wrong. It may shrink to zero, so it gives way to the controls beside it."""

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def paintEvent(self, event: Any) -> None:
        if self.width() >= self.sizeHint().width():
            super().paintEvent(event)


class ModelPicker(QComboBox):
    """An editable combo box: pick a listed model or type any name. Asks for the list when opened.

    Its own list holds the chat models in the order shown (tests and accessibility read it); the
    popup that opens is ModelPopup (ui/models/model_picker.py): searchable, favourites first, with tags.
    """

    popupWanted = Signal()
    popupBuilt = Signal(object)  # the ModelPopup, when first built

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelPicker")
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(14)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        completer = self.completer()
        if completer is not None:
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._popup: ModelPopup | None = None  # built when first wanted: most starts never open it
        self.focus_before: QWidget | None = None

    @property
    def popup(self) -> ModelPopup:
        """The list below the field (model_picker.py), built the first time it is wanted; popupBuilt
        then lets the top bar connect it and give it its rows before it shows."""
        if self._popup is None:
            self._popup = ModelPopup(self)
            self.popupBuilt.emit(self._popup)
        return self._popup

    @property
    def built_popup(self) -> ModelPopup | None:
        """The popup if it has been built, else None (asking `popup` would build it)."""
        return self._popup

    def showPopup(self) -> None:
        self.focus_before = self.window().focusWidget()  # given back when the popup closes
        self.popupWanted.emit()
        self.popup.open_below(self, self.currentText().strip())

    def hidePopup(self) -> None:
        if self._popup is not None:
            self._popup.close()
        super().hidePopup()


class TopBar(QWidget):
    endpointChosen = Signal(str)  # endpoint id
    modelChosen = Signal(str)  # model name (listed or typed)
    refreshRequested = Signal()
    modelsWanted = Signal()  # the model list was opened
    systemPromptRequested = Signal()
    ollamaModelsRequested = Signal()  # the Ollama model manager
    favouriteToggled = Signal(str)  # model name: star or unstar it
    modelMenuWanted = Signal(str, QPoint)  # model name, where: its right-click menu (images: vision_menu.py)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("topBar")
        self.title = ElidedLabel(self)
        self.title.setObjectName("conversationTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        # The title gives way before the controls: it elides down to a few letters ("Quar…"),
        # whatever the window's width; the pickers and buttons keep their full size.
        self.title.setMinimumWidth(QFontMetrics(font).horizontalAdvance("Wwww…"))

        self.provider_picker = QComboBox(self)
        self.provider_picker.setObjectName("providerPicker")
        self.provider_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.provider_picker.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.model_picker = ModelPicker(self)
        self.refresh_button = QToolButton(self)
        self.refresh_button.setObjectName("refreshModelsButton")
        self.refresh_button.setProperty("iconButton", True)  # flat, with the theme's hover (style sheet)
        self._paint_icons()
        self.ollama_button = icon_button(self, "models", "ollamaModelsButton")  # Ollama's model manager
        self.ollama_button.hide()  # only while an Ollama endpoint is picked
        # An icon (the words are its tooltip): at 800 px the pickers need the room a text button took.
        self.system_prompt_button = icon_button(self, "instructions", "systemPromptButton")
        self.totals = FitOrHideLabel(self)  # like the title, it makes room for the controls
        self.totals.setObjectName("conversationTotals")
        self.totals.setTextFormat(Qt.TextFormat.PlainText)
        self.totals.setEnabled(False)  # drawn in the muted colour; it is information, not a control

        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.addWidget(self.title, 1)
        layout.addWidget(self.totals)
        layout.addSpacing(8)
        layout.addWidget(self.provider_picker)
        layout.addWidget(self.model_picker)
        layout.addWidget(self.refresh_button)
        layout.addWidget(self.ollama_button)
        layout.addWidget(self.system_prompt_button)

        self.provider_picker.activated.connect(self._provider_activated)
        self.model_picker.activated.connect(self._model_activated)
        line_edit = self.model_picker.lineEdit()
        if line_edit is not None:
            line_edit.editingFinished.connect(self._model_edited)
        self.model_picker.popupWanted.connect(self.modelsWanted)
        self.model_picker.popupBuilt.connect(self._popup_built)
        self.refresh_button.clicked.connect(self.refreshRequested)
        self.ollama_button.clicked.connect(self.ollamaModelsRequested)
        self.system_prompt_button.clicked.connect(self.systemPromptRequested)
        self._last_model = ""
        self._has_prompt = False
        self._entries: list[Entry] = []
        self._hidden_models = 0
        self._listing = False
        self._readiness: dict[str, Readiness] = {}
        self._readiness_tips: dict[str, str] = {}
        self.retranslate()

    # -- showing -------------------------------------------------------------------------------

    def set_title(self, title: str) -> None:
        self.title.set_full_text(title)
        self._fit_totals()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_totals()

    def _fit_totals(self) -> None:
        """The totals share the title's room and give it up first: shown only while the title keeps
        about 16 characters (or all of it) beside them."""
        layout = self.layout()
        assert layout is not None  # built in __init__
        layout.activate()  # geometries as they are now (a change of text or visibility lays out later)
        shared = self.title.width() + (self.totals.width() + layout.spacing() if not self.totals.isHidden() else 0)
        metrics = QFontMetrics(self.title.font())
        wanted = min(metrics.horizontalAdvance(self.title.full_text()), metrics.averageCharWidth() * 16)
        fits = shared >= wanted + layout.spacing() + self.totals.sizeHint().width()
        visible = bool(self.totals.text()) and fits
        # Hidden, the totals are still one hover away: on the title.
        tip = self.title.full_text()
        self.title.setToolTip(tip if visible or not self.totals.text() else f"{tip}\n{self.totals.toolTip()}")
        if visible == self.totals.isHidden():
            self.totals.setVisible(visible)
            layout.activate()

    def set_endpoints(self, endpoints: Sequence[tuple[str, str]], current: str | None) -> None:
        """(id, label) pairs; selects `current` without emitting endpointChosen."""
        with QSignalBlocker(self.provider_picker):
            self.provider_picker.clear()
            for endpoint_id, label in endpoints:
                self.provider_picker.addItem(label, endpoint_id)
            provider_marks.mark(self.provider_picker, self._readiness, self._readiness_tips)
            self.select_endpoint(current)

    def select_endpoint(self, endpoint_id: str | None) -> None:
        with QSignalBlocker(self.provider_picker):
            index = self.provider_picker.findData(endpoint_id)
            self.provider_picker.setCurrentIndex(max(0, index))

    def current_endpoint(self) -> str | None:
        data = self.provider_picker.currentData()
        return str(data) if data is not None else None

    def set_models(self, models: Sequence[ModelInfo], current: str | None = None, *,
                   favourites: Sequence[str] = (), recent: Sequence[str] = (), hidden: int = 0) -> None:
        """Fill the list with `models` in the order given; the typed/current name is kept even
        when it is not listed. `hidden`: how many listed models were left out as not chat models."""
        current = self.current_model() if current is None else current
        self._entries = []
        with QSignalBlocker(self.model_picker):
            self.model_picker.clear()
            for info in models:
                self.model_picker.addItem(info.id, info.id)
                tip = " · ".join([info.display_name or info.id, *_detail_parts(info)])
                if info.context_length:
                    tip += self.tr(" · {n} tokens of context").format(n=f"{info.context_length:,}")
                self.model_picker.setItemData(self.model_picker.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
                self._entries.append(Entry(info.id, tuple(self._tags(info)), info.id in favourites,
                                           info.id in recent, tip))
            self._show_model(current)
        self._hidden_models = hidden
        self._refresh_popup()

    def _tags(self, info: ModelInfo) -> list[str]:
        """The capabilities the provider reported, in a few quiet words (see providers/model_kinds.py)."""
        from desktop_chat.providers import model_kinds  # off the start-up path

        found = model_kinds.capabilities(info)
        tags = []
        if found.context_length:
            tags.append(_context_tag(found.context_length))
        if found.vision:
            tags.append(self.tr("images"))
        if found.tools:
            tags.append(self.tr("tools"))
        if found.reasoning:
            tags.append(self.tr("reasoning"))
        return tags

    def _popup_built(self, popup: ModelPopup) -> None:
        popup.picked.connect(self._model_picked)
        popup.favouriteToggled.connect(self.favouriteToggled)
        popup.menuWanted.connect(self.modelMenuWanted)
        popup.closed.connect(self._popup_closed)
        self._refresh_popup()

    def _refresh_popup(self) -> None:
        """Keep the popup's rows in step (it may be open while a listing arrives)."""
        popup = self.model_picker.built_popup
        if popup is not None:
            popup.set_entries(self._entries, self.current_model(), hidden=self._hidden_models, listing=self._listing)

    def set_readiness(self, states: dict[str, Readiness], tips: dict[str, str]) -> None:
        """Mark each provider entry ready / needs a key / not running / not installed."""
        self._readiness, self._readiness_tips = dict(states), dict(tips)
        provider_marks.mark(self.provider_picker, states, tips)

    def set_model(self, model: str | None) -> None:
        with QSignalBlocker(self.model_picker):
            self._show_model(model or "")

    def _show_model(self, model: str) -> None:
        index = self.model_picker.findText(model, Qt.MatchFlag.MatchExactly) if model else -1
        if index >= 0:
            self.model_picker.setCurrentIndex(index)
        else:
            self.model_picker.setCurrentIndex(-1)
            self.model_picker.setEditText(model)
        self._last_model = model

    def current_model(self) -> str:
        return self.model_picker.currentText().strip()

    def set_listing(self, listing: bool) -> None:
        self._listing = listing
        popup = self.model_picker.built_popup
        if popup is not None and popup.isVisible():
            self._refresh_popup()
        self.refresh_button.setEnabled(not listing)
        self.refresh_button.setToolTip(self.tr("Listing models…") if listing else self.tr("Refresh the model list"))

    def set_ollama_tools(self, visible: bool) -> None:
        self.ollama_button.setVisible(visible)

    def set_has_system_prompt(self, has_prompt: bool) -> None:
        self._has_prompt = has_prompt
        self._label_prompt_button()

    def set_totals(self, input_tokens: int, output_tokens: int) -> None:
        if not input_tokens and not output_tokens:
            self.totals.clear()
            self.totals.setToolTip("")
            self.totals.hide()
            return
        self.totals.setText(self.tr("{inp} in · {out} out").format(inp=_compact(input_tokens),
                                                                    out=_compact(output_tokens)))
        self.totals.setToolTip(self.tr("Tokens used by this conversation: {inp} sent, {out} received").format(
            inp=f"{input_tokens:,}", out=f"{output_tokens:,}"))
        self._fit_totals()

    def retranslate(self) -> None:
        self.provider_picker.setAccessibleName(self.tr("Provider"))
        self.provider_picker.setToolTip(self.tr("Where your messages are sent"))
        self.model_picker.setAccessibleName(self.tr("Model"))
        self.model_picker.setToolTip(self.tr("Pick a model, or type the name of one that is not listed"))
        self.refresh_button.setAccessibleName(self.tr("Refresh models"))
        self.refresh_button.setToolTip(self.tr("Refresh the model list"))
        self.ollama_button.setAccessibleName(self.tr("Manage Ollama models"))
        self.ollama_button.setToolTip(self.tr("Download, delete and unload Ollama models, and set their options"))
        self.totals.setAccessibleName(self.tr("Tokens used by this conversation"))
        self._label_prompt_button()
        provider_marks.mark(self.provider_picker, self._readiness, self._readiness_tips)  # the words

    def _label_prompt_button(self) -> None:
        """A conversation with a system prompt shows the icon in the accent colour, and says so."""
        title = self.tr("System prompt ✓") if self._has_prompt else self.tr("System prompt")
        self.system_prompt_button.setIcon(icon("instructions", "accent" if self._has_prompt else "text"))
        self.system_prompt_button.setAccessibleName(self.tr("Edit the system prompt"))
        self.system_prompt_button.setAccessibleDescription(title)
        what = self.tr("Instructions the model receives before this conversation")
        self.system_prompt_button.setToolTip(f"{title}\n{what}")

    def _paint_icons(self) -> None:
        self.refresh_button.setIcon(icon("refresh"))  # painted in the theme's colours as it shows

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- user choices --------------------------------------------------------------------------

    def _provider_activated(self, _index: int) -> None:
        endpoint_id = self.current_endpoint()
        if endpoint_id:
            self.endpointChosen.emit(endpoint_id)

    def _model_activated(self, _index: int) -> None:
        self._announce_model()

    def _model_picked(self, name: str) -> None:
        """Chosen in the popup: a listed model, or a name typed in its search field."""
        with QSignalBlocker(self.model_picker):
            self._show_model_keep_last(name)
        self._announce_model()

    def _show_model_keep_last(self, model: str) -> None:
        last = self._last_model
        self._show_model(model)
        self._last_model = last  # _announce_model compares with the model shown before the pick

    def _popup_closed(self) -> None:
        """The keyboard goes back where it was (the composer, when the list was opened from the keyboard)."""
        before = self.model_picker.focus_before
        self.model_picker.focus_before = None
        try:
            if before is not None and before.isVisible():
                before.setFocus(Qt.FocusReason.PopupFocusReason)
                return
        except RuntimeError:  # it was deleted while the popup was open
            pass
        self.model_picker.setFocus(Qt.FocusReason.PopupFocusReason)

    def _model_edited(self) -> None:
        self._announce_model()

    def _announce_model(self) -> None:
        model = self.current_model()
        if model and model != self._last_model:
            self._last_model = model
            self.modelChosen.emit(model)


def _detail_parts(info: ModelInfo) -> list[str]:
    """What a listing says about a model (Ollama's: parameters, quantisation, family, size)."""
    details = info.details or {}
    parts = [str(details[k]) for k in ("parameter_size", "quantization_level", "family") if details.get(k)]
    if isinstance(details.get("size"), int):
        parts.append(format_bytes(details["size"]))
    return parts


def _context_tag(n: int) -> str:
    """A context window the way people name it: 131,072 tokens is "128k", 200,000 is "200k", 2^20 is "1M"."""
    unit = 1000 if n % 1000 == 0 or n % 1024 else 1024
    if n >= unit * unit:
        return f"{n / (unit * unit):g}M"
    return f"{n / unit:.0f}k" if n >= unit else str(n)


def _compact(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M"
    if n >= 10_000:
        return f"{n / 1000:.0f}k"
    if n >= 1000:
        return f"{n / 1000:.1f}k"
    return str(n)
