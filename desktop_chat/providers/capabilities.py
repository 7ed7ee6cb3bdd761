"""What each provider family can do, declared here so that nothing outside providers/ tests a name.

The engine, the documents plan and the front ends ask questions ("does this model read PDFs as
they are?", "does it take an API key?", "does the request set the context it runs with?") and
this module answers them, per family and, where it varies, per model. Importing it imports no SDK
(start-up speed: the SDKs load when a provider is first built), only the dataclass below and
model_kinds, which reads what a model listing reports.

A family's declaration is what is true of every model it serves; `for_model` narrows or widens
it for one model from what is known about that model: for Ollama, what its /api/show
`capabilities` say (through model_kinds); for the cloud families, the context length of the
well-known model families below. Nothing is guessed from a local model's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:  # the declarations are read at start-up: the listing's types load with a listing
    from desktop_chat.providers.base import ModelInfo

ModelSource = Literal["listed", "pulled", "files"]
# How a request sets how much a model reasons: a token "budget" (Anthropic extended thinking) or
# an "effort" level (OpenAI's reasoning_effort); None: it takes neither.
ReasoningControl = Literal["budget", "effort"] | None
# The conversation option that carries each setting, and the levels of an effort.
THINKING_BUDGET, REASONING_EFFORT = "thinking_budget", "reasoning_effort"
REASONING_OPTIONS = {"budget": THINKING_BUDGET, "effort": REASONING_EFFORT}
EFFORTS = ("low", "medium", "high")


class Capabilities(NamedTuple):
    """What one provider family (or one of its models) can do. False / None where unknown."""

    native_pdf: bool = False  # reads a PDF as it is (pages as images and text): sent as a document part
    images: bool = False  # takes image input
    thinking: bool = False  # can think before answering (extended thinking / reasoning)
    tools: bool = False  # can call tools
    keyless: bool = False  # never takes an API key (a local server, the built-in engine)
    context_length: int | None = None  # tokens of input the model takes; None: unknown
    # Where its models come from: "listed" by the service, "pulled" by the user from a registry
    # (Ollama: `ollama pull`), or GGUF "files" the app installs (the built-in engine).
    model_source: ModelSource = "listed"
    local: bool = False  # runs on this machine, so it works offline
    # Its address is a host as OLLAMA_HOST gives it ("localhost", "0.0.0.0:11434", a URL), not a base URL.
    host_address: bool = False
    in_process: bool = False  # runs inside this app (the built-in engine: needs the "local" extra)
    per_model_options: bool = False  # honours the user's per-model options (num_ctx, keep_alive)
    # The request sets the context the model runs with (Ollama's num_ctx), and a prompt longer
    # than that is cut silently from the start, instead of being refused.
    context_per_request: bool = False
    # The answer's max_tokens counts against the context window: a cloud API refuses a request
    # whose input and max_tokens together exceed it; Ollama just stops early.
    answer_counts_against_context: bool = True
    # The setting a request takes for how much the model reasons. A family declares the one its
    # wire format has; for_model keeps it only for a model known to take it.
    reasoning_control: ReasoningControl = None
    # Its models may write their reasoning into the text as <think>…</think> (local and
    # OpenAI-compatible servers): the engine splits it out (providers/think_tags.py).
    think_tags: bool = False
    # Signed reasoning must go back, unchanged, in the turns that follow a tool call (Anthropic);
    # elsewhere reasoning is never re-sent.
    resend_thinking_with_tools: bool = False
    # Images, where `images` is true: the longest edge (px) and size (bytes, before base64) one
    # image may have, and how many one request may carry. Images are downscaled to fit.
    image_max_edge: int = 0
    image_max_bytes: int = 0
    images_per_request: int = 0

    @property
    def needs_key(self) -> bool:
        """Whether the family's own service may want a key (a custom endpoint's key stays optional)."""
        return not self.keyless


# Input context windows of well-known model families, by model-name prefix (the longest match
# wins; a router prefix such as "openai/" or "anthropic/" is ignored). Figures from the vendors'
# model pages; where a family has members with different windows, the smaller one.
KNOWN_CONTEXT_TOKENS: Mapping[str, int] = {
    "claude": 200_000,
    "gpt-5": 272_000,  # 400,000 in all, of which 272,000 input
    "gpt-4.1": 1_000_000,
    "gpt-4o": 128_000,
    "chatgpt-4o": 128_000,
    "gpt-4-turbo": 128_000,
    "gpt-4": 8_192,
    "gpt-3.5-turbo": 16_385,
    "o1-mini": 128_000,
    "o1": 200_000,
    "o3": 200_000,
    "o4-mini": 200_000,
    "deepseek": 64_000,
    "gemini": 1_000_000,
    "mistral-large": 128_000,
    "mistral-small": 32_000,
    "grok": 128_000,
}


# Well-known cloud models that reason, by model-name prefix as above, and how a request steers
# it. Models that reason without a setting (DeepSeek's reasoner, R1, QwQ) are only "thinking".
KNOWN_REASONING_CONTROL: Mapping[str, ReasoningControl] = {
    "claude-3-7-sonnet": "budget", "claude-sonnet-4": "budget", "claude-opus-4": "budget",
    "claude-haiku-4": "budget", "claude-4": "budget",
    "o1": "effort", "o3": "effort", "o4-mini": "effort", "gpt-5": "effort", "gpt-oss": "effort",
    "deepseek-reasoner": None, "deepseek-r1": None, "qwq": None,
}


def known_reasoning(model: str) -> tuple[bool, ReasoningControl]:
    """(whether a well-known model reasons, how a request steers it)."""
    name = model.lower().rsplit("/", 1)[-1]
    best = max((prefix for prefix in KNOWN_REASONING_CONTROL if name.startswith(prefix)), key=len, default=None)
    return (best is not None, KNOWN_REASONING_CONTROL[best] if best else None)


# Well-known cloud model families that call tools (function calling), by model-name prefix as
# above: an OpenAI-compatible service says nothing about it in its listing.
KNOWN_TOOL_MODELS = ("gpt-4", "gpt-5", "gpt-3.5-turbo", "chatgpt-4o", "o1", "o3", "o4-mini", "deepseek",
                     "gemini", "mistral", "grok", "claude", "qwen")


def known_tool_model(model: str) -> bool:
    """Whether *model* belongs to a well-known cloud family that calls tools."""
    name = model.lower().rsplit("/", 1)[-1]
    return any(name.startswith(prefix) for prefix in KNOWN_TOOL_MODELS)


# Families documented to take images (the vendors' model pages), by model-name prefix, for the
# cloud families whose listings do not say; a longer prefix in NO_IMAGES wins (o3-mini cannot see).
# Never applied to local servers' names (Ollama: /api/show says it). A per-model override in the
# settings (chat/images.py) corrects either way.
KNOWN_IMAGE_MODELS = ("claude", "gpt-4o", "chatgpt-4o", "gpt-4.1", "gpt-4-turbo", "gpt-4-vision", "gpt-5", "o1",
                      "o3", "o4", "gemini", "grok-4", "grok-2-vision", "pixtral", "qwen-vl", "qwen2.5-vl",
                      "llama-3.2-11b-vision", "llama-3.2-90b-vision", "llama-4")
NO_IMAGES = ("o1-mini", "o1-preview", "o3-mini", "gpt-4o-audio", "gpt-4o-realtime", "gpt-4o-mini-audio",
             "gpt-4o-mini-realtime", "gpt-4o-transcribe", "gpt-4o-mini-transcribe", "gpt-4o-mini-tts",
             "gpt-5-chat-audio")


def known_image_model(model: str) -> bool:
    """Whether a well-known cloud model family is documented to take images."""
    name = model.lower().rsplit("/", 1)[-1]
    seeing = max((p for p in KNOWN_IMAGE_MODELS if name.startswith(p)), key=len, default="")
    blind = max((p for p in NO_IMAGES if name.startswith(p)), key=len, default="")
    return bool(seeing) and len(seeing) > len(blind)


def known_context_tokens(model: str) -> int | None:
    """The context window of a well-known model family, or None."""
    name = model.lower().rsplit("/", 1)[-1]
    best = max((prefix for prefix in KNOWN_CONTEXT_TOKENS if name.startswith(prefix)), key=len, default=None)
    return KNOWN_CONTEXT_TOKENS[best] if best else None


# -- the families ----------------------------------------------------------------------------------

# Every Claude model the API serves reads PDFs and images and calls tools; thinking depends on
# the model and is left to the per-model answer once a request can ask for it.
ANTHROPIC = Capabilities(native_pdf=True, images=True, tools=True, resend_thinking_with_tools=True,
                         reasoning_control="budget", image_max_edge=1568, image_max_bytes=3_750_000,
                         images_per_request=100)
# OpenAI and the OpenAI-compatible servers (DeepSeek, OpenRouter, LM Studio, …): what a model can
# do varies by model and server, so only what a listing reports is claimed (see for_model).
# OpenAI documents 2048 px (high detail), 20 MB per image and a 50 MB request; 20 images keep a
# request of large ones under that. Compatible servers take data URLs the same way.
OPENAI = Capabilities(think_tags=True, reasoning_control="effort", image_max_edge=2048, image_max_bytes=8_000_000,
                      images_per_request=20)
# Ollama's vision models (llava, qwen-vl, gemma3…) tile or resize to well under 2048 px; a few
# images per request is what a local model's context holds.
OLLAMA = Capabilities(keyless=True, model_source="pulled", local=True, host_address=True, per_model_options=True,
                      context_per_request=True, answer_counts_against_context=False, think_tags=True,
                      reasoning_control="effort", image_max_edge=2048, image_max_bytes=8_000_000,
                      images_per_request=8)
LLAMACPP = Capabilities(keyless=True, model_source="files", local=True, in_process=True, think_tags=True)


def for_model(family: Capabilities, model: str, info: ModelInfo | None = None) -> Capabilities:
    """`family`'s capabilities narrowed to one model: what its listing (`info`) reports wins; else
    the well-known context length of its name, except where the name says nothing reliable
    (a server that runs a model with the context the request sets)."""
    caps = family
    if not family.context_per_request:
        caps = caps._replace(context_length=known_context_tokens(model))
    if not family.local:
        reasons, control = known_reasoning(model)
        caps = caps._replace(thinking=caps.thinking or reasons,
                             reasoning_control=control if control == family.reasoning_control else None)
    if not family.local and not family.tools and known_tool_model(model):
        caps = caps._replace(tools=True)
    if not family.local and known_image_model(model):
        caps = caps._replace(images=True)
    if info is None:
        return caps
    from desktop_chat.providers import model_kinds

    listed = model_kinds.capabilities(info)
    return caps._replace(
        context_length=listed.context_length or caps.context_length,
        images=caps.images or listed.vision,
        tools=caps.tools or listed.tools,
        thinking=caps.thinking or listed.reasoning,
        # A listing that says the model reasons (Ollama's "thinking", OpenRouter's "reasoning"
        # parameter) means it takes the family's setting; a local model without it takes none.
        reasoning_control=family.reasoning_control if listed.reasoning
        else (None if family.local else caps.reasoning_control),
    )
