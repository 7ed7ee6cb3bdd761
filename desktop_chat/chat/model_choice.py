"""Where a turn goes when the caller did not say: the endpoint and model, from the settings'
defaults, else the endpoint's first listed model, with a message that says how to get one when
there is none."""

from __future__ import annotations

from desktop_chat.chat.pool import ProviderPool
from desktop_chat.config import DEFAULT_MODELS, Endpoint, Settings
from desktop_chat.domain import errors
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text
from desktop_chat.providers import capabilities


async def resolve_model(pool: ProviderPool, settings: Settings, endpoint_id: str | None,
                        model: str | None) -> tuple[Endpoint, str]:
    """The endpoint and model a turn goes to: as given, else the settings' defaults, else the
    endpoint's first listed model. ConfigurationError for an unknown endpoint."""
    try:
        endpoint = pool.endpoint(endpoint_id or settings.default_endpoint)
    except KeyError as exc:
        raise errors.ConfigurationError(exc.args[0]) from None  # a Text from Settings.endpoint
    model = model or settings.default_models.get(endpoint.id) or DEFAULT_MODELS.get(endpoint.kind)
    if not model:
        model = await _first_listed_model(pool, endpoint)
    return endpoint, model


async def _first_listed_model(pool: ProviderPool, endpoint: Endpoint) -> str:
    try:
        models = await pool.list_models(endpoint.id)
    except errors.ChatError as exc:
        raise errors.ConfigurationError(
            Text.of(QT_TRANSLATE_NOOP("engine", "No model chosen for {provider}, and its models could not be "
                                                "listed: {error}"),
                    provider=endpoint.label, error=exc.text),
            provider=endpoint.label,
            action=exc.action,  # what fixes the listing fixes this (start Ollama, the key…)
        ) from None
    if not models:
        source = capabilities(endpoint.kind).model_source
        if source == "pulled":
            text = Text.of(QT_TRANSLATE_NOOP("engine", "{provider} has no models to choose from. "
                                                       "Pull one with `ollama pull NAME`."),
                           provider=endpoint.label)
            raise errors.ConfigurationError(text, provider=endpoint.label, action=errors.ErrorAction.NONE)
        if source == "files":
            text = Text.of(QT_TRANSLATE_NOOP("engine", "There is no built-in model yet. Install the default one "
                                                       "with `desktop-chat models install smollm2`, or add a "
                                                       "GGUF file in Settings."))
        else:
            text = Text.of(QT_TRANSLATE_NOOP("engine", "{provider} has no models to choose from."),
                           provider=endpoint.label)
        raise errors.ConfigurationError(text, provider=endpoint.label)
    return models[0].id
