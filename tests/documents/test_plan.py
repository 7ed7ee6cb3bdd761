"""plan_delivery: every mode, every override, and the sentence each one shows the user."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from desktop_chat.documents import TextQuality, extract, plan_delivery
from desktop_chat.documents.plan import PASSAGE_TOKENS
from desktop_chat.providers import capabilities
from tests.documents import sample


@dataclass(frozen=True)
class Doc:
    """Just what the plan reads (an ExtractedDocument has the same attributes)."""

    whole_text_tokens: int
    page_count: int = 10
    size_bytes: int = 500_000
    file_name: str = "report.pdf"
    sha256: str = "a" * 64
    kind: str = "pdf"
    quality: TextQuality = TextQuality.OK
    encrypted: bool = False


def plan(docs, provider="openai", context=128_000, reserved=0, **kwargs):
    # What the provider family declares decides native PDFs (Anthropic: yes); a test may say otherwise.
    kwargs.setdefault("native_pdf", capabilities(provider).native_pdf)
    return plan_delivery(docs, context_tokens=context, reserved_tokens=reserved, **kwargs)


def only(result):
    [delivery] = result.deliveries
    return delivery


def test_whole_text_when_it_fits():
    result = plan([Doc(12_437)])
    assert result.mode == "whole_text" and only(result).reason == "whole"
    assert result.explanation == "Sending the whole document (12,400 tokens of 128,000)."
    assert (result.passages, result.total_tokens) == (0, 12_437)


def test_retrieval_when_too_long():
    result = plan([Doc(140_000)], context=8_192, reserved=500)
    assert result.mode == "retrieval" and only(result).reason == "too_long"
    assert result.passages == 6 == (8_192 - 500) // PASSAGE_TOKENS
    assert result.explanation == ("Document too long for this model's context (≈ 140,000 tokens of 8,192): "
                                  "sending the 6 most relevant passages.")
    assert result.retrieval_hashes == ("a" * 64,)
    assert result.total_tokens <= result.budget_tokens


def test_passages_are_capped():
    result = plan([Doc(900_000)], context=200_000)
    assert result.passages == 8


def test_native_pdf_for_anthropic_within_the_limits():
    result = plan([Doc(6_000, page_count=12)], provider="anthropic", context=200_000)
    assert result.mode == "native_pdf" and only(result).reason == "native"
    assert only(result).tokens == 6_000 + 12 * 1_600
    assert result.explanation == ("Sending the PDF itself (12 pages, ≈ 25,200 tokens of 200,000), "
                                  "so the model also sees its pictures and layout.")


def test_native_pdf_page_limit_depends_on_the_context_window():
    book = Doc(35_000, page_count=117)
    small = plan([book], provider="anthropic", context=200_000)
    assert small.mode == "whole_text" and only(small).reason == "whole_as_text"
    assert small.explanation == ("Sending the whole document as text (35,000 tokens of 200,000; "
                                 "117 pages is over the 100-page limit for PDFs).")
    assert plan([book], provider="anthropic", context=1_000_000).mode == "native_pdf"  # 600 pages there
    assert plan([Doc(1_000, page_count=100)], provider="anthropic", context=200_000).mode == "native_pdf"


@pytest.mark.parametrize(
    ("doc", "why"),
    [
        (Doc(5_000, size_bytes=25_000_000), "the file is over the 32 MB limit for PDFs"),
        (Doc(5_000, encrypted=True), "a password-protected PDF cannot be sent as a PDF"),
        (Doc(5_000, page_count=50), "the PDF itself would not fit"),  # 85,000 tokens > 60,000
    ],
)
def test_native_pdf_falls_back_to_text_and_says_why(doc, why):
    result = plan([doc], provider="anthropic", context=60_000)
    assert result.mode == "whole_text"
    assert result.explanation == f"Sending the whole document as text (5,000 tokens of 60,000; {why})."


def test_other_providers_and_text_files_never_go_native():
    assert plan([Doc(1_000)], provider="ollama").mode == "whole_text"
    text_file = plan([Doc(1_000, kind="text", file_name="notes.md")], provider="anthropic")
    assert text_file.mode == "whole_text" and only(text_file).reason == "whole"
    assert plan([Doc(1_000)], provider="openai", native_pdf=True).mode == "native_pdf"


def test_override_retrieval_wins():
    result = plan([Doc(12_400)], override="retrieval")
    assert result.mode == "retrieval" and only(result).reason == "chosen_retrieval"
    assert result.explanation == ("Sending the 8 most relevant passages, as chosen "
                                  "(the whole document is ≈ 12,400 tokens).")
    assert plan([Doc(1_000)], provider="anthropic", override="retrieval").mode == "retrieval"


def test_override_whole_wins_when_it_can():
    assert plan([Doc(1_000)], provider="anthropic", override="whole").mode == "native_pdf"
    # Two documents that do not fit together: the one the user wants whole stays whole.
    big, wanted = Doc(70_000, sha256="b" * 64, file_name="big.pdf"), Doc(80_000, sha256="w" * 64, file_name="w.pdf")
    result = plan([big, wanted], override={"w" * 64: "whole"})
    assert [d.mode for d in result.deliveries] == ["retrieval", "whole_text"]


def test_override_whole_that_cannot_fit_explains_itself():
    result = plan([Doc(140_000)], context=8_192, reserved=500, override="whole")
    assert result.mode == "retrieval" and only(result).reason == "whole_too_long"
    assert result.explanation == ("The whole document does not fit this model's context (≈ 140,000 tokens of 8,192): "
                                  "sending the 6 most relevant passages instead.")


def test_several_documents_share_the_budget():
    small = Doc(20_000, sha256="s" * 64, file_name="small.pdf")
    large = Doc(90_000, sha256="l" * 64, file_name="large.pdf")
    result = plan([small, large], context=100_000, reserved=4_000)
    assert result.mode is None
    assert [d.mode for d in result.deliveries] == ["whole_text", "retrieval"]
    assert [d.reason for d in result.deliveries] == ["whole", "no_room_beside_others"]
    assert result.explanation == (
        "“small.pdf”: Sending the whole document (20,000 tokens of 100,000). "
        "“large.pdf”: Not enough room beside the other attachments (≈ 90,000 tokens; 100,000 in all): "
        "sending the 8 most relevant passages."
    )
    assert result.total_tokens <= result.budget_tokens


def test_natives_step_down_to_text_before_anything_goes_to_passages():
    a = Doc(10_000, page_count=40, sha256="1" * 64, file_name="a.pdf")  # 74,000 as a PDF
    b = Doc(10_000, page_count=40, sha256="2" * 64, file_name="b.pdf")
    result = plan([a, b], provider="anthropic", context=100_000)
    assert sorted(d.mode for d in result.deliveries) == ["native_pdf", "whole_text"]


def test_passages_shared_by_several_long_documents():
    a = Doc(300_000, sha256="1" * 64, file_name="a.pdf")
    b = Doc(300_000, sha256="2" * 64, file_name="b.pdf")
    result = plan([a, b], context=32_000)
    assert result.retrieval_hashes == ("1" * 64, "2" * 64)
    assert result.deliveries[0].explanation.endswith(
        "sending the 8 most relevant passages (from this and the other long documents).")


def test_a_document_without_text():
    scan = Doc(0, quality=TextQuality.NONE, file_name="scan.pdf")
    result = plan([scan])
    assert result.mode == "not_sent" and only(result).reason == "no_text"
    assert result.explanation == "Not sent: no text could be read from it, and this model cannot read the PDF itself."
    assert plan([scan], provider="anthropic").mode == "native_pdf"  # Claude reads the page images


def test_no_room_at_all():
    result = plan([Doc(5_000)], context=8_192, reserved=8_000)
    assert result.mode == "not_sent" and only(result).reason == "no_room"
    assert result.explanation == ("Not sent: no room is left in this model's context (8,192 tokens) "
                                  "for even one passage.")


def test_geotopo_is_too_long_for_a_small_context_window():
    doc = extract(sample("GeoTopo-komprimiert.pdf"))
    small = plan([doc], provider="ollama", context=8_192, reserved=1_000)
    assert small.mode == "retrieval" and small.passages == 5
    tokens = f"{round(doc.whole_text_tokens, -2):,}"
    assert small.explanation == (f"Document too long for this model's context (≈ {tokens} tokens of 8,192): "
                                 "sending the 5 most relevant passages.")
    assert plan([doc], provider="openai", context=128_000, reserved=4_000).mode == "whole_text"
    assert plan([doc], provider="anthropic", context=200_000).explanation.endswith(
        "117 pages is over the 100-page limit for PDFs).")


def test_the_plan_is_pure_and_checks_its_input():
    docs = [Doc(12_000)]
    assert plan(docs, override="whole") == plan(docs, override="whole")
    with pytest.raises(ValueError):
        plan(docs, override="half")
