"""The quiet line under an answer about documents: how they were sent, in a few words."""

from __future__ import annotations

from desktop_chat.chat.attachments import _passages_block, delivery_summary
from desktop_chat.domain.messages import Delivery, DocumentNote, SourceRef
from desktop_chat.domain.texts import Text


def _note(name: str, mode: str) -> DocumentNote:
    return DocumentNote(name * 8, name, mode, "", 100, Text.verbatim(f"{name} went {mode}."))


def _delivery(*notes: DocumentNote, sources: int = 0) -> Delivery:
    refs = tuple(SourceRef("a.pdf", "a" * 64, page, f"excerpt {page}") for page in range(1, sources + 1))
    return Delivery(Text.verbatim("The plan's long sentence."), notes, refs, 128_000)


def test_a_few_words_for_each_way_documents_went():
    assert delivery_summary(_delivery(_note("report.pdf", "retrieval"), sources=8)).english() == \
        "8 passages from “report.pdf”"
    assert delivery_summary(_delivery(_note("report.pdf", "retrieval"), sources=1)).english() == \
        "1 passage from “report.pdf”"
    assert delivery_summary(_delivery(_note("a.pdf", "whole_text"), _note("b.md", "whole_text"))).english() == \
        "2 documents, whole text"
    assert delivery_summary(_delivery(_note("a.pdf", "native_pdf"))).english() == "“a.pdf”, as a PDF"
    mixed = delivery_summary(_delivery(_note("a.pdf", "whole_text"), _note("big.pdf", "retrieval"),
                                       _note("scan.pdf", "not_sent"), sources=5))
    assert mixed.english() == "5 passages from “big.pdf” · “a.pdf”, whole text · “scan.pdf” not sent"


def test_it_survives_storage_and_says_the_plan_when_there_are_no_notes():
    delivery = _delivery(_note("report.pdf", "retrieval"), sources=3)
    stored = Delivery.from_dict(delivery.to_dict())
    assert stored is not None and delivery_summary(stored).english() == "3 passages from “report.pdf”"
    assert delivery_summary(_delivery()).english() == "The plan's long sentence."


def test_the_model_is_asked_to_cite_passages_by_number():
    from desktop_chat.documents import Source

    source = Source(doc_hash="a" * 64, file_name="a.pdf", page=2, first_page=2, last_page=2, excerpt="x",
                    text="The passage.", score=1.0)
    block = _passages_block([source])
    assert "[1] or [2][3]" in block and "[passage 1: “a.pdf”, page 2]" in block
