"""API keys against a real Secret Service (gnome-keyring on a private D-Bus session).

Run by scripts/test.sh under `dbus-run-session -- scripts/with_gnome_keyring.sh pytest -m keyring`.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_chat import config, secrets
from desktop_chat.chat import credentials

pytestmark = pytest.mark.keyring

KEY = "sk-ant-test-0123456789abcdefSECRET"


@pytest.fixture(autouse=True)
def _real_secret_service():
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        pytest.fail("keyring tests need a D-Bus session with gnome-keyring (see scripts/test.sh)")
    assert "SecretService" in secrets.backend_name(), secrets.backend_name()
    yield
    for endpoint_id in ("anthropic", "openai", "deepseek"):
        secrets.delete_key(endpoint_id)


def test_set_get_delete_round_trip_through_the_secret_service():
    secrets.set_key("anthropic", KEY)
    assert secrets.get_key("anthropic") == KEY
    assert secrets.delete_key("anthropic") is True
    assert secrets.get_key("anthropic") is None
    assert secrets.delete_key("anthropic") is False


def test_the_key_is_held_by_the_secret_service_not_by_any_file(data_home: Path):
    settings = config.Settings()
    credentials.save_key(settings.endpoint("anthropic"), settings, KEY)
    config.save_settings(settings)
    # The Secret Service's own API returns it: it lives in the keyring daemon.
    import secretstorage

    connection = secretstorage.dbus_init()
    items = list(secretstorage.get_default_collection(connection).search_items(
        {"service": secrets.SERVICE, "username": "anthropic"}))
    assert [item.get_secret().decode() for item in items] == [KEY]
    # …and nothing under the app's data dir contains it.
    for path in data_home.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


def test_cli_keys_set_list_delete_with_the_key_on_stdin(data_home: Path):
    env = {**os.environ, "DESKTOP_CHAT_HOME": str(data_home)}
    run = lambda *args, stdin="": subprocess.run(  # noqa: E731
        [sys.executable, "-m", "desktop_chat", "keys", *args], input=stdin, env=env,
        capture_output=True, text=True, timeout=60)
    saved = run("set", "openai", stdin=KEY + "\n")
    assert saved.returncode == 0, saved.stderr
    assert KEY not in saved.stdout and "…" in saved.stdout
    listed = run("list")
    assert listed.returncode == 0
    assert "SecretService" in listed.stdout
    assert "openai" in listed.stdout and KEY not in listed.stdout
    assert secrets.get_key("openai") == KEY
    assert run("delete", "openai").returncode == 0
    assert secrets.get_key("openai") is None


def test_a_key_bound_to_one_host_is_not_sent_to_another():
    settings = config.Settings()
    credentials.save_key(settings.endpoint("openai"), settings, KEY)
    assert credentials.resolve_key(settings.endpoint("openai"), settings) == KEY
    settings.openai_base_url = "https://attacker.example/v1"
    from desktop_chat.domain.errors import KeyHostMismatchError

    with pytest.raises(KeyHostMismatchError, match="api.openai.com"):
        credentials.resolve_key(settings.endpoint("openai"), settings)
