"""Ready-made settings for the OpenAI-compatible services people use, and for local servers.

Plain data, no Qt: the first-start welcome and Settings' "Other services" page both offer them,
and choosing one adds a custom endpoint (config.Settings.add_custom_endpoint) with its base URL
and a sensible default model, which the user then tests.

The base URLs were checked against each service's own documentation (DeepSeek's "Your first API
call", Alibaba Cloud Model Studio's OpenAI compatibility page, Moonshot's chat API page, Zhipu's
BigModel docs, SiliconFlow's quick start, OpenRouter's quick start, Groq's "OpenAI
Compatibility", Mistral's API, Google's Gemini OpenAI compatibility, xAI's integrations page,
Together's "OpenAI compatibility", and the LM Studio, vLLM and llama.cpp server docs for their
default ports). Where a service has a mainland-China and an international host (Qwen, Kimi,
SiliconFlow, Zhipu), the mainland one is listed: those services are the ones mainland users pick,
and the base URL stays editable. Default models change often; the model field stays editable and
the model list comes from the service itself.

Brand names are not translated; everything worded for the user lives in the UI.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PRESETS", "Preset", "find_preset"]


@dataclass(frozen=True)
class Preset:
    """An OpenAI-compatible service people use, ready to add as an endpoint."""

    id: str  # stable, for tests and saved choices
    name: str  # the service's own name
    base_url: str  # OpenAI-compatible base URL (…/v1 or the service's equivalent)
    key_url: str  # where a key is made ("" for local servers)
    default_model: str  # "" : the first model the server lists
    needs_key: bool = True
    local: bool = False  # a server on this computer (LM Studio, vLLM, llama.cpp)


PRESETS: tuple[Preset, ...] = (
    Preset("deepseek", "DeepSeek", "https://api.deepseek.com/v1",
           "https://platform.deepseek.com/api_keys", "deepseek-chat"),
    Preset("qwen", "Qwen (DashScope)", "https://dashscope.aliyuncs.com/compatible-mode/v1",
           "https://www.alibabacloud.com/help/zh/model-studio/get-api-key", "qwen-plus"),
    Preset("kimi", "Moonshot Kimi", "https://api.moonshot.cn/v1",
           "https://platform.moonshot.cn/console/api-keys", "kimi-k2.5"),
    Preset("glm", "Zhipu GLM", "https://open.bigmodel.cn/api/paas/v4",
           "https://open.bigmodel.cn/usercenter/apikeys", "glm-4-flash"),
    Preset("siliconflow", "SiliconFlow", "https://api.siliconflow.cn/v1",
           "https://cloud.siliconflow.cn/account/ak", "deepseek-ai/DeepSeek-V3"),
    Preset("openrouter", "OpenRouter", "https://openrouter.ai/api/v1",
           "https://openrouter.ai/keys", "openai/gpt-4o-mini"),
    Preset("groq", "Groq", "https://api.groq.com/openai/v1",
           "https://console.groq.com/keys", "llama-3.3-70b-versatile"),
    Preset("mistral", "Mistral", "https://api.mistral.ai/v1",
           "https://console.mistral.ai/api-keys", "mistral-large-latest"),
    Preset("gemini", "Google Gemini", "https://generativelanguage.googleapis.com/v1beta/openai",
           "https://aistudio.google.com/apikey", "gemini-2.5-flash"),
    Preset("xai", "xAI Grok", "https://api.x.ai/v1", "https://console.x.ai", "grok-4"),
    Preset("together", "Together AI", "https://api.together.ai/v1",
           "https://docs.together.ai/docs/api-keys-authentication", "openai/gpt-oss-20b"),
    # Local servers: no key; 127.0.0.1 rather than "localhost", which may resolve to ::1 first
    # while the server listens on IPv4 only.
    Preset("lm-studio", "LM Studio", "http://127.0.0.1:1234/v1", "", "", needs_key=False, local=True),
    Preset("vllm", "vLLM", "http://127.0.0.1:8000/v1", "", "", needs_key=False, local=True),
    Preset("llama-cpp", "llama.cpp server", "http://127.0.0.1:8080/v1", "", "", needs_key=False, local=True),
)


def find_preset(preset_id: str) -> Preset | None:
    return next((p for p in PRESETS if p.id == preset_id), None)
