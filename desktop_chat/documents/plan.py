"""How each attached document reaches the model: a pure decision, explained in a sentence.

    native_pdf   the PDF itself (to a model that reads PDFs): the model sees each page as an image and its text
    whole_text   the extracted text with a "[page N]" line before each page
    retrieval    only the passages most relevant to the question (see retrieval.py)
    not_sent     nothing can be sent: no text and no PDF input, or no room left at all

Order of preference per document: native_pdf when the provider takes PDFs, the file is within
the API's limits and it fits the budget; else whole_text when it fits; else retrieval. With several
documents that do not fit together, the most expensive ones step down first (native → text →
passages), documents the user asked to send whole last. A per-attachment override ("whole" or
"retrieval") wins whenever it can be honoured; when it cannot, the sentence says why.

Anthropic's documented PDF limits (platform.claude.com/docs/en/build-with-claude/pdf-support, as
read when this was written): the whole request at most 32 MB; at most 100 pages per request for
models with a 200k-token context window, 600 for models with a larger one (earlier versions of the
page said 100 for all); no password or encryption. Both limits cover the whole request. A PDF
travels base64-encoded, i.e. 4/3 of its size. Each page costs its text plus an image
(documented as ≈ 1,500-3,000 tokens per page in all); we estimate text + 1,600 per page.

The budget is ``context_tokens - reserved_tokens`` (the caller reserves room for the system
prompt, the conversation so far, the question and the answer). Each decision comes with its
sentence as a translatable :class:`~desktop_chat.domain.texts.Text` (``DocumentDelivery.text``,
``DeliveryPlan.text``; ``.explanation`` is its English): this module is the one place that words
a plan, for the CLI, the window and the stored answer alike.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TypeGuard

from desktop_chat.documents.chunking import MAX_TOKENS as CHUNK_MAX_TOKENS
from desktop_chat.documents.document import TextQuality
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text

__all__ = [
    "ANTHROPIC_MAX_REQUEST_BYTES",
    "DeliveryPlan",
    "DocumentDelivery",
    "Mode",
    "Override",
    "PlannableDocument",
    "anthropic_pdf_page_limit",
    "plan_delivery",
]

Mode = Literal["native_pdf", "whole_text", "retrieval", "not_sent"]
Override = Literal["whole", "retrieval"]

ANTHROPIC_MAX_REQUEST_BYTES = 32 * 1000 * 1000  # "32 MB": the smaller reading of MB, to be safe
REQUEST_HEADROOM_BYTES = 2 * 1000 * 1000  # the rest of the request: conversation, prompt, JSON
NATIVE_TOKENS_PER_PAGE = 1_600  # the page image; its text is counted separately
PASSAGE_TOKENS = CHUNK_MAX_TOKENS + 30  # one chunk and its "[passage N: …]" heading
MAX_PASSAGES = 8  # more passages dilute the answer more than they help it


class PlannableDocument(Protocol):
    """What the plan needs to know (an ExtractedDocument is one)."""

    @property
    def file_name(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def page_count(self) -> int: ...
    @property
    def size_bytes(self) -> int: ...
    @property
    def whole_text_tokens(self) -> int: ...
    @property
    def quality(self) -> TextQuality: ...
    @property
    def encrypted(self) -> bool: ...


@dataclass(frozen=True)
class DocumentDelivery:
    """The decision for one document.

    ``reason`` is one of: "native", "whole", "whole_as_text" (native not possible or not
    affordable), "too_long", "no_room_beside_others", "chosen_retrieval" (override),
    "whole_too_long" (override "whole" could not be honoured), "no_text", "no_room".
    ``tokens`` is what this document adds to the request (0 for retrieval: see
    ``DeliveryPlan.passage_tokens``); ``whole_tokens`` what sending it whole as text would cost.
    """

    doc_hash: str
    file_name: str
    mode: Mode
    reason: str
    tokens: int
    whole_tokens: int
    text: Text  # the sentence that says so (prefixed with the file name when there are several)

    @property
    def explanation(self) -> str:
        return self.text.english()


@dataclass(frozen=True)
class DeliveryPlan:
    deliveries: tuple[DocumentDelivery, ...]
    context_tokens: int
    budget_tokens: int
    passages: int  # k for DocumentIndex.search over retrieval_hashes (0 when none)
    passage_tokens: int  # room reserved for those passages

    @property
    def text(self) -> Text:
        """One sentence per document (one in all for a single document), translatable."""
        if not self.deliveries:
            return Text.of(QT_TRANSLATE_NOOP("engine", "No documents are attached."))
        combined = self.deliveries[-1].text
        for delivery in reversed(self.deliveries[:-1]):
            combined = Text.of(QT_TRANSLATE_NOOP("engine", "{first} {rest}"), first=delivery.text, rest=combined)
        return combined

    @property
    def explanation(self) -> str:
        return self.text.english()

    @property
    def mode(self) -> Mode | None:
        """The mode shared by every document, or None when they differ (or there are none)."""
        modes = {d.mode for d in self.deliveries}
        return modes.pop() if len(modes) == 1 else None

    def hashes(self, mode: Mode) -> tuple[str, ...]:
        return tuple(d.doc_hash for d in self.deliveries if d.mode == mode)

    @property
    def retrieval_hashes(self) -> tuple[str, ...]:
        return self.hashes("retrieval")

    @property
    def total_tokens(self) -> int:
        return sum(d.tokens for d in self.deliveries) + self.passage_tokens


def anthropic_pdf_page_limit(context_tokens: int) -> int:
    return 600 if context_tokens > 200_000 else 100


def plan_delivery(
    documents: Sequence[PlannableDocument],
    *,
    native_pdf: bool = False,
    context_tokens: int,
    reserved_tokens: int,
    override: Override | Mapping[str, Override] | None = None,
) -> DeliveryPlan:
    """Decide how each document is sent. Pure: same input, same plan.

    *native_pdf* says whether the model reads PDFs as they are (its provider declares it:
    providers/capabilities.py); only then do PDFs go natively. *override* is one choice for all the
    documents, or a mapping from a document's hash to its choice.
    """
    budget = max(0, context_tokens - reserved_tokens)
    pdf_input = native_pdf
    page_limit = anthropic_pdf_page_limit(context_tokens)
    wishes = _overrides(documents, override)

    state = {d.sha256: _initial(d, wishes.get(d.sha256), pdf_input, page_limit) for d in documents}
    by_hash = {d.sha256: d for d in documents}

    def cost(doc_hash: str) -> int:
        mode = state[doc_hash]
        doc = by_hash[doc_hash]
        if mode == "native_pdf":
            return _native_tokens(doc)
        return doc.whole_text_tokens if mode == "whole_text" else 0

    def step_down_order(mode: Mode) -> list[str]:
        # Not-overridden documents first, then the most expensive.
        chosen = [h for h, m in state.items() if m == mode]
        return sorted(chosen, key=lambda h: (wishes.get(h) == "whole", -cost(h)))

    # Native PDFs must fit in the request's byte limit together.
    while sum(_base64_size(by_hash[h]) for h, m in state.items() if m == "native_pdf") > _native_byte_budget():
        biggest = max((h for h, m in state.items() if m == "native_pdf"), key=lambda h: by_hash[h].size_bytes)
        state[biggest] = _without_native(by_hash[biggest])

    def overflow() -> bool:
        reserve = PASSAGE_TOKENS if any(m == "retrieval" for m in state.values()) else 0
        return sum(cost(h) for h in state) + reserve > budget

    while overflow():
        natives = step_down_order("native_pdf")
        if natives:
            state[natives[0]] = _without_native(by_hash[natives[0]])
            continue
        wholes = step_down_order("whole_text")
        if wholes:
            doc = by_hash[wholes[0]]
            state[wholes[0]] = "retrieval" if doc.quality.usable else "not_sent"
            continue
        break  # only passages left, and not even one fits

    room = budget - sum(cost(h) for h in state)
    retrieval = [h for h, m in state.items() if m == "retrieval"]
    passages = min(MAX_PASSAGES, max(0, room) // PASSAGE_TOKENS) if retrieval else 0
    if retrieval and passages == 0:
        for h in retrieval:
            state[h] = "not_sent"
        retrieval = []

    whole_alone_fits = {h: by_hash[h].whole_text_tokens <= budget for h in state}
    deliveries = tuple(
        _delivery(
            d, state[d.sha256], cost(d.sha256), wishes.get(d.sha256),
            pdf_input=pdf_input, page_limit=page_limit, context_tokens=context_tokens,
            passages=passages, shared=len(retrieval) > 1, fits_alone=whole_alone_fits[d.sha256],
            several=len(documents) > 1,
        )
        for d in documents
    )
    return DeliveryPlan(
        deliveries=deliveries,
        context_tokens=context_tokens,
        budget_tokens=budget,
        passages=passages,
        passage_tokens=passages * PASSAGE_TOKENS,
    )


# -- decisions -----------------------------------------------------------------------------------

def _overrides(
    documents: Sequence[PlannableDocument], override: Override | Mapping[str, Override] | None
) -> dict[str, Override]:
    if override is None:
        return {}
    if isinstance(override, str):
        wish = _checked_override(override)
        return {d.sha256: wish for d in documents}
    return {sha256: _checked_override(value) for sha256, value in override.items()}


def _is_override(value: object) -> TypeGuard[Override]:
    return value in ("whole", "retrieval")


def _checked_override(value: str) -> Override:
    # Callers may pass any string at run time (the annotation does not stop them): say which.
    if not _is_override(value):
        raise ValueError(f"override must be 'whole' or 'retrieval', not {value!r}")
    return value


def _native_possible(doc: PlannableDocument, pdf_input: bool, page_limit: int) -> bool:
    return (
        pdf_input
        and doc.kind == "pdf"
        and not doc.encrypted
        and doc.page_count <= page_limit
        and _base64_size(doc) <= _native_byte_budget()
    )


def _initial(doc: PlannableDocument, wish: Override | None, pdf_input: bool, page_limit: int) -> Mode:
    native = _native_possible(doc, pdf_input, page_limit)
    if not doc.quality.usable:
        return "native_pdf" if native else "not_sent"
    if wish == "retrieval":
        return "retrieval"
    return "native_pdf" if native else "whole_text"


def _without_native(doc: PlannableDocument) -> Mode:
    return "whole_text" if doc.quality.usable else "not_sent"


def _native_tokens(doc: PlannableDocument) -> int:
    return doc.whole_text_tokens + NATIVE_TOKENS_PER_PAGE * doc.page_count


def _base64_size(doc: PlannableDocument) -> int:
    return 4 * math.ceil(doc.size_bytes / 3)


def _native_byte_budget() -> int:
    return ANTHROPIC_MAX_REQUEST_BYTES - REQUEST_HEADROOM_BYTES


# -- sentences -----------------------------------------------------------------------------------
#
# The one place that words a plan. Each sentence is a Text (domain/texts.py): an English template
# marked with QT_TRANSLATE_NOOP("engine", …) plus its numbers, so the CLI prints the English and
# the window shows it translated, now and when a stored answer is reopened. Templates are the
# catalogue's keys: rewording one means translating it again.


def _delivery(
    doc: PlannableDocument,
    mode: Mode,
    tokens: int,
    wish: Override | None,
    *,
    pdf_input: bool,
    page_limit: int,
    context_tokens: int,
    passages: int,
    shared: bool,
    fits_alone: bool,
    several: bool,
) -> DocumentDelivery:
    if mode == "native_pdf":
        reason = "native"
    elif mode == "whole_text":
        reason = "whole_as_text" if pdf_input and doc.kind == "pdf" else "whole"
    elif mode == "retrieval":
        if wish == "retrieval":
            reason = "chosen_retrieval"
        elif wish == "whole":
            reason = "whole_too_long"
        elif fits_alone and several:
            reason = "no_room_beside_others"
        else:
            reason = "too_long"
    elif not doc.quality.usable:
        reason = "no_text"
    else:
        reason = "no_room"
    text = _sentence(reason, doc, tokens, page_limit=page_limit, context=context_tokens,
                     passages=_passages_phrase(passages, shared))
    if several:
        text = Text.of(QT_TRANSLATE_NOOP("engine", "“{file_name}”: {sentence}"),
                       file_name=doc.file_name, sentence=text)
    return DocumentDelivery(
        doc_hash=doc.sha256, file_name=doc.file_name, mode=mode, reason=reason,
        tokens=tokens, whole_tokens=doc.whole_text_tokens, text=text,
    )


def _sentence(reason: str, doc: PlannableDocument, tokens: int, *, page_limit: int, context: int,
              passages: Text) -> Text:
    tokens, whole = _approx(tokens), _approx(doc.whole_text_tokens)
    if reason == "native":
        return Text.of(QT_TRANSLATE_NOOP("engine", "Sending the PDF itself ({pages}, ≈ {tokens:,} tokens of "
                                                   "{context:,}), so the model also sees its pictures and layout."),
                       pages=_pages_phrase(doc.page_count), tokens=tokens, context=context)
    if reason == "whole":
        return Text.of(QT_TRANSLATE_NOOP("engine", "Sending the whole document ({tokens:,} tokens of {context:,})."),
                       tokens=tokens, context=context)
    if reason == "whole_as_text":
        return Text.of(QT_TRANSLATE_NOOP("engine", "Sending the whole document as text ({tokens:,} tokens of "
                                                   "{context:,}; {why})."),
                       tokens=tokens, context=context, why=_why_not_native(doc, page_limit))
    if reason == "chosen_retrieval":
        return Text.of(QT_TRANSLATE_NOOP("engine", "Sending {passages}, as chosen (the whole document is "
                                                   "≈ {whole:,} tokens)."),
                       passages=passages, whole=whole)
    if reason == "whole_too_long":
        return Text.of(QT_TRANSLATE_NOOP("engine", "The whole document does not fit this model's context "
                                                   "(≈ {whole:,} tokens of {context:,}): sending {passages} instead."),
                       whole=whole, context=context, passages=passages)
    if reason == "no_room_beside_others":
        return Text.of(QT_TRANSLATE_NOOP("engine", "Not enough room beside the other attachments (≈ {whole:,} "
                                                   "tokens; {context:,} in all): sending {passages}."),
                       whole=whole, context=context, passages=passages)
    if reason == "too_long":
        return Text.of(QT_TRANSLATE_NOOP("engine", "Document too long for this model's context (≈ {whole:,} "
                                                   "tokens of {context:,}): sending {passages}."),
                       whole=whole, context=context, passages=passages)
    if reason == "no_text":
        return Text.of(QT_TRANSLATE_NOOP("engine", "Not sent: no text could be read from it, and this model "
                                                   "cannot read the PDF itself."))
    return Text.of(QT_TRANSLATE_NOOP("engine", "Not sent: no room is left in this model's context "
                                               "({context:,} tokens) for even one passage."),
                   context=context)


def _passages_phrase(count: int, shared: bool) -> Text:
    if shared:
        if count == 1:
            return Text.of(QT_TRANSLATE_NOOP("engine", "the {count} most relevant passage (from this and the "
                                                       "other long documents)"), count=count)
        return Text.of(QT_TRANSLATE_NOOP("engine", "the {count} most relevant passages (from this and the "
                                                   "other long documents)"), count=count)
    if count == 1:
        return Text.of(QT_TRANSLATE_NOOP("engine", "the {count} most relevant passage"), count=count)
    return Text.of(QT_TRANSLATE_NOOP("engine", "the {count} most relevant passages"), count=count)


def _pages_phrase(count: int) -> Text:
    if count == 1:
        return Text.of(QT_TRANSLATE_NOOP("engine", "{count} page"), count=count)
    return Text.of(QT_TRANSLATE_NOOP("engine", "{count} pages"), count=count)


def _why_not_native(doc: PlannableDocument, page_limit: int) -> Text:
    """Why a PDF went as text to a model that reads PDFs (checked in the order of _native_possible)."""
    if doc.encrypted:
        return Text.of(QT_TRANSLATE_NOOP("engine", "a password-protected PDF cannot be sent as a PDF"))
    if doc.page_count > page_limit:
        return Text.of(QT_TRANSLATE_NOOP("engine", "{pages} pages is over the {limit}-page limit for PDFs"),
                       pages=doc.page_count, limit=page_limit)
    if _base64_size(doc) > _native_byte_budget():
        return Text.of(QT_TRANSLATE_NOOP("engine", "the file is over the 32 MB limit for PDFs"))
    return Text.of(QT_TRANSLATE_NOOP("engine", "the PDF itself would not fit"))


def _approx(tokens: int) -> int:
    """12,437 → 12,400; small numbers as they are (the sentence says "≈")."""
    return int(round(tokens, -2)) if tokens >= 1000 else tokens
