"""Model names as clients see them (``endpoint/model``) and the list ``GET /v1/models`` answers."""

from __future__ import annotations

import asyncio
import logging
import time

from desktop_chat.chat.app_services import AppServices
from desktop_chat.domain.errors import ChatError

log = logging.getLogger(__name__)
LIST_TIMEOUT = 5.0  # seconds per endpoint: one that does not answer must not hold the list up
LIST_TTL = 60.0  # seconds a listing is reused: tools ask for it often, each asks every provider


def split_model(services: AppServices, name: str | None) -> tuple[str | None, str | None]:
    """(endpoint id, model) for a client's model name: ``openai/gpt-4o`` → ("openai", "gpt-4o");
    a name whose prefix is no endpoint (``gpt-4o``, ``meta-llama/llama-3``) is a model of the
    default endpoint; nothing (or ``default``) is the default endpoint's default model."""
    name = (name or "").strip()
    if not name or name == "default":
        return None, None
    prefix, _, rest = name.partition("/")
    known = {e.id for e in services.settings.endpoints()}
    if rest and prefix in known:
        return prefix, rest
    if name in known:
        return name, None
    return None, name


async def list_models(services: AppServices) -> list[tuple[str, str]]:
    """(endpoint id, model id) of every endpoint that answers, in Settings' order. An endpoint
    without a key, or not running, is left out (said in the log, without a key)."""
    endpoints = services.settings.endpoints()

    async def one(endpoint_id: str) -> list[tuple[str, str]]:
        try:
            models = await asyncio.wait_for(services.pool.list_models(endpoint_id), LIST_TIMEOUT)
        except (ChatError, asyncio.TimeoutError) as exc:
            log.info("models of %s not listed: %s", endpoint_id, type(exc).__name__)
            return []
        except Exception:  # a bug in one endpoint's listing must not hide the others
            log.exception("models of %s not listed", endpoint_id)
            return []
        return [(endpoint_id, m.id) for m in models]

    found = await asyncio.gather(*(one(e.id) for e in endpoints))
    return [pair for pairs in found for pair in pairs]


class ModelList:
    """list_models, reused for LIST_TTL seconds (one listing at a time; concurrent callers share it)."""

    def __init__(self, services: AppServices) -> None:
        self.services = services
        self._found: list[tuple[str, str]] = []
        self._at = -LIST_TTL
        self._lock = asyncio.Lock()

    async def get(self) -> list[tuple[str, str]]:
        async with self._lock:
            if time.monotonic() - self._at >= LIST_TTL:
                self._found = await list_models(self.services)
                self._at = time.monotonic()
            return list(self._found)
