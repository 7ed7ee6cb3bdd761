"""Live providers, one per endpoint, built lazily and rebuilt when their key or URL changes.

Also holds the per-endpoint limit on concurrent requests, so that a burst of turns queues here
instead of tripping the provider's rate limits.

Keys are read from the keyring in a worker thread (it may block on an unlock prompt) once per
endpoint and then remembered, so that a turn does not wait for a thread hop (tens of
milliseconds while the window is busy) before its request goes out. A remembered key is tied to
what decided it (the endpoint's kind and base URL, the host the key was saved for, the
environment's values), so a key never follows a changed URL to another host: any change there
reads the keyring again, through resolve_key and its host check. `forget_keys` (Settings saved,
the provider refused the key) and `reset` drop what is remembered.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from typing import Any

from desktop_chat.chat.credentials import resolve_key
from desktop_chat.config import Endpoint, Settings
from desktop_chat.providers import (ModelInfo, Provider, ProviderConfig, ProviderDependencies, Timeouts, capabilities,
                                   create_provider)


class ProviderPool:
    def __init__(self, settings: Settings, environ: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self._environ = environ
        self._providers: dict[str, tuple[tuple[str, str | None], Provider]] = {}
        self._limits: dict[str, asyncio.Semaphore] = {}
        self._keys: dict[str, tuple[tuple[Any, ...], str | None]] = {}  # endpoint id -> (what decided it, key)

    def endpoint(self, endpoint_id: str) -> Endpoint:
        return self.settings.endpoint(endpoint_id, self._environ)  # type: ignore[arg-type]

    async def provider(self, endpoint: Endpoint) -> Provider:
        """The provider for `endpoint`, with its key resolved off the event loop.

        The keyring may block on an unlock prompt and the first SDK import takes most of a
        second, so both run in a worker thread.
        """
        key = await self.key(endpoint)
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
        provider = await asyncio.to_thread(create_provider, endpoint.kind, config, self._dependencies(endpoint))
        self._providers[endpoint.id] = (identity, provider)
        if cached is not None:
            await cached[1].aclose()
        return provider

    def _dependencies(self, endpoint: Endpoint) -> ProviderDependencies:
        """What the provider for `endpoint` needs from the app, by what its family can do; the
        factory hands each family only what it takes."""
        caps = capabilities(endpoint.kind)
        # The user's per-model options (num_ctx, temperature, keep_alive), read at each request.
        options = (lambda: self.settings.ollama_model_options) if caps.per_model_options else None
        if not caps.in_process:
            return ProviderDependencies(model_options=options)
        # The built-in engine: which GGUF files exist, and how to run them, read at each turn.
        from desktop_chat.chat.local_models import LocalModels

        models = LocalModels(self.settings)
        return ProviderDependencies(model_options=options, catalog=models, runtime=models.runtime)

    async def key(self, endpoint: Endpoint) -> str | None:
        """The key for `endpoint` (see resolve_key), read in a worker thread the first time only.

        Errors (no key, a key saved for another host, the keyring locked) are not remembered:
        the next call asks again.
        """
        stamp = self._key_stamp(endpoint)
        known = self._keys.get(endpoint.id)
        if known is not None and known[0] == stamp:
            return known[1]
        key = await asyncio.to_thread(resolve_key, endpoint, self.settings, self._environ)
        self._keys[endpoint.id] = (stamp, key)
        return key

    def forget_keys(self, endpoint_id: str | None = None) -> None:
        """Read the keyring again next time (for one endpoint, or all)."""
        if endpoint_id is None:
            self._keys.clear()
        else:
            self._keys.pop(endpoint_id, None)

    def _key_stamp(self, endpoint: Endpoint) -> tuple[Any, ...]:
        env = os.environ if self._environ is None else self._environ
        return (endpoint.kind, endpoint.base_url, endpoint.host, endpoint.needs_key,
                self.settings.key_hosts.get(endpoint.id),
                env.get(endpoint.key_env) if endpoint.key_env else None,
                env.get(endpoint.base_url_env) if endpoint.base_url_env else None)

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
        self._keys.clear()
        for _, provider in providers.values():
            await provider.aclose()

    aclose = reset
