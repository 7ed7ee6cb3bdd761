"""Images a user attaches, made safe and small before anything leaves the machine (Pillow, no Qt).

Two steps, both in a worker thread (decoding a 12-megapixel JPEG takes a good part of a second):

    prepare_image(data, name)      the file → a clean image: first frame only, EXIF orientation
                                   applied, CMYK / 16-bit / palette converted, every piece of
                                   metadata (EXIF with its GPS position, XMP, ICC, text chunks)
                                   left behind, the long edge capped at STORE_MAX_EDGE; encoded
                                   as PNG (transparency, or a lossless source) or JPEG. This is
                                   what is stored (by the hash of these bytes) and re-sent.
    fit_image(data, limits)        a stored image → one that fits a provider's limits (long edge,
                                   bytes): downscaled, and re-encoded as JPEG at falling quality
                                   if the bytes are still over. ImageOverLimit if nothing fits.

Refused with words (ImageError, a DocumentError with a translatable ``text``): a file that is
not an image, a damaged one, and one of more than MAX_PIXELS pixels — a "decompression bomb":
a few kilobytes that decode to gigabytes. The size is read from the header before any pixel is
decoded. An animated image is not refused: its first frame is taken, and a warning says so.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

from desktop_chat.documents.errors import DocumentError
from desktop_chat.documents.signatures import signature
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text

__all__ = ["IMAGE_MEDIA_TYPES", "MAX_PIXELS", "STORE_MAX_EDGE", "DamagedImage", "ImageError", "ImageLimits",
           "ImageOverLimit", "ImageTooManyPixels", "NotAnImage", "PreparedImage", "fit_image", "image_kind",
           "prepare_image"]

# px: what the largest provider limit takes (OpenAI and Ollama 2048; Claude 1568), and a sharp view at
# full size. More would only slow down attaching: a 12-MP photo kept whole took ≈ 0.4 s to prepare.
STORE_MAX_EDGE = 2048
MAX_PIXELS = 100_000_000  # 100 MP: above every camera's normal output; a 200-MP file is refused
JPEG_QUALITY = 88
FIT_QUALITIES = (85, 75, 60, 45)  # tried in turn when an image is over a provider's byte limit

IMAGE_MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}

# The formats we take, as signatures.signature names them (the name of a file is not evidence).
_KINDS = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}


class ImageError(DocumentError):
    """An image that cannot be attached; ``text`` is the sentence, translatable (context "engine")."""

    code = "image_error"

    def __init__(self, text: Text, *, file_name: str = "") -> None:
        super().__init__(text.english(), file_name=file_name)
        self.text = text


class NotAnImage(ImageError):
    code = "not_an_image"


class DamagedImage(ImageError):
    code = "damaged_image"


class ImageTooManyPixels(ImageError):
    code = "image_too_many_pixels"


class ImageOverLimit(ImageError):
    code = "image_over_limit"


@dataclass(frozen=True)
class ImageLimits:
    """What one provider takes per image (providers/capabilities.py declares them)."""

    max_edge: int  # px of the long edge
    max_bytes: int  # bytes of the encoded image, before base64


@dataclass(frozen=True)
class PreparedImage:
    data: bytes
    media_type: str  # image/png or image/jpeg
    width: int
    height: int
    file_name: str
    sha256: str
    original_width: int = 0
    original_height: int = 0
    warnings: tuple[Text, ...] = field(default=())


def image_kind(head: bytes) -> str | None:
    """"PNG", "JPEG", "GIF" or "WEBP" by the first bytes, else None."""
    found = signature(head)
    return _KINDS.get(found[0]) if found is not None else None


def prepare_image(data: bytes, file_name: str) -> PreparedImage:
    """The clean, stored form of an image file's bytes (see the module docstring). Worker thread."""
    from PIL import Image

    kind = image_kind(data[:16])
    if kind is None:
        raise NotAnImage(Text.of(QT_TRANSLATE_NOOP(
            "engine", "“{name}” is not an image that can be sent: only PNG, JPEG, WebP and GIF images are."),
            name=file_name), file_name=file_name)
    image = _open(Image, data, file_name)
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageTooManyPixels(Text.of(QT_TRANSLATE_NOOP(
            "engine", "“{name}” is too large to attach: {width} × {height} pixels ({megapixels} megapixels; "
                      "the limit is {limit})."),
            name=file_name, width=width, height=height, megapixels=round(width * height / 1e6),
            limit=MAX_PIXELS // 1_000_000), file_name=file_name)
    warnings: list[Text] = []
    if getattr(image, "is_animated", False) and getattr(image, "n_frames", 1) > 1:
        warnings.append(Text.of(QT_TRANSLATE_NOOP(
            "engine", "“{name}” is animated: only its first frame is sent."), name=file_name))
    try:
        if image.format == "JPEG" and max(width, height) > STORE_MAX_EDGE:
            # Let the decoder scale by 1/2, 1/4 or 1/8 while it reads: a 12-MP photo decodes in a
            # fraction of the time and memory. A little under the cap is allowed (4000 px → 2000).
            scale = STORE_MAX_EDGE * 0.95 / max(width, height)
            image.draft("RGB", (int(width * scale), int(height * scale)))
        image.seek(0)
        orientation = image.getexif().get(0x0112, 1)
        image.load()
        frame = _normalised(Image, image)
        turn = _ORIENTATIONS.get(orientation)
        if turn is not None:  # the clean copy has no EXIF left to read: turn it as the file said
            frame = frame.transpose(turn)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise _damaged(file_name, exc) from None
    frame.thumbnail((STORE_MAX_EDGE, STORE_MAX_EDGE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    lossless = kind in ("PNG", "GIF") or frame.mode == "RGBA"
    encoded, media_type = _encode(frame, "PNG" if lossless else "JPEG", JPEG_QUALITY)
    if lossless and len(encoded) > 8 * 1024 * 1024 and frame.mode == "RGB":
        encoded, media_type = _encode(frame, "JPEG", JPEG_QUALITY)  # a photo saved as PNG
    return PreparedImage(encoded, media_type, frame.width, frame.height, file_name,
                         hashlib.sha256(encoded).hexdigest(), width, height, tuple(warnings))


def fit_image(data: bytes, media_type: str, limits: ImageLimits, file_name: str = "") -> tuple[bytes, str, int, int]:
    """A stored image (from prepare_image) made to fit *limits*: (bytes, media type, width, height).
    Unchanged when it fits already. ImageOverLimit if even the smallest try is over. Worker thread."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        if max(width, height) <= limits.max_edge and len(data) <= limits.max_bytes:
            return data, media_type, width, height
        image.load()
        frame = image.copy()
    frame.thumbnail((limits.max_edge, limits.max_edge), Image.Resampling.LANCZOS)
    kind = "PNG" if media_type == "image/png" else "JPEG"
    encoded, out_type = _encode(frame, kind, JPEG_QUALITY)
    for quality in FIT_QUALITIES:
        if len(encoded) <= limits.max_bytes:
            break
        encoded, out_type = _encode(frame.convert("RGB") if frame.mode != "RGB" else frame, "JPEG", quality)
    if len(encoded) > limits.max_bytes:
        raise ImageOverLimit(Text.of(QT_TRANSLATE_NOOP(
            "engine", "“{name}” is still {size} after downscaling, over the {limit} this provider takes per image."),
            name=file_name or "?", size=_megabytes(len(encoded)), limit=_megabytes(limits.max_bytes)),
            file_name=file_name)
    return encoded, out_type, frame.width, frame.height


# EXIF orientation (1-8) → the transpose that turns the stored pixels upright (as ImageOps.exif_transpose).
_ORIENTATIONS = {2: 0, 3: 3, 4: 1, 5: 5, 6: 4, 7: 6, 8: 2}  # PIL.Image.Transpose values, kept lazy


# -- helpers -----------------------------------------------------------------------------------------

def _open(image_module: Any, data: bytes, file_name: str) -> Any:
    try:
        # Pillow's own bomb guard: keep it on, but ours (MAX_PIXELS, read from the header) speaks first.
        return image_module.open(io.BytesIO(data))
    except image_module.DecompressionBombError:
        raise ImageTooManyPixels(Text.of(QT_TRANSLATE_NOOP(
            "engine", "“{name}” is too large to attach: it would decode to more than {limit} megapixels."),
            name=file_name, limit=MAX_PIXELS // 1_000_000), file_name=file_name) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise _damaged(file_name, exc) from None


def _damaged(file_name: str, exc: BaseException) -> DamagedImage:
    return DamagedImage(Text.of(QT_TRANSLATE_NOOP(
        "engine", "“{name}” cannot be read: the image is damaged or cut off ({error})."),
        name=file_name, error=str(exc) or type(exc).__name__), file_name=file_name)


def _normalised(image_module: Any, image: Any) -> Any:
    """8-bit RGB, or RGBA where there is transparency: what every provider decodes. A new image,
    so nothing of the file's metadata (EXIF, XMP, ICC, text chunks) comes along."""
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale: scale 0..65535 to 0..255 (Pillow's convert("L") would clip at 255).
        return image.point(lambda value: value / 256).convert("L").convert("RGB")
    has_alpha = mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in image.info)
    if has_alpha:
        converted = image.convert("RGBA")
        if converted.getextrema()[3][0] == 255:  # alpha present but fully opaque
            converted = converted.convert("RGB")
    else:
        converted = image.convert("RGB")  # CMYK (Adobe's inverted too: Pillow handles it), P, L, 1, RGB
    clean = image_module.new(converted.mode, converted.size)
    clean.paste(converted)
    return clean


def _encode(image: Any, kind: str, quality: int) -> tuple[bytes, str]:
    out = io.BytesIO()
    if kind == "JPEG":
        # Not optimize=True: that encodes in one call holding the GIL (≈ 50 ms of frozen window).
        image.save(out, "JPEG", quality=quality)
        return out.getvalue(), "image/jpeg"
    image.save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue(), "image/png"


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"
