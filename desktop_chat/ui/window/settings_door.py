"""The way into Settings and back: one dialog at a time (opened at a provider's page when an error
card asks), and what the window does once it saved — theme, language, keys, endpoints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog

    from desktop_chat.ui.window.main_window import MainWindow

__all__ = ["SettingsDoor"]


class SettingsDoor(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._w = window
        self.dialog: QDialog | None = None  # the open Settings dialog, if any

    def open(self, endpoint_id: str | None = None) -> None:
        """Settings; at *endpoint_id*'s page when given (an error card's "Open Settings")."""
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            if endpoint_id:
                self.dialog.show_endpoint(endpoint_id)  # type: ignore[attr-defined]
            return
        from desktop_chat.ui.settings.settings_dialog import SettingsDialog

        w = self._w
        dialog = SettingsDialog(w.settings, w.runner, w.engine.list_models, w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.settingsChanged.connect(self.apply)
        dialog.destroyed.connect(lambda *_: setattr(self, "dialog", None))
        from desktop_chat.ui.settings.local_server_page import LocalServerPage

        dialog.add_page(LocalServerPage(w.server_host()),
                        lambda: QCoreApplication.translate("LocalServerPage", "Local server"))
        from desktop_chat.ui.knowledge.settings_page import KnowledgeSettingsPage

        dialog.add_page(KnowledgeSettingsPage(w.runner),
                        lambda: QCoreApplication.translate("KnowledgeSettingsPage", "Knowledge bases"))
        self.dialog = dialog
        dialog.open()
        if endpoint_id:
            dialog.show_endpoint(endpoint_id)

    def apply(self) -> None:
        """After the Settings dialog saved: new keys/URLs, theme, language, endpoints."""
        from desktop_chat.ui.common import theme
        from desktop_chat.ui.runtime import i18n

        w = self._w
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply_theme(app, w.settings.theme)
            i18n.install_translator(app, w.settings.language)
        engine = w.built_engine
        if engine is not None:  # (else it is built with these settings when first needed)
            from desktop_chat.chat.retry import RetryPolicy

            engine.policy = RetryPolicy(max_attempts=w.settings.max_attempts)
            engine.pool.forget_keys()  # keys may have been saved or deleted: read them again
            if w.built_turns is not None and w.built_turns.streaming_ids():
                w.reset_pool_pending = True  # closing a provider would cut the answers off
            else:
                w.runner.start(engine.pool.reset(), name="reset-providers")
        w.choice.fill_endpoints()
        current = w.current_conversation_id
        if current is not None:
            conversation = w.conversations.get(current)
            w.choice.show(conversation.provider if conversation else None,
                          conversation.model if conversation else None)
        else:
            w.choice.show_new()
        w.runner.start(w.check_setup(), name="check-setup")
        w.ollama.check()  # the host may have changed
        w.readiness.check()  # keys may have been added or removed
        w.settingsApplied.emit()
