"""The first-start welcome: three ways to chat, shown where the empty conversation would be.

    1. an online service: pick Anthropic, OpenAI or a preset (presets.py), paste a key (with a
       "Get a key" link), Test it, then Save and start chatting;
    2. Ollama on this computer: found running or not, with the exact next step;
    3. the built-in model: download it (size, progress, Cancel), or, when its engine is missing,
       the one command that installs it.

This module is only the widget: it shows a state and reports clicks. What a click does (tests,
saving the key, picking the provider) is WelcomeController's (welcome_controller.py). Every text
is made in `retranslate` from the state, so a language switch re-words everything at once.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.presets import PRESETS, find_preset
from desktop_chat.ui.common import theme
from desktop_chat.ui.common.error_card import OLLAMA_DOWNLOAD_URL
from desktop_chat.ui.common.html_text import escape_html as escape
from desktop_chat.ui.common.labels import plain_label, set_tone
from desktop_chat.ui.welcome.welcome_state import BuiltinState, OllamaState, ServiceState

KEY_URLS = {"anthropic": "https://console.anthropic.com/settings/keys",
            "openai": "https://platform.openai.com/api-keys"}
_BRANDS = {"anthropic": "Anthropic (Claude)", "openai": "OpenAI (ChatGPT)"}  # names, not translated


def service_ids() -> list[str]:
    """The service picker's entries: the two built-in providers, then every preset."""
    return ["anthropic", "openai", *(p.id for p in PRESETS)]


