"""`desktop-chat --smoke` from source: the same checks CI runs on the bundle (build/ci_bundle.sh).

Each test starts `python -m desktop_chat --smoke` in its own process, offscreen, with the test's
DESKTOP_CHAT_HOME and the in-memory keyring (tests.fakes.memory_keyring).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKS = ("version", "data", "qt", "resources", "window", "language", "keyring", "certificates", "pdf",
          "providers", "shutdown")


def smoke(*options: str, **env_changes: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("LANGUAGE", None)
    env.update(QT_QPA_PLATFORM="offscreen", LANG="en_US.UTF-8", LC_ALL="en_US.UTF-8",
               PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    env.update(env_changes)
    return subprocess.run([sys.executable, "-m", "desktop_chat", "--smoke", *options], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


def lines_by_check(stdout: str) -> dict[str, str]:
    out = {}
    for line in stdout.splitlines():
        verdict, _, rest = line.partition(" ")
        name, _, _detail = rest.strip().partition(":")
        if verdict in ("ok", "FAIL"):
            out[name] = line
    return out


def test_smoke_passes_and_prints_one_line_per_check(data_home):
    result = smoke("--expect-language", "en")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = lines_by_check(result.stdout)
    assert tuple(lines) == CHECKS
    assert all(line.startswith("ok   ") for line in lines.values()), result.stdout
    assert "Send button is named “Send message”" in lines["language"]
    assert "in use: tests.fakes.memory_keyring.MemoryKeyring" in lines["keyring"]
    assert "SecretService" in lines["keyring"]  # found through keyring's entry points
    assert str(data_home) in lines["data"]  # the given data dir, not a throwaway one
    assert result.stdout.rstrip().splitlines()[-1].startswith(f"smoke: all {len(CHECKS)} checks passed")


def test_smoke_shows_the_chinese_ui_under_a_chinese_locale(data_home):
    result = smoke("--expect-language", "zh_CN", LANG="zh_CN.UTF-8", LC_ALL="zh_CN.UTF-8", LANGUAGE="zh_CN")
    assert result.returncode == 0, result.stdout + result.stderr
    language = lines_by_check(result.stdout)["language"]
    assert language.startswith("ok   language: zh_CN")
    assert "“发送消息”" in language and "“取消”" in language  # ours and Qt's own catalogue


def test_smoke_fails_on_missing_ca_certificates_and_on_the_wrong_language(data_home, tmp_path):
    # One run, two broken conditions (each run costs seconds): a CA file that is not there, as
    # SSL_CERT_FILE makes both HTTP clients use it, and a Chinese UI expected under an English locale.
    result = smoke("--expect-language", "zh_CN", SSL_CERT_FILE=str(tmp_path / "missing-ca-bundle.pem"))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = lines_by_check(result.stdout)
    assert lines["certificates"].startswith("FAIL certificates:")
    assert "missing-ca-bundle.pem" in lines["certificates"]
    assert lines["language"].startswith("FAIL language: en")
    assert lines["window"].startswith("ok   ")  # the other checks still ran
    assert f"2 of {len(CHECKS)} checks FAILED (language, certificates)" in result.stdout
