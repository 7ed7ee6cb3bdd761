"""The model manager's options for one Ollama model: context length (num_ctx), temperature and
how long Ollama keeps it in memory (keep_alive), as a form; saving them is the dialog's (it knows
the model and the settings). A keep_alive set by hand in the settings file that is none of the
choices is shown as it is and kept.

Its words were the dialog's (ollama_models.py) and keep that translation context.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from desktop_chat.chat.ollama_admin import ModelOptions
from desktop_chat.ui.common.labels import plain_label, set_tone

__all__ = ["ModelOptionsBox"]


class ModelOptionsBox(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ollamaOptionsGroup")
        self.num_ctx = QSpinBox(self)
        self.num_ctx.setObjectName("ollamaNumCtx")
        self.num_ctx.setRange(0, 1_048_576)
        self.num_ctx.setSingleStep(1024)
        self.num_ctx.setGroupSeparatorShown(True)
        self.temperature = QDoubleSpinBox(self)
        self.temperature.setObjectName("ollamaTemperature")
        self.temperature.setRange(-0.1, 2.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setDecimals(2)
        self.keep_alive = QComboBox(self)
        self.keep_alive.setObjectName("ollamaKeepAlive")
        self.options_hint = plain_label("ollamaOptionsHint", self)
        set_tone(self.options_hint, "muted")
        self.save_options_button = QPushButton(self)
        self.save_options_button.setObjectName("ollamaSaveOptions")
        self.options_status = plain_label("ollamaOptionsStatus", self)
        self.options_form = QFormLayout(self)
        self.options_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._option_captions = [QLabel(self) for _ in range(3)]
        for caption, editor in zip(self._option_captions, (self.num_ctx, self.temperature, self.keep_alive)):
            caption.setBuddy(editor)
            self.options_form.addRow(caption, editor)
        save_row = QHBoxLayout()
        save_row.addWidget(self.options_status, 1)
        save_row.addWidget(self.save_options_button)
        self.options_form.addRow(self.options_hint)
        self.options_form.addRow(save_row)

    def show_options(self, options: ModelOptions) -> None:
        self.num_ctx.setValue(options.num_ctx or 0)
        self.temperature.setValue(-0.1 if options.temperature is None else options.temperature)
        self._fill_keep_alive(options.keep_alive)

    def form_options(self) -> ModelOptions:
        temperature = self.temperature.value()
        return ModelOptions(
            num_ctx=self.num_ctx.value() or None,
            temperature=None if temperature < 0 else round(temperature, 2),
            keep_alive=self.keep_alive.currentData(),
        )

    def _keep_alive_choices(self) -> tuple[tuple[str | int | None, str], ...]:
        return (
            (None, QCoreApplication.translate("ModelManagerDialog", "Ollama's default (5 minutes)")),
            ("30m", QCoreApplication.translate("ModelManagerDialog", "30 minutes")),
            ("1h", QCoreApplication.translate("ModelManagerDialog", "1 hour")),
            ("4h", QCoreApplication.translate("ModelManagerDialog", "4 hours")),
            ("24h", QCoreApplication.translate("ModelManagerDialog", "24 hours")),
            (-1, QCoreApplication.translate("ModelManagerDialog", "Always (until unloaded)")),
            (0, QCoreApplication.translate("ModelManagerDialog", "Unload after each answer")),
        )

    def _fill_keep_alive(self, current: str | int | None) -> None:
        choices = self._keep_alive_choices()
        self.keep_alive.clear()
        for value, text in choices:
            self.keep_alive.addItem(text, value)
        index = next((i for i, (value, _) in enumerate(choices) if value == current), -1)
        if index < 0:  # set by hand in the settings file: keep it, shown as it is
            self.keep_alive.addItem(str(current), current)
            index = self.keep_alive.count() - 1
        self.keep_alive.setCurrentIndex(index)

    def retranslate(self) -> None:
        self.setTitle(QCoreApplication.translate("ModelManagerDialog", "Options for this model"))
        for caption, text in zip(self._option_captions, (
                QCoreApplication.translate("ModelManagerDialog", "Conte&xt length (num_ctx):"),
                QCoreApplication.translate("ModelManagerDialog", "&Temperature:"),
                QCoreApplication.translate("ModelManagerDialog", "&Keep in memory:"))):
            caption.setText(text)
        self.num_ctx.setSpecialValueText(QCoreApplication.translate("ModelManagerDialog", "Ollama's default"))
        self.num_ctx.setSuffix(QCoreApplication.translate("ModelManagerDialog", " tokens"))
        self.num_ctx.setAccessibleName(QCoreApplication.translate("ModelManagerDialog", "Context length in tokens"))
        self.temperature.setSpecialValueText(QCoreApplication.translate("ModelManagerDialog", "App default"))
        self.temperature.setAccessibleName(QCoreApplication.translate("ModelManagerDialog", "Temperature"))
        self.keep_alive.setAccessibleName(QCoreApplication.translate(
            "ModelManagerDialog", "How long Ollama keeps the model in memory"))
        current = self.keep_alive.currentData()
        self._fill_keep_alive(current)
        self.options_hint.setText(QCoreApplication.translate(
            "ModelManagerDialog", "Sent with every message to this model. A larger context lets the "
                                  "model read more, and needs more memory."))
        self.save_options_button.setText(QCoreApplication.translate("ModelManagerDialog", "Save options"))
        self.save_options_button.setAccessibleName(QCoreApplication.translate(
            "ModelManagerDialog", "Save the options for this model"))
