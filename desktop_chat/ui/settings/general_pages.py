"""The Settings pages that are plain forms: Defaults for new conversations (with Advanced: message
text in the log) and Appearance (theme, language). Each loads from the settings, writes its own
fields into the copy Save commits, and retranslates itself.

The default provider and model combos sit on the Defaults page, but the dialog fills them: their
choices are the endpoint drafts it edits (an added service is a choice before it is saved)."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.config import Settings
from desktop_chat.ui.common import theme
from desktop_chat.ui.common.labels import set_tone

__all__ = ["AppearancePage", "DefaultsPage", "LANGUAGE_NAMES"]

LANGUAGE_NAMES = {"en": "English", "zh_CN": "简体中文"}  # each in its own language


class DefaultsPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("defaultsPage")
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.provider_combo = QComboBox()
        self.provider_combo.setObjectName("defaultProviderCombo")
        self.model_combo = QComboBox()
        self.model_combo.setObjectName("defaultModelCombo")
        self.model_combo.setEditable(True)
        self.model_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.temperature_default = QCheckBox()
        self.temperature_default.setObjectName("useProviderTemperatureCheck")
        self.temperature_spin = QDoubleSpinBox()
        self.temperature_spin.setObjectName("temperatureSpin")
        self.temperature_spin.setRange(0.0, 2.0)
        self.temperature_spin.setSingleStep(0.1)
        self.temperature_spin.setDecimals(2)
        self.temperature_default.toggled.connect(lambda on: self.temperature_spin.setEnabled(not on))
        temperature_row = QHBoxLayout()
        temperature_row.addWidget(self.temperature_default)
        temperature_row.addWidget(self.temperature_spin)
        temperature_row.addStretch(1)
        self.max_tokens_spin = QSpinBox()
        self.max_tokens_spin.setObjectName("maxTokensSpin")
        self.max_tokens_spin.setRange(1, 1_000_000)
        self.max_tokens_spin.setSingleStep(256)
        self.max_tokens_spin.setGroupSeparatorShown(True)
        self.system_prompt_edit = QPlainTextEdit()
        self.system_prompt_edit.setObjectName("systemPromptEdit")
        self.system_prompt_edit.setTabChangesFocus(True)
        self.labels = [QLabel() for _ in range(5)]
        for label, field_widget in zip(self.labels, (self.provider_combo, self.model_combo,
                                                    self.temperature_default, self.max_tokens_spin,
                                                    self.system_prompt_edit)):
            label.setBuddy(field_widget)
        form.addRow(self.labels[0], self.provider_combo)
        form.addRow(self.labels[1], self.model_combo)
        form.addRow(self.labels[2], temperature_row)
        form.addRow(self.labels[3], self.max_tokens_spin)
        form.addRow(self.labels[4], self.system_prompt_edit)
        self.note = QLabel()
        self.note.setWordWrap(True)
        form.addRow(self.note)
        form.addRow(self._build_advanced())
        chain = [self.provider_combo, self.model_combo, self.temperature_default, self.temperature_spin,
                 self.max_tokens_spin, self.system_prompt_edit]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)
        self.retranslate()

    def _build_advanced(self) -> QGroupBox:
        """Debugging: message text in the log, off by default, with a warning that stays in view."""
        self.advanced_box = QGroupBox()
        self.advanced_box.setObjectName("advancedGroup")
        self.debug_log_check = QCheckBox()
        self.debug_log_check.setObjectName("debugLogContentCheck")
        self.debug_log_warning = QLabel()
        self.debug_log_warning.setObjectName("debugLogContentWarning")
        self.debug_log_warning.setWordWrap(True)
        self.debug_log_check.toggled.connect(
            lambda on: set_tone(self.debug_log_warning, "error" if on else ""))
        column = QVBoxLayout(self.advanced_box)
        column.addWidget(self.debug_log_check)
        column.addWidget(self.debug_log_warning)
        return self.advanced_box

    def load(self, s: Settings) -> None:
        self.temperature_default.setChecked(s.temperature is None)
        self.temperature_spin.setValue(s.temperature if s.temperature is not None else 1.0)
        self.temperature_spin.setEnabled(s.temperature is not None)
        self.max_tokens_spin.setValue(max(1, int(s.max_tokens)))
        self.system_prompt_edit.setPlainText(s.system_prompt)
        self.debug_log_check.setChecked(bool(s.debug_log_content))
        set_tone(self.debug_log_warning, "error" if s.debug_log_content else "")

    def write(self, new: Settings) -> None:
        """Temperature, max tokens, system prompt, log content (the combos: the dialog's drafts)."""
        new.temperature = None if self.temperature_default.isChecked() else round(self.temperature_spin.value(), 2)
        new.max_tokens = self.max_tokens_spin.value()
        new.system_prompt = self.system_prompt_edit.toPlainText()
        new.debug_log_content = self.debug_log_check.isChecked()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        for label, text in zip(self.labels, (self.tr("Provider:"), self.tr("Model:"), self.tr("Temperature:"),
                                             self.tr("Max tokens:"), self.tr("System prompt:"))):
            label.setText(text)
        self.provider_combo.setAccessibleName(self.tr("Default provider"))
        self.model_combo.setAccessibleName(self.tr("Default model"))
        model_field = self.model_combo.lineEdit()
        if model_field is not None:  # the combo is editable: it has one
            model_field.setPlaceholderText(self.tr("The provider's first model"))
        self.temperature_default.setText(self.tr("Use the provider's default"))
        self.temperature_default.setAccessibleName(self.tr("Use the provider's default temperature"))
        self.temperature_spin.setAccessibleName(self.tr("Temperature"))
        self.max_tokens_spin.setAccessibleName(self.tr("Maximum tokens per answer"))
        self.system_prompt_edit.setAccessibleName(self.tr("System prompt"))
        self.system_prompt_edit.setPlaceholderText(self.tr("Instructions sent with every new conversation (optional)"))
        self.note.setText(self.tr("These apply to new conversations."))
        self.advanced_box.setTitle(self.tr("Advanced"))
        self.debug_log_check.setText(self.tr("Write the text of messages to the log (for debugging)"))
        self.debug_log_check.setAccessibleName(self.tr("Write the text of messages to the log"))
        self.debug_log_warning.setText(self.tr(
            "Off, the log records only which provider and model answered, how it ended and how long it "
            "took. On, it also holds everything you and the models write, in plain text, in the data "
            "folder's logs. Keys are never written. Turn it off when you are done."))


class AppearancePage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("appearancePage")
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.theme_combo = QComboBox()
        self.theme_combo.setObjectName("themeCombo")
        for value in theme.THEMES:
            self.theme_combo.addItem("", value)
        self.language_combo = QComboBox()
        self.language_combo.setObjectName("languageCombo")
        self.language_combo.addItem("", "system")
        for value, name in LANGUAGE_NAMES.items():
            self.language_combo.addItem(name, value)
        self.theme_label, self.language_label = QLabel(), QLabel()
        self.theme_label.setBuddy(self.theme_combo)
        self.language_label.setBuddy(self.language_combo)
        form.addRow(self.theme_label, self.theme_combo)
        form.addRow(self.language_label, self.language_combo)
        self.note = QLabel()
        self.note.setWordWrap(True)
        form.addRow(self.note)
        QWidget.setTabOrder(self.theme_combo, self.language_combo)
        self.retranslate()

    def load(self, s: Settings) -> None:
        _select_data(self.theme_combo, s.theme if s.theme in theme.THEMES else "system")
        _select_data(self.language_combo, s.language if s.language in ("system", *LANGUAGE_NAMES) else "system")

    def write(self, new: Settings) -> None:
        new.theme = self.theme_combo.currentData()
        new.language = self.language_combo.currentData()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.theme_label.setText(self.tr("Theme:"))
        self.language_label.setText(self.tr("Language:"))
        for index, text in enumerate((self.tr("System"), self.tr("Light"), self.tr("Dark"))):
            self.theme_combo.setItemText(index, text)
        self.language_combo.setItemText(0, self.tr("System"))
        self.theme_combo.setAccessibleName(self.tr("Theme"))
        self.language_combo.setAccessibleName(self.tr("Language"))
        self.note.setText(self.tr("Theme and language change as soon as you save."))


def _select_data(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(0, index))
