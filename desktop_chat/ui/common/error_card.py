"""An error card's words and its fix: the sentence as safe rich text, and the action's button.

The engine decides what fixes an error (domain/errors.py: ErrorAction, stored with the answer);
this module only says how each action looks and reads. The window does what it means
(error_fixes.py): open Settings at the provider, open the model picker, retry.

Error text comes partly from elsewhere (a provider's own words), so it is escaped first; then
only two things become markup: `code` spans (commands such as `ollama serve`) and http(s)
addresses, which become links the window opens in the browser when clicked.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QWidget

from desktop_chat.domain.errors import ErrorAction
from desktop_chat.ui.common.html_text import escape_html

__all__ = ["OLLAMA_DOWNLOAD_URL", "OLLAMA_START_COMMAND", "action_button_text", "action_hint", "error_html",
           "error_label", "has_button", "plain"]

OLLAMA_START_COMMAND = "ollama serve"
OLLAMA_DOWNLOAD_URL = "https://ollama.com/download"

_CODE = re.compile(r"`([^`\n]+)`")
# An address ends before whitespace, quotes, brackets and the punctuation that ends a sentence.
_URL = re.compile(r"https?://[^\s<>\"'“”‘’()\[\]`]+[^\s<>\"'“”‘’()\[\]`.,;:!?。，；：！？]")


def error_html(text: str) -> str:
    """*text* as rich text: escaped, with `code` as code and http(s) addresses as links."""
    out: list[str] = []
    position = 0
    for match in _CODE.finditer(text):
        out.append(_linked(text[position:match.start()]))
        out.append(f"<code>{escape_html(match.group(1), quote=False)}</code>")
        position = match.end()
    out.append(_linked(text[position:]))
    return "".join(out).replace("\n", "<br>")


def _linked(text: str) -> str:
    out: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        out.append(escape_html(text[position:match.start()], quote=False))
        url = match.group(0)
        out.append(f'<a href="{escape_html(url, quote=True)}">{escape_html(url, quote=False)}</a>')
        position = match.end()
    out.append(escape_html(text[position:], quote=False))
    return "".join(out)


def error_label(name: str, parent: QWidget | None = None) -> QLabel:
    """A wrapped rich-text label whose links are reported (linkActivated), never opened by Qt."""
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setOpenExternalLinks(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                  | Qt.TextInteractionFlag.LinksAccessibleByMouse
                                  | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
    return label


def has_button(action: ErrorAction) -> bool:
    """Whether the action has a button of its own (Retry is always on the card)."""
    return action in (ErrorAction.OPEN_SETTINGS, ErrorAction.CHOOSE_MODEL, ErrorAction.START_OLLAMA)


def action_button_text(action: ErrorAction, provider: str) -> tuple[str, str]:
    """(button text, tooltip) for the action; *provider* names the provider when known."""
    translate = QCoreApplication.translate
    if action is ErrorAction.OPEN_SETTINGS:
        if provider:
            return (translate("ErrorCard", "Open {provider} settings").format(provider=provider),
                    translate("ErrorCard", "Opens Settings at {provider}: add or change the key or the "
                                           "address there, then retry.").format(provider=provider))
        return (translate("ErrorCard", "Open Settings"),
                translate("ErrorCard", "Opens Settings: add or change the key or the address there, then retry."))
    if action is ErrorAction.CHOOSE_MODEL:
        return (translate("ErrorCard", "Choose another model"),
                translate("ErrorCard", "Opens the list of models in the top bar."))
    if action is ErrorAction.START_OLLAMA:
        return (translate("ErrorCard", "Copy “{command}”").format(command=OLLAMA_START_COMMAND),
                translate("ErrorCard", "Copies the command that starts Ollama: run it in a terminal, then retry."))
    return "", ""


def action_hint(action: ErrorAction, *, refused: bool = False) -> str:
    """A line under the error (rich text) with what the button does not cover, or "".
    *refused*: the message was not sent at all (it is back in the composer), so there is
    nothing to retry: the user sends it again."""
    if action is ErrorAction.START_OLLAMA:
        if refused:
            return QCoreApplication.translate(
                "ErrorCard", "Once Ollama runs (the command in a terminal, or the Ollama app), send your message "
                             "again. Not installed yet? <a href=\"{url}\">Download Ollama</a>."
            ).format(url=OLLAMA_DOWNLOAD_URL)
        return QCoreApplication.translate(
            "ErrorCard", "Once Ollama runs (the command in a terminal, or the Ollama app), press Retry. "
                         "Not installed yet? <a href=\"{url}\">Download Ollama</a>."
        ).format(url=OLLAMA_DOWNLOAD_URL)
    return ""


def plain(text: str) -> str:
    """*text* for a plain-text place (the status bar): `code` spans without their backticks."""
    return _CODE.sub(lambda match: match.group(1), text)
