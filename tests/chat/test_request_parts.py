"""The engine builds each request turn from parts: documents first, then text, in order."""

from __future__ import annotations

from desktop_chat.chat.attachments import PreparedDocuments
from desktop_chat.chat.request_messages import request_messages as _request_messages
from desktop_chat.domain.messages import ChatMessage, Delivery, DocumentPart, Message
from desktop_chat.domain.parts import TextPart
from desktop_chat.domain.texts import Text

PDF = DocumentPart("a.pdf", "JVBERi0xLjQK")


def _message(id: str, role: str, text: str) -> Message:
    return Message(id=id, conversation_id="c", role=role, text=text)


def test_a_turn_with_documents_is_its_pdfs_its_notes_the_passages_then_its_words():
    history = [_message("u1", "user", "Summarise."), _message("a1", "assistant", "It is about tides."),
               _message("u2", "user", "And the moon?")]
    prepared = PreparedDocuments(
        delivery=Delivery(Text.verbatim("Sending a.pdf as a PDF.")), sources=[],
        parts={"u1": (PDF, TextPart("[a.pdf is attached as a PDF]"))}, passages=TextPart("<passages>…</passages>"))

    assert _request_messages(history, prepared) == [
        ChatMessage("user", (PDF, TextPart("[a.pdf is attached as a PDF]"), TextPart("Summarise."))),
        ChatMessage.of("assistant", "It is about tides."),
        ChatMessage("user", (TextPart("<passages>…</passages>"), TextPart("And the moon?"))),
    ]


def test_two_questions_in_a_row_are_one_turn_that_keeps_every_part_and_reads_as_one_text():
    history = [_message("u1", "user", "First?"), _message("a1", "assistant", " "), _message("u2", "user", "Again?")]

    (turn,) = _request_messages(history)

    assert turn.parts == (TextPart("First?"), TextPart("Again?"))
    assert turn.text == "First?\n\nAgain?"  # what a provider sending one string sends, as before
