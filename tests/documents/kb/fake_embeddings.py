"""A loopback embeddings server speaking Ollama's POST /api/embed and OpenAI's POST /v1/embeddings
(as documented by each), with vectors from hashed words (64 dimensions): real enough that
similar texts get similar vectors, and every request is recorded."""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DIMENSIONS = 64


def embed(text: str) -> list[float]:
    vector = [0.0] * DIMENSIONS
    for word in re.findall(r"\w+", text.lower()):
        slot = int(hashlib.md5(word.encode()).hexdigest(), 16) % DIMENSIONS
        vector[slot] += 1.0
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [v / norm * 3.0 for v in vector]  # not unit length: the client must normalise


class FakeEmbeddings:
    def __init__(self, status: int = 200) -> None:
        self.requests: list[tuple[str, dict[str, str], Any]] = []
        self.status = status
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append((self.path, dict(self.headers), body))
                texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
                if fake.status != 200:
                    answer: Any = {"error": {"message": "model not found"}}
                elif self.path == "/api/embed":
                    answer = {"model": body["model"], "embeddings": [embed(t) for t in texts]}
                elif self.path == "/v1/embeddings":
                    data = [{"object": "embedding", "index": i, "embedding": embed(t)} for i, t in enumerate(texts)]
                    answer = {"object": "list", "data": list(reversed(data)), "model": body["model"]}
                else:
                    fake.status, answer = 404, {"error": "not found"}
                raw = json.dumps(answer).encode()
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeEmbeddings:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
