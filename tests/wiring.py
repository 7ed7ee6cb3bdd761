"""Point the app's settings at the loopback fakes, the way a user would configure them."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from desktop_chat.chat import credentials
from desktop_chat.config import Settings
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.loopback import FakeServer, Scenario
from tests.fakes.ollama_server import FakeOllama
from tests.fakes.openai_server import FakeOpenAI

ANTHROPIC_KEY = "sk-ant-test-key-0001"
OPENAI_KEY = "sk-openai-test-key-0002"

# endpoint id used for each family in tests; `openai` goes through the built-in OpenAI endpoint
# with a key; `local` is a key-less custom OpenAI-compatible endpoint.
FAMILIES = ("anthropic", "openai", "ollama")


def settings_for(family: str, server: FakeServer, settings: Settings | None = None) -> Settings:
    """Settings whose `family` endpoint points at `server`, with its key in the (test) keyring."""
    settings = settings or Settings()
    settings.read_timeout = 5.0
    settings.connect_timeout = 2.0
    if family == "anthropic":
        settings.anthropic_base_url = server.base_url
        credentials.save_key(settings.endpoint("anthropic"), settings, ANTHROPIC_KEY)
        settings.default_endpoint = "anthropic"
        settings.default_models["anthropic"] = "claude-test"
    elif family == "openai":
        settings.openai_base_url = server.base_url + "/v1"
        credentials.save_key(settings.endpoint("openai"), settings, OPENAI_KEY)
        settings.default_endpoint = "openai"
        settings.default_models["openai"] = "gpt-test"
    elif family == "local":
        settings.add_custom_endpoint("Local", server.base_url + "/v1")
        settings.default_endpoint = "local"
        settings.default_models["local"] = "local-model"
    elif family == "ollama":
        settings.ollama_host = server.base_url
        settings.default_endpoint = "ollama"
        settings.default_models["ollama"] = "llama3.2:latest"
    else:
        raise ValueError(family)
    return settings


@contextmanager
def fake_for(family: str, default: Scenario | None = None) -> Iterator[FakeServer]:
    server: FakeServer
    if family == "anthropic":
        server = FakeAnthropic(default, expected_key=ANTHROPIC_KEY)
    elif family in ("openai", "local"):
        server = FakeOpenAI(default)
        if family == "openai":
            server.expected_key = OPENAI_KEY  # type: ignore[attr-defined]
    elif family == "ollama":
        server = FakeOllama(default)
    else:
        raise ValueError(family)
    with server:
        yield server


def chat_path(family: str) -> str:
    return {"anthropic": "/v1/messages", "openai": "/chat/completions", "local": "/chat/completions",
            "ollama": "/api/chat"}[family]
