"""The installed wheel, not only the source tree: `pip install .` must ship everything the app reads
at run time (the translations and the icons), or the Chinese UI silently falls back to English.

The wheel is built offline from a copy of the sources (the test extra brings setuptools), installed
with --target into a scratch folder, and started from there with `--smoke` in Chinese, away from
the source tree, so that nothing can be found in the checkout by accident.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNTIME_FILES = (
    "desktop_chat/resources/translations/desktop_chat_zh_CN.qm",
    "desktop_chat/resources/icons/desktop-chat-16.png",
    "desktop_chat/resources/icons/desktop-chat-256.png",
    "desktop_chat/resources/icons/desktop-chat.svg",
    "desktop_chat/py.typed",
)


def _build_wheel(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "desktop_chat", source / "desktop_chat",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "-q", "-w", str(out), str(source)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    (wheel,) = out.glob("desktop_chat-*.whl")
    return wheel


def test_the_wheel_ships_translations_and_icons_and_the_installed_app_speaks_chinese(tmp_path, data_home):
    wheel = _build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = [name for name in RUNTIME_FILES if name not in names]
    assert not missing, f"the wheel lacks {missing}"
    assert not any(name.endswith(".ts") for name in names)  # the editable catalogue is not needed at run time

    target = tmp_path / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--disable-pip-version-check",
         "-q", "--target", str(target), str(wheel)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    # No test keyring here (it lives in tests/, which is not on the path): the null backend, which
    # the smoke accepts as long as the platform's backends are found.
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "PYTHONPATH")}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    env.update(QT_QPA_PLATFORM="offscreen", LANG="zh_CN.UTF-8", LC_ALL="zh_CN.UTF-8", PYTHONPATH=str(target))
    result = subprocess.run(
        [sys.executable, "-m", "desktop_chat", "--smoke", "--expect-language", "zh_CN"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    resources = next(line for line in result.stdout.splitlines() if "resources:" in line)
    assert f"translations in {target / 'desktop_chat' / 'resources' / 'translations'}" in resources, resources
    assert str(ROOT) not in resources  # found in the installed copy, not in this checkout
