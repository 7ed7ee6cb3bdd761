"""`desktop-chat serve`: the token, the binding rule, and a real run in a child process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import openai

from desktop_chat import cli
from desktop_chat.config import save_settings
from tests import wiring
from tests.fakes.loopback import free_port
from tests.fakes.openai_server import FakeOpenAI

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*argv: str) -> tuple[int, str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_show_token_is_stable_and_env_overrides(monkeypatch) -> None:
    code, first, _ = run_cli("serve", "--show-token")
    assert code == 0 and first.strip().startswith("dc-")
    assert run_cli("serve", "--show-token")[1] == first
    monkeypatch.setenv("DESKTOP_CHAT_SERVER_TOKEN", "my-own-token")
    assert run_cli("serve", "--show-token")[1] == "my-own-token\n"


def test_another_interface_needs_allow_remote() -> None:
    code, _, err = run_cli("serve", "--host", "0.0.0.0")
    assert code == 2 and "--allow-remote" in err


def test_serve_in_a_terminal_answers_logs_and_stops_on_ctrl_c(data_home) -> None:
    with FakeOpenAI() as fake:
        settings = wiring.settings_for("local", fake)  # key-less: the child's keyring is empty
        save_settings(settings)
        port = free_port()
        env = dict(os.environ, DESKTOP_CHAT_SERVER_TOKEN="tok-123", PYTHONPATH=str(ROOT))
        child = subprocess.Popen([sys.executable, "-m", "desktop_chat", "serve", "--port", str(port)],
                                 cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            banner = child.stdout.readline()  # type: ignore[union-attr]
            assert f"http://127.0.0.1:{port}" in banner, banner + (child.stderr.read() if child.poll() else "")
            sdk = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="tok-123", max_retries=0)
            answer = sdk.chat.completions.create(model="local/local-model", messages=[{"role": "user", "content": "Hi"}])
            assert answer.choices[0].message.content == "Hello, world!"
            assert httpx.get(f"http://127.0.0.1:{port}/v1/models").status_code == 401
        finally:
            child.send_signal(signal.SIGINT)
            out, err = child.communicate(timeout=20)
    assert child.returncode == 0, err
    assert "POST /v1/chat/completions 200" in err and "GET /v1/models 401" in err
    assert "Traceback" not in err + out
    assert "Stopped." in err


def test_another_interface_is_served_with_a_warning(data_home) -> None:
    port = free_port()
    env = dict(os.environ, DESKTOP_CHAT_SERVER_TOKEN="tok-123", PYTHONPATH=str(ROOT))
    # 127.0.0.2 is loopback on Linux, yet not this machine's own name: it takes --allow-remote.
    child = subprocess.Popen([sys.executable, "-m", "desktop_chat", "serve", "--host", "127.0.0.2", "--allow-remote",
                              "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        banner = child.stdout.readline()  # type: ignore[union-attr]
        assert f"http://127.0.0.2:{port}" in banner
        assert httpx.get(f"http://127.0.0.2:{port}/health").json()["status"] == "ok"
    finally:
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=20)
    assert err.startswith("WARNING: listening on 127.0.0.2: other machines")
