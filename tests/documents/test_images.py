"""Image preparation (documents/images.py): what leaves the machine is clean, upright and small,
and every bad input is refused with a sentence."""

from __future__ import annotations

import hashlib

import pytest

from desktop_chat.documents import DocumentLibrary
from desktop_chat.documents.images import (
    STORE_MAX_EDGE,
    DamagedImage,
    ImageLimits,
    ImageOverLimit,
    ImageTooManyPixels,
    NotAnImage,
    fit_image,
    prepare_image,
)
from tests import image_samples as samples


def test_a_phone_photo_comes_out_upright_without_exif_or_gps():
    # Stored 640 × 480 landscape, orientation 6: the camera was turned, the photo is portrait.
    prepared = prepare_image(samples.photo(640, 480, orientation=6), "IMG_0001.JPG")
    image = samples.decoded(prepared.data)
    assert (prepared.width, prepared.height) == (480, 640) == image.size
    assert prepared.media_type == "image/jpeg" and image.format == "JPEG"
    assert not image.getexif() and "exif" not in image.info and "icc_profile" not in image.info
    assert b"PhoneMaker" not in prepared.data and b"Exif" not in prepared.data
    # Rotated 90° clockwise: the red top-left quarter is now top-right.
    r, g, b = image.getpixel((470, 10))
    assert r > 180 and g < 80, (r, g, b)
    assert prepared.sha256 == hashlib.sha256(prepared.data).hexdigest()
    assert (prepared.original_width, prepared.original_height) == (640, 480)


def test_a_large_image_is_capped_for_storage_and_fitted_per_provider():
    prepared = prepare_image(samples.photo(6000, 4000, gps=False), "big.jpg")
    assert max(prepared.width, prepared.height) <= STORE_MAX_EDGE
    data, media_type, width, height = fit_image(prepared.data, prepared.media_type, ImageLimits(1568, 3_750_000))
    assert (width, height) == (1568, 1045) == samples.decoded(data).size
    assert media_type == "image/jpeg" and len(data) <= 3_750_000


def test_an_image_within_the_limits_is_sent_as_it_is():
    prepared = prepare_image(samples.png(300, 200), "shot.png")
    assert prepared.media_type == "image/png"
    assert fit_image(prepared.data, prepared.media_type, ImageLimits(2048, 8_000_000))[0] is prepared.data


def test_transparency_stays_png():
    prepared = prepare_image(samples.png(50, 40, alpha=True), "logo.png")
    assert prepared.media_type == "image/png" and samples.decoded(prepared.data).mode == "RGBA"


def test_webp_is_taken():
    prepared = prepare_image(samples.webp(), "x.webp")
    assert prepared.media_type == "image/jpeg" and (prepared.width, prepared.height) == (100, 100)


def test_cmyk_jpeg_becomes_rgb():
    prepared = prepare_image(samples.cmyk_jpeg(), "print.jpg")
    image = samples.decoded(prepared.data)
    assert image.mode == "RGB"
    r, g, b = image.getpixel((10, 10))
    assert r > 200 and g < 60 and b < 60, (r, g, b)


def test_a_16_bit_png_becomes_8_bit_with_its_tones():
    prepared = prepare_image(samples.png16(), "scan16.png")
    image = samples.decoded(prepared.data)
    assert image.mode == "RGB" and prepared.media_type == "image/png"
    assert image.getpixel((5, 5)) == (255, 255, 255) and image.getpixel((100, 5)) == (0, 0, 0)


def test_an_animated_gif_gives_its_first_frame_and_says_so():
    prepared = prepare_image(samples.animated_gif(), "dance.gif")
    assert (prepared.width, prepared.height) == (64, 48)
    assert samples.decoded(prepared.data).format == "PNG"
    (warning,) = prepared.warnings
    assert warning.english() == "“dance.gif” is animated: only its first frame is sent."


@pytest.mark.parametrize("data, error, sentence", [
    (b"hello, I am text\n", NotAnImage,
     "“notes.png” is not an image that can be sent: only PNG, JPEG, WebP and GIF images are."),
    (samples.bomb_png(), ImageTooManyPixels, "“notes.png” is too large to attach: "),
    (samples.truncated_png(), DamagedImage, "“notes.png” cannot be read: the image is damaged or cut off"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, DamagedImage, "“notes.png” cannot be read"),
])
def test_bad_input_gets_words(data, error, sentence):
    with pytest.raises(error) as caught:
        prepare_image(data, "notes.png")
    assert caught.value.text.english().startswith(sentence)
    assert caught.value.file_name == "notes.png"


def test_the_bomb_says_how_big_it_is():
    with pytest.raises(ImageTooManyPixels) as caught:
        prepare_image(samples.bomb_png(), "huge.png")
    assert caught.value.text.english() in (
        "“huge.png” is too large to attach: 20000 × 10000 pixels (200 megapixels; the limit is 100).",
        "“huge.png” is too large to attach: it would decode to more than 100 megapixels.")


def test_over_the_limit_after_downscaling_is_refused_with_the_sizes():
    prepared = prepare_image(samples.noisy_photo(1600, 1200), "noise.jpg")
    with pytest.raises(ImageOverLimit) as caught:
        fit_image(prepared.data, prepared.media_type, ImageLimits(1568, 20_000), "noise.jpg")
    assert caught.value.text.english().startswith("“noise.jpg” is still ")
    assert "over the 0.0 MB this provider takes per image." in caught.value.text.english()


def test_the_library_stores_the_clean_bytes_by_their_hash(tmp_path):
    with DocumentLibrary(tmp_path) as library:
        prepared = library.attach_image(samples.photo(), "p.jpg")
        assert library.original(prepared.sha256) == prepared.data
        assert (tmp_path / "attachments" / prepared.sha256[:2] / prepared.sha256).is_file()
