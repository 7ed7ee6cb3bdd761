"""The local API server: every configured model behind one endpoint on this machine.

A front end beside ui/ and cli/: it runs the same engine in-process (chat/: AppServices, the
engine's retries, per-provider limit and request log) and never reaches a provider directly.

Routes (all but ``/health``, ``/docs`` and ``/openapi.json`` need the token, as
``Authorization: Bearer …`` or ``x-api-key: …``):

- OpenAI-compatible: ``POST /v1/chat/completions`` (streaming or not), ``GET /v1/models``
  (openai_wire.py);
- Anthropic-compatible: ``POST /v1/messages`` (anthropic_wire.py);
- the simple API of the service this app grew from: ``POST /ai/chat/stream``,
  ``POST /ai/conversation``, ``DELETE /ai/conversation/{session_id}``, ``POST /analyze/pdf``,
  ``GET /health`` (simple_routes.py).

Models are named ``endpoint/model`` (``openai/gpt-4o``, ``ollama/llama3.2:latest``); a name
without a known endpoint prefix goes to the default endpoint.

This package's own modules import FastAPI and uvicorn; this file and options.py do not, so that
the window can hold a LocalServer (running.py imports the web stack only in ``start``).
"""

from desktop_chat.server.options import ServerOptions, ServerStats
from desktop_chat.server.running import LocalServer

__all__ = ["LocalServer", "ServerOptions", "ServerStats"]
