"""What a GGUF file says about itself, read from its header without loading the model.

GGUF (llama.cpp's model format, spec: ggml/docs/gguf.md) starts with

    magic "GGUF" · version u32 (2 or 3) · tensor_count u64 · kv_count u64
    kv_count × (key: string, value_type: u32, value)

strings are a u64 length and UTF-8 bytes; arrays are an element type u32, a count u64 and the
elements. All little-endian. Only the metadata is read (a few kilobytes, plus skipping the
tokenizer's arrays), so listing a folder of multi-gigabyte models stays instant, and it needs
neither llama_cpp nor numpy: the registry and the CLI can describe models on a machine where the
built-in engine is not installed.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

__all__ = ["GGUF_MAGIC", "GGUFError", "GGUFInfo", "is_gguf", "read_gguf_info"]

GGUF_MAGIC = b"GGUF"
_MAX_KV = 1_000_000  # a sane header has a few dozen; garbage must not send us looping
_MAX_STRING = 64 * 1024 * 1024
_MAX_ARRAY = 50_000_000

# value type -> struct format of one scalar
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9

# general.file_type (llama_ftype) -> the quantisation's usual name
_FILE_TYPES = {0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
               11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S",
               17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS",
               23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S",
               29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16"}


class GGUFError(ValueError):
    """Not a GGUF file, or a damaged one. `reason` is a short English phrase for logs."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class GGUFInfo:
    version: int
    name: str | None  # general.name, e.g. "SmolLM2 135M Instruct"
    architecture: str | None  # general.architecture, e.g. "llama"
    context_length: int | None  # <arch>.context_length: the context the model was trained for
    quantization: str | None  # from general.file_type, e.g. "Q4_1"
    size_label: str | None  # general.size_label, e.g. "135M"
    chat_template: str | None  # tokenizer.chat_template (Jinja), used to format conversations
    metadata: dict[str, Any] = field(default_factory=dict, repr=False)  # scalar and string values only


def is_gguf(path: str | Path) -> bool:
    """True if the file starts with the GGUF magic bytes (False if it cannot be read)."""
    try:
        with open(path, "rb") as f:
            return f.read(4) == GGUF_MAGIC
    except OSError:
        return False


def read_gguf_info(path: str | Path) -> GGUFInfo:
    """The header of a GGUF file. OSError if unreadable; GGUFError if it is not a (sound) GGUF."""
    with open(path, "rb", buffering=1 << 16) as f:
        if f.read(4) != GGUF_MAGIC:
            raise GGUFError("no GGUF magic bytes")
        version = _unpack(f, "<I")
        if version not in (2, 3):
            raise GGUFError(f"unsupported GGUF version {version}")
        _unpack(f, "<Q")  # tensor count
        kv_count = _unpack(f, "<Q")
        if kv_count > _MAX_KV:
            raise GGUFError("implausible metadata count")
        metadata: dict[str, Any] = {}
        for _ in range(kv_count):
            key = _string(f)
            value_type = _unpack(f, "<I")
            if value_type == _ARRAY:
                _skip_array(f)
            else:
                metadata[key] = _value(f, value_type)
    architecture = _str_or_none(metadata.get("general.architecture"))
    context = metadata.get(f"{architecture}.context_length") if architecture else None
    file_type = metadata.get("general.file_type")
    return GGUFInfo(
        version=version,
        name=_str_or_none(metadata.get("general.name")),
        architecture=architecture,
        context_length=context if isinstance(context, int) and context > 0 else None,
        quantization=_FILE_TYPES.get(file_type) if isinstance(file_type, int) else None,
        size_label=_str_or_none(metadata.get("general.size_label")),
        chat_template=_str_or_none(metadata.get("tokenizer.chat_template")),
        metadata=metadata,
    )


def _unpack(f: BinaryIO, fmt: str) -> Any:
    size = struct.calcsize(fmt)
    data = f.read(size)
    if len(data) != size:
        raise GGUFError("the file ends inside its header")
    return struct.unpack(fmt, data)[0]


def _string(f: BinaryIO) -> str:
    length = _unpack(f, "<Q")
    if length > _MAX_STRING:
        raise GGUFError("implausible string length")
    data = f.read(length)
    if len(data) != length:
        raise GGUFError("the file ends inside its header")
    return data.decode("utf-8", "replace")


def _value(f: BinaryIO, value_type: int) -> Any:
    if value_type == _STRING:
        return _string(f)
    fmt = _SCALARS.get(value_type)
    if fmt is None:
        raise GGUFError(f"unknown value type {value_type}")
    return _unpack(f, fmt)


def _skip_array(f: BinaryIO) -> None:
    element_type = _unpack(f, "<I")
    count = _unpack(f, "<Q")
    if count > _MAX_ARRAY:
        raise GGUFError("implausible array length")
    if element_type == _STRING:
        for _ in range(count):
            length = _unpack(f, "<Q")
            if length > _MAX_STRING:
                raise GGUFError("implausible string length")
            f.seek(length, 1)
    elif element_type == _ARRAY:
        for _ in range(count):
            _skip_array(f)
    else:
        fmt = _SCALARS.get(element_type)
        if fmt is None:
            raise GGUFError(f"unknown array element type {element_type}")
        f.seek(struct.calcsize(fmt) * count, 1)


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
