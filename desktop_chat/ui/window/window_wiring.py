"""How the window's parts talk to one another: the model choice and Ollama, the composer and the
attachments, the message pane and the collaborators that act on its requests.

Why apart from MainWindow: these connections are between parts, not the window's own state; the
window connects only what reaches its own methods (which conversation is on screen) and then calls
connect_parts. The order of connections to one signal is the order their slots run: the window's
come first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_chat.config import OLLAMA_ENDPOINT

if TYPE_CHECKING:
    from desktop_chat.ui.window.main_window import MainWindow

__all__ = ["connect_parts"]


def connect_parts(w: MainWindow) -> None:
    _connect_models(w)
    _connect_composer(w)
    _connect_messages(w)


def _connect_models(w: MainWindow) -> None:
    status = w.statusBar()
    w.choice.statusMessage.connect(status.showMessage)
    w.top_bar.systemPromptRequested.connect(w.edit_system_prompt)

    def show_ollama_tools() -> None:
        is_ollama = w.choice.capabilities().model_source == "pulled"  # models pulled into a local server
        w.top_bar.set_ollama_tools(is_ollama)
        w.ollama.set_relevant(is_ollama)

    def endpoint_picked(endpoint_id: str) -> None:
        if w.choice.capabilities(endpoint_id).model_source == "pulled":  # Ollama's
            w.ollama.check(quiet=False)  # is it running? say so plainly if not

    def use_ollama_model(model: str) -> None:
        """A model just pulled: chat with it."""
        w.choice.choose_model(OLLAMA_ENDPOINT, model)
        w.composer.setFocus()

    w.choice.changed.connect(show_ollama_tools)
    w.top_bar.endpointChosen.connect(endpoint_picked)
    w.top_bar.ollamaModelsRequested.connect(w.ollama.open_manager)
    w.ollama.modelsChanged.connect(lambda: w.choice.reload_models(OLLAMA_ENDPOINT))
    w.ollama.useModelRequested.connect(use_ollama_model)
    w.ollama.statusMessage.connect(status.showMessage)
    w.ollama.statusChanged.connect(w.readiness.ollama_status)
    w.readiness.changed.connect(w.choice.set_readiness)
    # A built-in model just downloaded or picked: the Built-in entry's mark is stale.
    w.builtin.modelChosen.connect(lambda _model: w.readiness.check())
    w.choice.set_describer(OLLAMA_ENDPOINT, lambda model: w.ollama.admin.details(model))  # capabilities


def _connect_composer(w: MainWindow) -> None:
    w.composer_bar.sendRequested.connect(w.send)
    w.composer_bar.stopRequested.connect(w.stop)
    w.composer_bar.attachRequested.connect(w.attachments.choose_files)
    w.composer.filesInserted.connect(w.attachments.open_files)
    w.composer.bytesPasted.connect(w.attachments.paste_bytes)
    w.composer.imagePasted.connect(w.attachments.paste_image)
    w.composer.largeTextPasted.connect(w.attachments.paste_text)
    w.composer.notice.connect(lambda text: w.statusBar().showMessage(text, 10_000))
    w.attachments.message.connect(w.statusBar().showMessage)


def _connect_messages(w: MainWindow) -> None:
    view, actions = w.view, w.message_actions
    view.sourceActivated.connect(w.attachments.open_source)
    view.imageActivated.connect(w.attachments.open_image)
    view.image_source = (w.documents, w.runner)  # type: ignore[attr-defined]  # image_strip.py
    view.regenerateRequested.connect(actions.regenerate)
    view.retryRequested.connect(actions.regenerate)
    view.continueRequested.connect(actions.continue_answer)
    view.errorActionRequested.connect(w.fixes.act)
    w.panel.conversationActivated.connect(lambda _cid: w.fixes.clear())
    view.versionRequested.connect(actions.switch_version)
    view.editResendRequested.connect(actions.edit_resend)
    view.deleteRequested.connect(actions.delete_message)
    view.forkRequested.connect(actions.fork)
    w.fork_origin.originRequested.connect(w.open_conversation)
    view.attachRequested.connect(w.attachments.choose_files)
