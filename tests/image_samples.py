"""Images built on the spot for the image tests: photos with EXIF (orientation, GPS), the awkward
formats (CMYK JPEG, 16-bit PNG, animated GIF) and the bad ones (cut off, text named .png, a bomb)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def photo(width: int = 640, height: int = 480, *, orientation: int = 1, gps: bool = True, quality: int = 90) -> bytes:
    """A JPEG "photo" as a phone writes it: stored landscape, EXIF orientation, a GPS position.
    The top-left quarter is red so that a test can see which way up it came out."""
    image = Image.new("RGB", (width, height), (40, 120, 200))
    ImageDraw.Draw(image).rectangle((0, 0, width // 2, height // 2), fill=(220, 20, 20))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"  # Make
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def noisy_photo(width: int, height: int) -> bytes:
    """A JPEG that compresses badly (noise), like a real 12-MP photo (≈ 3-6 MB)."""
    import os as _os

    small = Image.frombytes("RGB", (width // 8, height // 8), _os.urandom((width // 8) * (height // 8) * 3))
    image = small.resize((width, height), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    exif = Image.Exif()
    exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 29.0)}
    image.save(out, "JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def png(width: int = 300, height: int = 200, *, alpha: bool = False) -> bytes:
    image = Image.new("RGBA" if alpha else "RGB", (width, height), (10, 200, 90, 128) if alpha else (10, 200, 90))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def cmyk_jpeg(width: int = 200, height: int = 100) -> bytes:
    out = io.BytesIO()
    Image.new("CMYK", (width, height), (0, 255, 255, 0)).save(out, "JPEG")  # red in CMYK
    return out.getvalue()


def png16(width: int = 120, height: int = 80) -> bytes:
    image = Image.new("I;16", (width, height), 0)
    image.paste(65535, (0, 0, width // 2, height))  # left half white at 16 bits
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def animated_gif(frames: int = 3) -> bytes:
    images = [Image.new("RGB", (64, 48), (i * 80, 255 - i * 80, 0)) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=100, loop=0)
    return out.getvalue()


def webp(width: int = 100, height: int = 100) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (1, 2, 3)).save(out, "WEBP")
    return out.getvalue()


def bomb_png(width: int = 20_000, height: int = 10_000) -> bytes:
    """A PNG header claiming 200 megapixels, with a few bytes of data: what a decompression bomb
    looks like before it is decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 100)) \
        + chunk(b"IEND", b"")


def truncated_png() -> bytes:
    data = png(400, 300)
    return data[: len(data) // 2]


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def scenery(width: int = 1600, height: int = 1200) -> bytes:
    """A JPEG that looks like a photo (sky, sun, hills, a lake), for screenshots of the window."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=(int(90 + 120 * t), int(150 + 70 * t), int(230 - 40 * t)))
    sun = width * 0.72, height * 0.28, width * 0.08
    draw.ellipse((sun[0] - sun[2], sun[1] - sun[2], sun[0] + sun[2], sun[1] + sun[2]), fill=(255, 214, 120))
    draw.polygon([(0, height * 0.62), (width * 0.3, height * 0.38), (width * 0.55, height * 0.6),
                  (width * 0.8, height * 0.42), (width, height * 0.6), (width, height), (0, height)],
                 fill=(58, 110, 72))
    draw.rectangle((0, height * 0.75, width, height), fill=(48, 98, 140))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def screenshot(width: int = 1280, height: int = 800) -> bytes:
    """A PNG that looks like a screenshot of an app (title bar, sidebar, lines of text)."""
    image = Image.new("RGB", (width, height), (250, 250, 252))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 36), fill=(230, 232, 236))
    for i, colour in enumerate(((237, 106, 94), (245, 191, 79), (98, 197, 84))):
        draw.ellipse((14 + i * 22, 11, 28 + i * 22, 25), fill=colour)
    draw.rectangle((0, 36, 240, height), fill=(241, 243, 246))
    for row in range(12):
        draw.rounded_rectangle((16, 56 + row * 34, 220, 80 + row * 34), 6, fill=(226, 230, 236))
    for row in range(16):
        draw.rectangle((280, 70 + row * 38, 280 + (row * 173) % 600 + 300, 84 + row * 38), fill=(60, 64, 72))
    draw.text((280, 40), "Error: connection refused (127.0.0.1:11434)", fill=(200, 40, 40))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
