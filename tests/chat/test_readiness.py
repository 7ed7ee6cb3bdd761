"""Where a new conversation starts: never on a provider known not to answer (chat/readiness.py)."""

from __future__ import annotations

from desktop_chat.chat import credentials
from desktop_chat.chat.readiness import Readiness, check_keys, starting_endpoint
from desktop_chat.config import Settings

R, K, N = Readiness.READY, Readiness.NEEDS_KEY, Readiness.NOT_RUNNING


def test_keys_from_the_environment_or_the_keyring_make_an_endpoint_ready(monkeypatch) -> None:  # noqa: ANN001
    settings = Settings()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    assert check_keys(settings) == {"anthropic": K, "openai": R}
    credentials.save_key(settings.endpoint("anthropic"), settings, "sk-ant-saved")
    settings.add_custom_endpoint("Local", "http://127.0.0.1:1234/v1")  # key-less: ready as soon as it exists
    assert check_keys(settings) == {"anthropic": R, "openai": R, "local": R}


def test_the_default_is_kept_while_it_can_answer_or_is_not_checked_yet() -> None:
    settings = Settings(default_endpoint="anthropic")
    assert starting_endpoint(settings, {}) == "anthropic"  # nothing known yet: no jumping around
    assert starting_endpoint(settings, {"anthropic": R, "openai": R}) == "anthropic"


def test_a_default_that_cannot_answer_gives_way_to_the_last_that_answered_then_the_first_ready() -> None:
    settings = Settings(default_endpoint="anthropic")
    states = {"anthropic": K, "openai": R, "ollama": N, "builtin": Readiness.NOT_INSTALLED}
    assert starting_endpoint(settings, states) == "openai"
    settings.default_endpoint, settings.last_answered_endpoint = "ollama", "builtin"
    assert starting_endpoint(settings, {**states, "builtin": R}) == "builtin"
    settings.last_answered_endpoint = "gone-endpoint"
    assert starting_endpoint(settings, states) == "openai"
    assert starting_endpoint(settings, {"anthropic": K, "openai": K, "ollama": N}) == "ollama"  # none: as before


def test_an_answer_is_remembered_with_its_model(tmp_path) -> None:  # noqa: ANN001
    from desktop_chat.config import RECENT_MODELS, load_settings, save_settings

    settings = Settings()
    for i in range(RECENT_MODELS + 2):
        settings.note_model_used("openai", f"m{i}")
    settings.note_model_used("openai", "m3")
    assert settings.recent_models["openai"][:2] == ["m3", f"m{RECENT_MODELS + 1}"]
    assert len(settings.recent_models["openai"]) == RECENT_MODELS
    assert settings.last_answered_endpoint == "openai"
    assert settings.toggle_favourite("openai", "gpt-4o") is True
    assert settings.toggle_favourite("openai", "o3") is True
    assert settings.toggle_favourite("openai", "gpt-4o") is False
    save_settings(settings, tmp_path / "s.json")
    again = load_settings(tmp_path / "s.json")
    assert (again.favourite_models, again.recent_models, again.last_answered_endpoint) == (
        {"openai": ["o3"]}, settings.recent_models, "openai")
    (tmp_path / "bad.json").write_text('{"favourite_models": ["x"], "recent_models": {"a": [1]}, '
                                       '"last_answered_endpoint": 5}', encoding="utf-8")
    bad = load_settings(tmp_path / "bad.json")
    assert (bad.favourite_models, bad.recent_models, bad.last_answered_endpoint) == ({}, {}, None)


def test_the_apps_own_records_say_ready_without_the_keyring(monkeypatch) -> None:  # noqa: ANN001
    from desktop_chat import secrets
    from desktop_chat.chat.readiness import check_recorded_keys

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    settings = Settings()
    assert check_recorded_keys(settings) == {"anthropic": K, "openai": K}  # nothing recorded (the keyring may know)
    settings.key_hosts["anthropic"] = "api.anthropic.com"  # a key saved through the app
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    settings.add_custom_endpoint("Local", "http://127.0.0.1:1234/v1")  # needs no key
    assert check_recorded_keys(settings) == {"anthropic": R, "openai": R, "local": R}
    monkeypatch.delenv("OPENAI_API_KEY")
    secrets.set_session_key("openai", "sk-session", "api.openai.com")
    try:
        assert check_recorded_keys(settings)["openai"] is R
    finally:
        secrets.forget_session_key("openai")