class WelcomePanel(QScrollArea):
    testKeyRequested = Signal()
    saveKeyRequested = Signal()
    sessionKeyRequested = Signal()  # no keyring: use the key until Desktop Chat quits
    testOllamaRequested = Signal()
    pullOllamaRequested = Signal()
    useOllamaRequested = Signal()
    builtinRequested = Signal()  # download, or use the installed model
    testBuiltinRequested = Signal()
    cancelDownloadRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePanel")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.service = ServiceState()
        self.ollama = OllamaState()
        self.builtin = BuiltinState()
        self._cards: list[QFrame] = []
        page = QWidget()
        page.setObjectName("welcomePage")
        outer = QHBoxLayout(page)
        outer.addStretch(1)
        column_box = QWidget()
        column_box.setMaximumWidth(720)
        column = QVBoxLayout(column_box)
        column.setSpacing(12)
        column.setContentsMargins(24, 18, 24, 18)  # the three cards fit a 760 px high window
        outer.addWidget(column_box, 100)
        outer.addStretch(1)
        self.title = QLabel()
        self.title.setObjectName("welcomeTitle")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("welcomeSubtitle")
        self.subtitle.setWordWrap(True)
        column.addWidget(self.title)
        column.addWidget(self.subtitle)
        column.addWidget(self._build_service_card())
        column.addWidget(self._build_ollama_card())
        column.addWidget(self._build_builtin_card())
        column.addStretch(1)
        self.setWidget(page)
        self._style_cards()
        self.retranslate()

    # -- building ------------------------------------------------------------------------------

    def _card(self, name: str) -> tuple[QFrame, QVBoxLayout, QLabel]:
        card = QFrame()
        card.setObjectName(name)
        self._cards.append(card)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(8)
        heading = QLabel()
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        return card, layout, heading

    def _build_service_card(self) -> QFrame:
        card, layout, self.service_heading = self._card("welcomeServiceCard")
        self.service_intro = QLabel()
        self.service_intro.setWordWrap(True)
        self.service_combo = QComboBox()
        self.service_combo.setObjectName("welcomeServiceCombo")
        for service_id in service_ids():
            preset = find_preset(service_id)
            self.service_combo.addItem(_BRANDS.get(service_id) or (preset.name if preset else service_id), service_id)
        self.service_combo.currentIndexChanged.connect(lambda _i: self._service_changed())
        self.key_link = QLabel()
        self.key_link.setObjectName("welcomeGetKeyLink")
        self.key_link.setTextFormat(Qt.TextFormat.RichText)
        self.key_link.setOpenExternalLinks(True)
        self.key_link.setWordWrap(True)
        self.key_edit = QLineEdit()
        self.key_edit.setObjectName("welcomeKeyEdit")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.textEdited.connect(lambda _t: self._key_edited())
        self.key_edit.returnPressed.connect(self._enter_pressed)
        self.address_edit = QLineEdit()
        self.address_edit.setObjectName("welcomeAddressEdit")
        self.address_edit.textEdited.connect(lambda _t: self._key_edited())
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.service_label, self.key_label, self.address_label = QLabel(), QLabel(), QLabel()
        self.form.addRow(self.service_label, self.service_combo)
        self.form.addRow(self.key_label, self.key_edit)
        self.form.addRow(self.address_label, self.address_edit)
        self.service_label.setBuddy(self.service_combo)
        self.key_label.setBuddy(self.key_edit)
        self.address_label.setBuddy(self.address_edit)
        self.key_test_button = QPushButton()
        self.key_test_button.setObjectName("welcomeKeyTestButton")
        self.key_test_button.clicked.connect(self.testKeyRequested)
        self.key_save_button = QPushButton()
        self.key_save_button.setObjectName("welcomeKeySaveButton")
        self.key_save_button.setDefault(True)
        self.key_save_button.clicked.connect(self.saveKeyRequested)
        self.session_key_button = QPushButton()
        self.session_key_button.setObjectName("welcomeSessionKeyButton")
        self.session_key_button.clicked.connect(self.sessionKeyRequested)
        self.session_key_button.hide()
        self.key_result = plain_label("welcomeKeyResult")
        buttons = QHBoxLayout()
        buttons.addWidget(self.key_test_button)
        buttons.addWidget(self.key_save_button)
        buttons.addWidget(self.session_key_button)
        buttons.addStretch(1)
        for button in (self.key_test_button, self.key_save_button, self.session_key_button):
            button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        layout.addWidget(self.service_intro)
        layout.addLayout(self.form)
        layout.addWidget(self.key_link)
        layout.addLayout(buttons)
        layout.addWidget(self.key_result)  # below the buttons: an error can take several lines
        return card

    def _build_ollama_card(self) -> QFrame:
        card, layout, self.ollama_heading = self._card("welcomeOllamaCard")
        self.ollama_status = QLabel()
        self.ollama_status.setObjectName("welcomeOllamaStatus")
        self.ollama_status.setWordWrap(True)
        self.ollama_status.setTextFormat(Qt.TextFormat.RichText)
        self.ollama_status.setOpenExternalLinks(True)
        self.ollama_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.ollama_test_button = QPushButton()
        self.ollama_test_button.setObjectName("welcomeOllamaTestButton")
        self.ollama_test_button.clicked.connect(self.testOllamaRequested)
        self.ollama_pull_button = QPushButton()
        self.ollama_pull_button.setObjectName("welcomeOllamaPullButton")
        self.ollama_pull_button.clicked.connect(self.pullOllamaRequested)
        self.ollama_use_button = QPushButton()
        self.ollama_use_button.setObjectName("welcomeOllamaUseButton")
        self.ollama_use_button.clicked.connect(self.useOllamaRequested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.ollama_test_button)
        buttons.addWidget(self.ollama_pull_button)
        buttons.addWidget(self.ollama_use_button)
        buttons.addStretch(1)
        layout.addWidget(self.ollama_status)
        layout.addLayout(buttons)
        return card

    def _build_builtin_card(self) -> QFrame:
        card, layout, self.builtin_heading = self._card("welcomeBuiltinCard")
        self.builtin_status = plain_label("welcomeBuiltinStatus")
        self.builtin_command = QLineEdit()  # read-only, so the command can be selected and copied whole
        self.builtin_command.setObjectName("welcomeBuiltinCommand")
        self.builtin_command.setReadOnly(True)
        self.builtin_button = QPushButton()
        self.builtin_button.setObjectName("welcomeBuiltinButton")
        self.builtin_button.clicked.connect(self.builtinRequested)
        self.builtin_test_button = QPushButton()
        self.builtin_test_button.setObjectName("welcomeBuiltinTestButton")
        self.builtin_test_button.clicked.connect(self.testBuiltinRequested)
        self.builtin_progress = QProgressBar()
        self.builtin_progress.setObjectName("welcomeBuiltinProgress")
        self.builtin_cancel_button = QPushButton()
        self.builtin_cancel_button.setObjectName("welcomeBuiltinCancelButton")
        self.builtin_cancel_button.clicked.connect(self.cancelDownloadRequested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.builtin_test_button)
        buttons.addWidget(self.builtin_button)
        buttons.addWidget(self.builtin_progress, 1)
        buttons.addWidget(self.builtin_cancel_button)
        buttons.addStretch(0)
        layout.addWidget(self.builtin_status)
        layout.addWidget(self.builtin_command)
        layout.addLayout(buttons)
        return card

    def _style_cards(self) -> None:
        """Rounded cards in the theme's colours, written out from the current palette (a style
        sheet's palette() would keep the colours of the moment it was set): changeEvent calls this
        again when the theme changes. Only the cards get a sheet, so the page keeps following
        the application's palette."""
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        # Mid is close to the dark theme's background: a lighter base reads as an edge there.
        border = (base.lighter(170) if theme.is_dark(palette) else palette.color(QPalette.ColorRole.Mid)).name()
        background = base.name()
        for card in self._cards:
            card.setStyleSheet(
                f"QFrame#{card.objectName()} {{ border: 1px solid {border}; border-radius: 10px;"
                f" background: {background}; }}")

    # -- state ---------------------------------------------------------------------------------

    def current_service(self) -> str:
        return str(self.service_combo.currentData())

    def select_service(self, service_id: str) -> None:
        index = self.service_combo.findData(service_id)
        if index >= 0:
            self.service_combo.setCurrentIndex(index)

    def key(self) -> str:
        return self.key_edit.text().strip()

    def address(self) -> str:
        return self.address_edit.text().strip()

    def set_service_state(self, phase: str, *, models: int = 0, message: str = "",
                          no_keyring: bool = False) -> None:
        self.service = ServiceState(phase, models, message, no_keyring)
        self.retranslate()

    def set_ollama_state(self, state: OllamaState) -> None:
        self.ollama = state
        self.retranslate()

    def set_builtin_state(self, state: BuiltinState) -> None:
        self.builtin = state
        self.retranslate()

    def _service_changed(self) -> None:
        preset = find_preset(self.current_service())
        self.address_edit.setText(preset.base_url if preset else "")
        self.key_edit.clear()
        self.service = ServiceState()
        self.retranslate()

    def _enter_pressed(self) -> None:
        """Enter in the key field tests it (when there is something to test)."""
        if self.key_test_button.isEnabled():
            self.testKeyRequested.emit()

    def _key_edited(self) -> None:
        if self.service.phase in ("ok", "error"):
            self.service = ServiceState()  # the last result was for what was typed before
        self.retranslate()

    # -- texts ---------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._style_cards()
            self.retranslate()  # the result lines' colours follow the theme
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Welcome to Desktop Chat"))
        self.subtitle.setText(self.tr("Choose one way to start chatting. You can add the others later in Settings."))
        self._retranslate_service()
        self._retranslate_ollama()
        self._retranslate_builtin()

    def _link(self, url: str, text: str) -> str:
        """A link in the theme's link colour (rich-text labels otherwise keep a dark blue)."""
        colour = self.palette().color(QPalette.ColorRole.Link).name()
        return f'<a href="{escape(url)}" style="color: {colour};">{escape(text)}</a>'

    def _retranslate_service(self) -> None:
        self.service_heading.setText(self.tr("Use an online service"))
        self.service_intro.setText(self.tr(
            "Paste an API key from Anthropic, OpenAI or another service. The key is stored in the system "
            "keyring and sent only to that service."))
        self.service_label.setText(self.tr("Service:"))
        self.key_label.setText(self.tr("API key:"))
        self.address_label.setText(self.tr("Address:"))
        self.service_combo.setAccessibleName(self.tr("Online service"))
        self.key_edit.setAccessibleName(self.tr("API key"))
        self.address_edit.setAccessibleName(self.tr("Service address"))
        self.key_result.setAccessibleName(self.tr("Test result"))
        service_id = self.current_service()
        preset = find_preset(service_id)
        needs_key = preset is None or preset.needs_key
        for widget in (self.address_label, self.address_edit):
            widget.setVisible(preset is not None)
        for widget in (self.key_label, self.key_edit):
            widget.setVisible(needs_key)
        self.key_edit.setPlaceholderText(self.tr("Paste your API key"))
        key_url = KEY_URLS.get(service_id) or (preset.key_url if preset else "")
        if preset is not None and preset.local:
            self.key_link.setText(escape(self.tr(
                "{name} runs on this computer and needs no key: start its server, then press Test.").format(
                name=preset.name)))
        elif key_url:
            link = self._link(key_url, self.tr("Get a key"))
            self.key_link.setText(escape(self.tr("No key yet? {link} (opens in your browser).")).replace("{link}", link))
        self.key_test_button.setText(self.tr("Test"))
        self.key_test_button.setAccessibleName(self.tr("Test the key"))
        self.key_save_button.setText(self.tr("Save and start chatting"))
        self.key_save_button.setAccessibleName(self.tr("Save the key and start chatting"))
        self.key_link.setAccessibleName(self.tr("Where to get a key"))
        ready = bool(self.key()) or not needs_key
        busy = self.service.phase in ("testing", "saving")
        self.key_test_button.setEnabled(ready and not busy)
        self.key_save_button.setEnabled(ready and not busy)
        self.session_key_button.setText(self.tr("Use this key until Desktop Chat quits"))
        self.session_key_button.setAccessibleName(
            self.tr("Use the key until Desktop Chat quits, held in memory only, never written"))
        self.session_key_button.setVisible(self.service.phase == "error" and self.service.no_keyring)
        self.session_key_button.setEnabled(ready and not busy)
        phase = self.service.phase
        if phase == "testing":
            text, tone = self.tr("Testing…"), "muted"
        elif phase == "saving":
            text, tone = self.tr("Saving…"), "muted"
        elif phase == "ok":
            text = (self.tr("It works: {count} models available.").format(count=self.service.models)
                    if self.service.models != 1 else self.tr("It works: 1 model available."))
            tone = "ok"
        elif phase == "error":
            text, tone = self.service.message, "error"
        else:
            text, tone = "", ""
        self.key_result.setText(text)
        self.key_result.setVisible(bool(text))
        set_tone(self.key_result, tone)

    def _retranslate_ollama(self) -> None:
        self.ollama_heading.setText(self.tr("Use Ollama on this computer (free, offline)"))
        state = self.ollama
        download = self._link(OLLAMA_DOWNLOAD_URL, OLLAMA_DOWNLOAD_URL)
        if state.phase == "checking":
            text = escape(self.tr("Looking for Ollama on this computer…"))
        elif state.phase == "running":
            text = escape(self.tr("Ollama {version} is running with {count} models. Ready to use.").format(
                version=state.version, count=state.models) if state.models != 1 else
                self.tr("Ollama {version} is running with 1 model. Ready to use.").format(version=state.version))
        elif state.phase == "no_models":
            text = escape(self.tr(
                "Ollama {version} is running but has no models yet. Get one with “Get a model…” below, "
                "or run: ollama pull llama3.2").format(version=state.version))
        elif state.phase == "not_running":
            text = escape(self.tr(
                "Ollama is not running at {host}. If it is installed, start it (open the Ollama app, or run: "
                "ollama serve) and press Test. Not installed? Download it from {link}.").format(
                host=state.host, link="{link}")).replace("{link}", download)
        else:
            text = escape(state.message)
        self.ollama_status.setText(text)
        self.ollama_test_button.setText(self.tr("Test"))
        self.ollama_test_button.setAccessibleName(self.tr("Check Ollama again"))
        self.ollama_test_button.setEnabled(state.phase != "checking")
        self.ollama_status.setAccessibleName(self.tr("Ollama status"))
        self.ollama_pull_button.setText(self.tr("Get a model…"))
        self.ollama_pull_button.setAccessibleName(self.tr("Get an Ollama model"))
        self.ollama_pull_button.setVisible(state.phase == "no_models")
        self.ollama_use_button.setText(self.tr("Use Ollama"))
        self.ollama_use_button.setAccessibleName(self.tr("Use Ollama"))
        self.ollama_use_button.setVisible(state.phase == "running")

    def _retranslate_builtin(self) -> None:
        self.builtin_heading.setText(self.tr("Use the built-in model (offline, no account)"))
        state = self.builtin
        size = f"{state.size / 1_000_000:.0f}"
        phase = state.phase
        if phase == "checking":
            text = self.tr("Checking the built-in model…")
        elif phase == "missing":
            text = self.tr(
                "The built-in engine is not installed. Install it with this one command, then start Desktop "
                "Chat again:")
        elif phase == "ready":
            text = self.tr("{model} is installed and runs on this computer. Small and quick, best for short, "
                           "simple questions.").format(model=state.model)
        elif phase == "download":
            text = self.tr("A small model ({size} MB) that runs on this computer without an account or "
                           "internet. Best for short, simple questions.").format(size=size)
        elif phase == "downloading":
            text = (self.tr("Downloading… {done} of {total} MB").format(
                done=f"{state.done / 1_000_000:.0f}", total=f"{state.total / 1_000_000:.0f}")
                if state.total else self.tr("Downloading…"))
        elif phase == "failed":
            text = self.tr("The download failed: {reason}").format(reason=state.message)
        elif phase == "tested":
            text = self.tr("{model} is installed and answers. Ready to use.").format(model=state.model)
        elif phase == "broken":
            text = self.tr("The built-in model cannot be used: {reason}").format(reason=state.message)
        else:
            text = state.message
        self.builtin_status.setText(text)
        set_tone(self.builtin_status, "error" if phase in ("failed", "broken") else "ok" if phase == "tested" else "")
        if phase == "missing":
            from desktop_chat.providers.engine_install import engine_install_command  # (small: no engine loaded)

            self.builtin_command.setText(engine_install_command())
        self.builtin_command.setVisible(phase == "missing")
        self.builtin_command.setAccessibleName(self.tr("Install command"))
        installed = phase in ("ready", "tested")
        self.builtin_button.setText(self.tr("Use the built-in model") if installed else
                                    self.tr("Download ({size} MB)").format(size=size))
        self.builtin_button.setVisible(phase in ("ready", "tested", "download", "failed")
                                       or (phase == "broken" and state.size > 0))  # a download can mend it
        self.builtin_button.setAccessibleName(self.builtin_button.text())
        self.builtin_test_button.setText(self.tr("Test"))
        self.builtin_test_button.setAccessibleName(self.tr("Test the built-in model"))
        self.builtin_test_button.setVisible(installed)
        downloading = phase == "downloading"
        self.builtin_progress.setVisible(downloading)
        self.builtin_cancel_button.setVisible(downloading)
        self.builtin_cancel_button.setText(self.tr("Cancel"))
        self.builtin_cancel_button.setAccessibleName(self.tr("Cancel the download"))
        self.builtin_status.setAccessibleName(self.tr("Built-in model status"))
        self.builtin_progress.setAccessibleName(self.tr("Download of the built-in model"))
        if downloading:
            if state.total:
                self.builtin_progress.setRange(0, 1000)
                self.builtin_progress.setValue(int(state.done * 1000 / state.total))
            else:
                self.builtin_progress.setRange(0, 0)  # busy: the size is not known yet
