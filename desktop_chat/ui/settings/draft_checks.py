"""Checking what Settings will save: one endpoint draft's name, address and key, put into the new
settings (or the problem recorded on the draft for its field to show); and the one question a save
may have to ask — a saved key whose endpoint now points to another host.

Their sentences keep the SettingsDialog translation context: they are the dialog's words."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from desktop_chat.config import Settings, normalize_ollama_host, validate_base_url
from desktop_chat.ui.common.error_text import localized_error
from desktop_chat.ui.settings.endpoint_draft import EndpointDraft

__all__ = ["URL_FIELDS", "apply_draft", "ask_key_host"]

# The setting that holds each built-in endpoint's address ("" / None: the environment, then the default).
URL_FIELDS = {"anthropic": "anthropic_base_url", "openai": "openai_base_url", "ollama": "ollama_host"}


def apply_draft(new: Settings, draft: EndpointDraft) -> str | None:
    """Put one draft's name and URL into `new`; its id, or None with the problem recorded."""
    draft.name_error = draft.url_error = draft.key_error = ""
    url = draft.url.strip()
    key = draft.new_key.strip()
    if key and any(ch.isspace() for ch in key):
        draft.key_error = QCoreApplication.translate(
            "SettingsDialog", "The key contains spaces or line breaks; paste only the key itself.")
    try:
        if draft.kind in URL_FIELDS and draft.caps.host_address:  # kept as typed, like OLLAMA_HOST
            if url:
                validate_base_url(normalize_ollama_host(url))
            setattr(new, URL_FIELDS[draft.kind], url or None)
        elif draft.kind in URL_FIELDS:
            setattr(new, URL_FIELDS[draft.kind], validate_base_url(url) if url else None)
        elif not url:
            draft.url_error = QCoreApplication.translate(
                "SettingsDialog", "Enter the service's base URL, e.g. https://api.deepseek.com/v1.")
        else:
            url = validate_base_url(url)
    except ValueError as exc:
        draft.url_error = localized_error(exc)
    if draft.kind != "custom":
        return None if (draft.url_error or draft.key_error) else draft.endpoint_id
    name = draft.name.strip()
    if not name:
        draft.name_error = QCoreApplication.translate("SettingsDialog", "Give the service a name.")
    if draft.url_error or draft.name_error or draft.key_error:
        return None
    if draft.endpoint_id is None:
        try:
            return new.add_custom_endpoint(name, url).id
        except ValueError as exc:
            draft.name_error = localized_error(exc)
            return None
    for custom in new.custom_endpoints:
        if custom.id == draft.endpoint_id:
            custom.name, custom.base_url = name, url
    return draft.endpoint_id


def ask_key_host(parent: QWidget, provider: str, old_host: str, new_host: str) -> bool | None:
    """True: send the saved key to the new host; False: forget it; None: do not save."""
    box = QMessageBox(parent)
    box.setObjectName("keyHostQuestion")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(QCoreApplication.translate("SettingsDialog", "Send the saved key to a new host?"))
    box.setText(QCoreApplication.translate(
        "SettingsDialog", "The {provider} key was saved for {old}. {provider} now points to {new}.").format(
        provider=provider, old=old_host, new=new_host))
    box.setInformativeText(QCoreApplication.translate("SettingsDialog", 
        "Send the saved key to {new} from now on, or forget it (you can paste a key for the new host later)?"
    ).format(new=new_host))
    send = box.addButton(QCoreApplication.translate("SettingsDialog", "Send key to {host}").format(host=new_host),
                         QMessageBox.ButtonRole.AcceptRole)
    send.setObjectName("sendKeyButton")
    forget = box.addButton(QCoreApplication.translate("SettingsDialog", "Forget the key"),
                           QMessageBox.ButtonRole.DestructiveRole)
    forget.setObjectName("forgetKeyButton")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    cancel.setObjectName("cancelSaveButton")
    box.setDefaultButton(cancel)  # a key goes to a new host only when the user says so
    box.setEscapeButton(cancel)
    box.exec()
    clicked: QAbstractButton | None = box.clickedButton()
    box.deleteLater()
    if clicked is send:
        return True
    if clicked is forget:
        return False
    return None
