"""Shared test set-up: no network but loopback, a fresh data dir and keyring per test."""

from __future__ import annotations

import os

import pytest

from tests import network_guard

# Qt tests run offscreen unless a test deliberately starts Xvfb.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_PROVIDER_ENV = (
    "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", "ANTHROPIC_PROFILE",
    "ANTHROPIC_CONFIG_DIR", "ANTHROPIC_CUSTOM_HEADERS", "OPENAI_API_KEY", "OPENAI_BASE_URL",
    "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OLLAMA_HOST",
)


def pytest_configure(config: pytest.Config) -> None:
    network_guard.install()


@pytest.fixture(autouse=True)
def _no_network_but_loopback():
    before = len(network_guard.violations)
    yield
    new = network_guard.violations[before:]
    if new:
        pytest.fail("test tried to reach a non-loopback address: " + ", ".join(new))


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch, request):
    """Each test gets its own DESKTOP_CHAT_HOME and a clean provider environment."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("DESKTOP_CHAT_HOME", str(home))
    for name in _PROVIDER_ENV:
        monkeypatch.delenv(name, raising=False)
    # The SDKs read profile files from their config dir when given no key: point it nowhere.
    monkeypatch.setenv("ANTHROPIC_CONFIG_DIR", str(tmp_path / "no-anthropic-config"))
    if request.node.get_closest_marker("keyring") is None:
        from tests.fakes import memory_keyring

        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.fakes.memory_keyring.MemoryKeyring")
        memory_keyring.clear()
    return home
