"""Does a service answer with this key, before anything is saved? (the first-start welcome's Test)

A throw-away provider is built for one model listing with the typed key, then closed: nothing
goes to the keyring or the settings file, and the pool's live providers are not touched. The
listing is a real request to the service, so a wrong key, a wrong address or a server that is not
running comes back as the project's own error (domain/errors.py), worded for the user.
The SDK import runs in a worker thread, as the pool does it (ProviderPool.provider).
"""

from __future__ import annotations

import asyncio

from desktop_chat.config import Settings
from desktop_chat.providers import ModelInfo, ProviderConfig, Timeouts, create_provider

__all__ = ["check_connection"]


async def check_connection(settings: Settings, *, kind: str, label: str, base_url: str,
                           key: str | None) -> list[ModelInfo]:
    """The models `base_url` lists for `key` (None: a key-less server); raises a ChatError."""
    config = ProviderConfig(
        endpoint_id=f"check-{kind}",
        label=label,
        base_url=base_url.rstrip("/"),
        api_key=(key or "").strip() or None,
        timeouts=Timeouts(connect=settings.connect_timeout, read=settings.read_timeout),
    )
    provider = await asyncio.to_thread(create_provider, kind, config)
    try:
        return await provider.list_models()
    finally:
        await provider.aclose()
