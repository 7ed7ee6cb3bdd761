"""Images in a turn: whether the model can see them, and their bytes for the request.

An image the user attached is stored once, cleaned (documents/images.py: orientation applied,
metadata gone), by the hash of its bytes in the data dir, and named in its message's parts by an
ImagePart. Every request built from a branch that holds it sends it again, fitted to that
provider's declared limits (providers/capabilities.py: long edge, bytes, count), so follow-ups,
regenerate, versions, edits and forks all see it.

Whether a model sees images, in order:

1. the user's override for that model (Settings.vision_models, set in the model manager);
2. what its provider declares for it: the family (every Claude model), the documented cloud
   families by name, or what the provider says of the model itself (Ollama's /api/show
   ``capabilities``: "vision").

A turn with images for a model that cannot see them is stopped before the request, with one
sentence (NoVisionError, whose action is to choose another model); an image is never dropped.
Loading and fitting happen in a worker thread; the fitted bytes are kept for the next turn.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from desktop_chat.config import Endpoint, Settings
from desktop_chat.domain import errors
from desktop_chat.domain.messages import Message
from desktop_chat.domain.parts import ImagePart, InlineImage
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text
from desktop_chat.providers import capabilities

if TYPE_CHECKING:
    from desktop_chat.chat.pool import ProviderPool
    from desktop_chat.documents import DocumentLibrary

__all__ = ["ImageSender", "NoVisionError", "TooManyImagesError", "message_images", "vision_override"]

log = logging.getLogger(__name__)

FITTED_CACHE = 48  # fitted images kept in memory (a few MB each at most)


class NoVisionError(errors.ConfigurationError):
    """The chosen model cannot see images; nothing was sent. Offer to pick another model."""

    default_action = errors.ErrorAction.CHOOSE_MODEL


class TooManyImagesError(errors.AttachmentError):
    """More images in the request than the provider takes in one."""


def message_images(message: Message) -> list[ImagePart]:
    return [part for part in message.typed_parts if isinstance(part, ImagePart)]


def vision_override(settings: Settings, endpoint_id: str, model: str) -> bool | None:
    """The user's word on whether *model* sees images, or None."""
    value = getattr(settings, "vision_models", {}).get(endpoint_id, {}).get(model)
    return value if isinstance(value, bool) else None


class ImageSender:
    """The engine's images: the check before a turn and the parts that carry them."""

    def __init__(self, settings: Settings, pool: ProviderPool, library: Callable[[], DocumentLibrary]) -> None:
        self.settings = settings
        self.pool = pool
        self._library = library
        self._fitted: OrderedDict[tuple[str, int, int], InlineImage] = OrderedDict()
        self._lock = threading.Lock()

    async def sees_images(self, endpoint: Endpoint, model: str) -> bool:
        override = vision_override(self.settings, endpoint.id, model)
        if override is not None:
            return override
        if capabilities(endpoint.kind, model).images:
            return True
        from desktop_chat.providers.base import DescribesModels

        provider = await self.pool.provider(endpoint)
        if not isinstance(provider, DescribesModels):
            return False
        try:
            info = await provider.show(model)
        except errors.ChatError as exc:  # unknown: the model may still answer; say it cannot see
            log.info("could not ask %s what %s can do: %s", endpoint.id, model, type(exc).__name__)
            return False
        return capabilities(endpoint.kind, model, info).images

    async def check(self, endpoint: Endpoint, model: str, count: int) -> None:
        """Raise NoVisionError / TooManyImagesError for *count* images going to *model*."""
        if count == 0:
            return
        if not await self.sees_images(endpoint, model):
            raise NoVisionError(Text.of(QT_TRANSLATE_NOOP(
                "engine", "{model} cannot see images, so nothing was sent: choose a model that can (if this one "
                          "can, right-click it in the model list and choose “Sees images”)."),
                model=model), provider=endpoint.label)
        limit = capabilities(endpoint.kind, model).images_per_request or 0
        if limit and count > limit:
            raise TooManyImagesError(Text.of(QT_TRANSLATE_NOOP(
                "engine", "This request would carry {count} images, more than the {limit} that {provider} takes "
                          "at once: remove some, or start a new conversation."),
                count=count, limit=limit, provider=endpoint.label), provider=endpoint.label)

    async def request_images(self, history: Sequence[Message], endpoint: Endpoint,
                             model: str) -> dict[str, list[InlineImage]]:
        """The images of the branch's user messages, by message id, fitted to the provider."""
        wanted = {m.id: message_images(m) for m in history if m.role == "user"}
        wanted = {key: images for key, images in wanted.items() if images}
        if not wanted:
            return {}
        await self.check(endpoint, model, sum(len(images) for images in wanted.values()))
        caps = capabilities(endpoint.kind, model)
        return await asyncio.to_thread(self._load, wanted, caps.image_max_edge or 2048,
                                       caps.image_max_bytes or 8_000_000)

    def _load(self, wanted: Mapping[str, list[ImagePart]], edge: int, size: int) -> dict[str, list[InlineImage]]:
        from desktop_chat.documents import DocumentError
        from desktop_chat.documents.images import ImageLimits, fit_image

        out: dict[str, list[InlineImage]] = {}
        library = self._library()
        for message_id, images in wanted.items():
            for image in images:
                key = (image.sha256, edge, size)
                with self._lock:
                    inline = self._fitted.get(key)
                if inline is None:
                    try:
                        data = library.original(image.sha256)
                        fitted, media_type, _, _ = fit_image(data, image.media_type, ImageLimits(edge, size),
                                                             image.file_name)
                    except DocumentError as exc:
                        raise errors.AttachmentError(getattr(exc, "text", None) or Text.of(QT_TRANSLATE_NOOP(
                            "engine", "The image “{name}” is no longer stored: attach it again."),
                            name=image.file_name or image.sha256[:12])) from None
                    inline = InlineImage(media_type, base64.b64encode(fitted).decode("ascii"))
                    with self._lock:
                        self._fitted[key] = inline
                        while len(self._fitted) > FITTED_CACHE:
                            self._fitted.popitem(last=False)
                out.setdefault(message_id, []).append(inline)
        return out
