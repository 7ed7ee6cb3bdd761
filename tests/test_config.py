"""Settings, data dirs, endpoint resolution and the key-to-host rule."""

from __future__ import annotations

import json

import pytest

from desktop_chat import config, secrets
from desktop_chat.chat import credentials
from desktop_chat.domain.errors import KeyHostMismatchError, MissingKeyError


def test_everything_lives_under_desktop_chat_home(data_home):
    assert config.data_dir() == data_home
    assert config.config_dir() == data_home
    assert config.database_path().parent == data_home
    assert config.log_dir() == data_home / "logs"


def test_data_dir_flag_sets_the_home_for_the_whole_process(tmp_path, monkeypatch, capsys):
    from desktop_chat.__main__ import _take_data_dir

    rest = _take_data_dir(["--data-dir", str(tmp_path / "portable"), "keys", "list"])
    assert rest == ["keys", "list"]
    assert config.data_dir() == tmp_path / "portable"


def test_base_urls_come_from_settings_then_environment_then_defaults():
    env = {"ANTHROPIC_BASE_URL": "https://proxy.example/anthropic/", "OLLAMA_HOST": "0.0.0.0:11500"}
    settings = config.Settings()
    urls = {e.id: e.base_url for e in settings.endpoints(env)}
    assert urls == {"anthropic": "https://proxy.example/anthropic", "openai": "https://api.openai.com/v1",
                    "ollama": "http://127.0.0.1:11500", "builtin": ""}  # the built-in engine has no URL
    settings.anthropic_base_url = "https://mine.example"
    settings.ollama_host = "gpu-box.lan"
    urls = {e.id: e.base_url for e in settings.endpoints(env)}
    assert urls["anthropic"] == "https://mine.example" and urls["ollama"] == "http://gpu-box.lan:11434"


@pytest.mark.parametrize("raw, expected", [
    ("127.0.0.1:11434", "http://127.0.0.1:11434"),
    ("http://localhost:11434/", "http://localhost:11434"),
    ("https://ollama.example", "https://ollama.example:443"),
    ("[::1]:8080", "http://[::1]:8080"),
    ("0.0.0.0", "http://127.0.0.1:11434"),
])
def test_ollama_host_is_normalised_like_ollama_does(raw, expected):
    assert config.normalize_ollama_host(raw) == expected


def test_custom_endpoints_validate_their_url_and_name():
    settings = config.Settings()
    added = settings.add_custom_endpoint("DeepSeek", "https://api.deepseek.com/v1/")
    assert (added.id, added.base_url) == ("deepseek", "https://api.deepseek.com/v1")
    with pytest.raises(ValueError, match="must start with http"):
        settings.add_custom_endpoint("Bad", "api.example.com")
    with pytest.raises(ValueError, match="already exists"):
        settings.add_custom_endpoint("deepseek", "https://x.example")
    with pytest.raises(ValueError, match="at least one letter"):
        settings.add_custom_endpoint("!!!", "https://x.example")
    assert settings.endpoint("deepseek").needs_key is False


def test_settings_round_trip_and_a_damaged_file_is_kept_aside(data_home):
    settings = config.Settings(theme="dark", language="zh_CN", max_attempts=2)
    settings.add_custom_endpoint("LM Studio", "http://127.0.0.1:1234/v1")
    config.save_settings(settings)
    assert config.load_settings() == settings
    config.settings_path().write_text("{ not json")
    assert config.load_settings() == config.Settings()
    assert (data_home / "settings.damaged.json").read_text() == "{ not json"


def test_settings_never_hold_a_key(data_home):
    settings = config.Settings()
    credentials.save_key(settings.endpoint("openai"), settings, "sk-should-not-be-on-disk-42")
    config.save_settings(settings)
    assert "sk-should-not-be-on-disk-42" not in config.settings_path().read_text()
    assert json.loads(config.settings_path().read_text())["key_hosts"] == {"openai": "api.openai.com"}


def test_environment_keys_are_fallbacks_for_their_own_host_only():
    settings = config.Settings()
    env = {"OPENAI_API_KEY": "sk-env"}
    assert credentials.resolve_key(settings.endpoint("openai", env), settings, env) == "sk-env"
    settings.openai_base_url = "https://someone-else.example/v1"
    with pytest.raises(KeyHostMismatchError, match="OPENAI_API_KEY is meant for api.openai.com"):
        credentials.resolve_key(settings.endpoint("openai", env), settings, env)
    env_with_url = {"OPENAI_API_KEY": "sk-env", "OPENAI_BASE_URL": "https://someone-else.example/v1"}
    assert credentials.resolve_key(settings.endpoint("openai", env_with_url), settings, env_with_url) == "sk-env"


def test_keyring_beats_environment_and_custom_endpoints_never_borrow_the_openai_key():
    settings = config.Settings()
    settings.add_custom_endpoint("Other", "https://other.example/v1")
    env = {"OPENAI_API_KEY": "sk-env"}
    credentials.save_key(settings.endpoint("openai", env), settings, "sk-keyring")
    assert credentials.resolve_key(settings.endpoint("openai", env), settings, env) == "sk-keyring"
    assert credentials.resolve_key(settings.endpoint("other", env), settings, env) is None


def test_confirming_a_new_host_moves_the_binding():
    settings = config.Settings()
    credentials.save_key(settings.endpoint("anthropic", {}), settings, "sk-a")
    settings.anthropic_base_url = "https://gateway.example"
    endpoint = settings.endpoint("anthropic", {})
    with pytest.raises(KeyHostMismatchError):
        credentials.resolve_key(endpoint, settings, {})
    credentials.confirm_key_host(endpoint, settings)
    assert credentials.resolve_key(endpoint, settings, {}) == "sk-a"


def test_without_a_working_keyring_the_message_names_the_alternative(monkeypatch):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    import keyring.core

    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    settings = config.Settings()
    with pytest.raises(MissingKeyError, match="No system keyring is available.*ANTHROPIC_API_KEY"):
        credentials.resolve_key(settings.endpoint("anthropic", {}), settings, {})
    with pytest.raises(Exception, match="No system keyring"):
        secrets.set_key("anthropic", "sk-x")
    assert secrets.backend_name() == "none"
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)


@pytest.mark.parametrize("bad, message", [("", "empty"), ("sk one two", "spaces")])
def test_a_malformed_key_is_refused_with_a_reason(bad, message):
    with pytest.raises(ValueError, match=message):
        secrets.set_key("anthropic", bad)


def test_a_key_with_no_recorded_host_only_goes_to_the_public_host():
    secrets.set_key("anthropic", "sk-from-another-tool")  # no binding recorded
    settings = config.Settings()
    assert credentials.resolve_key(settings.endpoint("anthropic", {}), settings, {}) == "sk-from-another-tool"
    settings.anthropic_base_url = "http://127.0.0.1:9/"
    with pytest.raises(KeyHostMismatchError):
        credentials.resolve_key(settings.endpoint("anthropic", {}), settings, {})
