"""Live providers, one per endpoint, built lazily and rebuilt when their key or URL changes.

Also holds the per-endpoint limit on concurrent requests, so that a burst of turns queues here
instead of tripping the provider's rate limits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from desktop_chat.chat.credentials import resolve_key
from desktop_chat.config import Endpoint, Settings
from desktop_chat.providers import ModelInfo, Provider, ProviderConfig, Timeouts, create_provider


class ProviderPool:
    def __init__(self, settings: Settings, environ: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self._environ = environ
        self._providers: dict[str, tuple[tuple[str, str | None], Provider]] = {}
        self._limits: dict[str, asyncio.Semaphore] = {}

    def endpoint(self, endpoint_id: str) -> Endpoint:
        return self.settings.endpoint(endpoint_id, self._environ)  # type: ignore[arg-type]

    async def provider(self, endpoint: Endpoint) -> Provider:
        """The provider for `endpoint`, with its key resolved off the event loop.

        The keyring may block on an unlock prompt and the first SDK import takes most of a
        second, so both run in a worker thread.
        """
        key = await asyncio.to_thread(resolve_key, endpoint, self.settings, self._environ)
        identity = (endpoint.base_url, key)
        cached = self._providers.get(endpoint.id)
        if cached is not None and cached[0] == identity:
            return cached[1]
        config = ProviderConfig(
            endpoint_id=endpoint.id,
            label=endpoint.label,
            base_url=endpoint.base_url,
            api_key=key,
            timeouts=Timeouts(connect=self.settings.connect_timeout, read=self.settings.read_timeout),
        )
        provider = await asyncio.to_thread(create_provider, endpoint.kind, config)
        if endpoint.kind == "ollama":
            # The user's per-model options (num_ctx, temperature, keep_alive), read at each request.
            provider.model_options = lambda: self.settings.ollama_model_options  # type: ignore[attr-defined]
        self._providers[endpoint.id] = (identity, provider)
        if cached is not None:
            await cached[1].aclose()
        return provider

    def limit(self, endpoint_id: str) -> asyncio.Semaphore:
        if endpoint_id not in self._limits:
            self._limits[endpoint_id] = asyncio.Semaphore(max(1, self.settings.concurrent_requests))
        return self._limits[endpoint_id]

    async def list_models(self, endpoint_id: str) -> list[ModelInfo]:
        provider = await self.provider(self.endpoint(endpoint_id))
        return await provider.list_models()

    async def reset(self) -> None:
        """Forget every live provider (after Settings changed keys, URLs or timeouts)."""
        providers, self._providers = self._providers, {}
        self._limits = {}
        for _, provider in providers.values():
            await provider.aclose()

    aclose = reset
