"""Images through the engine: real providers and SDKs against the loopback fakes, a real store and
document library. What each fake receives is read back: the wire format's own image part, its
media type, base64 that decodes to an image of the expected size, and no EXIF (no GPS)."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from desktop_chat import config
from desktop_chat.chat.engine import ChatEngine
from desktop_chat.chat.images import NoVisionError, TooManyImagesError
from desktop_chat.documents import DocumentLibrary
from desktop_chat.domain import errors
from desktop_chat.domain.parts import ImagePart
from desktop_chat.store import Store
from tests import image_samples as samples
from tests.fakes.loopback import Scenario
from tests.wiring import chat_path, fake_for, settings_for


@pytest.fixture
def store():
    with Store(config.database_path()) as store:
        yield store


@pytest.fixture
def library():
    with DocumentLibrary(config.data_dir()) as library:
        yield library


async def _no_sleep(_seconds: float) -> None:
    pass


def engine_for(store, library, family, fake, model: str | None = None, **settings_changes) -> ChatEngine:
    settings = settings_for(family, fake)
    if model:
        settings.default_models[settings.default_endpoint] = model
    for name, value in settings_changes.items():
        setattr(settings, name, value)
    return ChatEngine(store, settings, documents=library, sleep=_no_sleep)


def attach_image(library, data: bytes, name: str) -> ImagePart:
    prepared = library.attach_image(data, name)
    return ImagePart(prepared.sha256, prepared.media_type, prepared.width, prepared.height, name)


def decode(data_base64: str) -> Image.Image:
    image = Image.open(io.BytesIO(base64.b64decode(data_base64, validate=True)))
    image.load()
    return image


def assert_clean(image: Image.Image) -> None:
    assert not image.getexif(), "EXIF left in the image sent"
    assert "exif" not in image.info


PHOTO = samples.photo(4000, 3000, orientation=6)  # a portrait phone photo, with GPS


async def test_claude_gets_an_image_block_fitted_to_its_limit(store, library):
    with fake_for("anthropic", Scenario(chunks=["A red square."])) as fake:
        engine = engine_for(store, library, "anthropic", fake)
        result = await engine.send(None, "What is this?", images=[attach_image(library, PHOTO, "IMG_1.jpg")])
        await engine.aclose()
        (request,) = fake.requests_to("/v1/messages")
    assert result.ok, result.error
    (content,) = [m["content"] for m in request.json["messages"]]
    image, text = content
    assert image["type"] == "image" and image["source"]["type"] == "base64"
    assert image["source"]["media_type"] == "image/jpeg"
    sent = decode(image["source"]["data"])
    assert sent.format == "JPEG" and sent.size == (1176, 1568)  # upright (portrait), long edge 1568
    assert_clean(sent)
    assert text == {"type": "text", "text": "What is this?"}


async def test_openai_gets_an_image_url_with_a_data_url(store, library):
    with fake_for("openai", Scenario(chunks=["A screenshot."])) as fake:
        engine = engine_for(store, library, "openai", fake, model="gpt-4o")
        result = await engine.send(None, "Read it", images=[attach_image(library, samples.png(3000, 1000), "s.png")])
        await engine.aclose()
        body = fake.requests_to(chat_path("openai"))[-1].json
    assert result.ok, result.error
    (user,) = [m for m in body["messages"] if m["role"] == "user"]
    image, text = user["content"]
    assert image["type"] == "image_url"
    url = image["image_url"]["url"]
    assert url.startswith("data:image/png;base64,")
    sent = decode(url.split(",", 1)[1])
    assert sent.format == "PNG" and sent.size == (2048, 683)
    assert text == {"type": "text", "text": "Read it"}


async def test_ollama_gets_the_images_field_for_a_vision_model(store, library):
    with fake_for("ollama", Scenario(chunks=["Two images."])) as fake:
        engine = engine_for(store, library, "ollama", fake, model="llava:13b")
        images = [attach_image(library, PHOTO, "a.jpg"), attach_image(library, samples.cmyk_jpeg(), "b.jpg")]
        result = await engine.send(None, "Compare", images=images)
        await engine.aclose()
        body = fake.requests_to(chat_path("ollama"))[-1].json
    assert result.ok, result.error
    (user,) = [m for m in body["messages"] if m["role"] == "user"]
    assert user["content"] == "Compare"
    first, second = (decode(data) for data in user["images"])
    assert first.size == (1500, 2000) and second.size == (200, 100) and second.mode == "RGB"
    assert_clean(first)


async def test_a_model_that_cannot_see_gets_the_sentence_and_no_request(store, library):
    with fake_for("ollama") as fake:
        engine = engine_for(store, library, "ollama", fake)  # llama3.2: /api/show says no "vision"
        with pytest.raises(NoVisionError) as caught:
            await engine.send(None, "What is this?", images=[attach_image(library, PHOTO, "a.jpg")])
        await engine.aclose()
        assert fake.requests_to("/api/chat") == []
    assert caught.value.message.startswith("llama3.2:latest cannot see images, so nothing was sent: choose a model")
    assert caught.value.action is errors.ErrorAction.CHOOSE_MODEL
    assert store.list_conversations() == []  # nothing stored, no empty conversation left


async def test_the_users_override_lets_it_go(store, library):
    with fake_for("openai", Scenario(chunks=["Seen."])) as fake:
        engine = engine_for(store, library, "openai", fake, model="my-finetune",
                            vision_models={"openai": {"my-finetune": True}})
        result = await engine.send(None, "And this?", images=[attach_image(library, samples.png(), "x.png")])
        await engine.aclose()
        body = fake.requests_to(chat_path("openai"))[-1].json
    assert result.ok, result.error
    assert body["messages"][-1]["content"][0]["type"] == "image_url"


async def test_an_override_can_also_say_no(store, library):
    with fake_for("anthropic") as fake:
        engine = engine_for(store, library, "anthropic", fake, vision_models={"anthropic": {"claude-test": False}})
        with pytest.raises(NoVisionError):
            await engine.send(None, "?", images=[attach_image(library, samples.png(), "x.png")])
        await engine.aclose()
        assert fake.requests_to("/v1/messages") == []


async def test_more_images_than_the_provider_takes(store, library):
    with fake_for("ollama") as fake:
        engine = engine_for(store, library, "ollama", fake, model="llava:13b")
        images = [attach_image(library, samples.png(10 + i, 10), f"{i}.png") for i in range(9)]
        with pytest.raises(TooManyImagesError) as caught:
            await engine.send(None, "All of them", images=images)
        await engine.aclose()
        assert fake.requests_to("/api/chat") == []
    assert caught.value.message == ("This request would carry 9 images, more than the 8 that Ollama takes at once: "
                                    "remove some, or start a new conversation.")


async def test_follow_ups_regenerate_and_edits_send_the_stored_image_again(store, library):
    with fake_for("anthropic", Scenario(chunks=["ok"])) as fake:
        engine = engine_for(store, library, "anthropic", fake)
        first = await engine.send(None, "What is this?", images=[attach_image(library, PHOTO, "IMG_1.jpg")])
        conversation = first.message.conversation_id
        await engine.send(conversation, "And the colour?")
        await engine.regenerate(conversation)
        (user,) = [m for m in store.list_messages(conversation) if m.role == "user"][:1]
        await engine.edit_and_resend(user.id, "Describe it")
        await engine.aclose()
        requests = fake.requests_to("/v1/messages")
    assert len(requests) == 4
    for request in requests:
        first_turn = request.json["messages"][0]["content"]
        assert first_turn[0]["type"] == "image"
        assert decode(first_turn[0]["source"]["data"]).size == (1176, 1568)
    assert requests[1].json["messages"][2]["content"] == "And the colour?"  # later turns: text only
    assert requests[3].json["messages"][0]["content"][1]["text"] == "Describe it"


async def test_an_image_alone_is_a_message(store, library):
    with fake_for("anthropic", Scenario(chunks=["A photo."])) as fake:
        engine = engine_for(store, library, "anthropic", fake)
        result = await engine.send(None, "", images=[attach_image(library, samples.png(), "shot.png")])
        await engine.aclose()
        (request,) = fake.requests_to("/v1/messages")
    assert result.ok, result.error
    (content,) = [m["content"] for m in request.json["messages"]]
    assert [block["type"] for block in content] == ["image"]
    assert store.get_conversation(result.message.conversation_id).title == "shot.png"


async def test_an_image_no_longer_stored_is_an_attachment_error_not_a_silent_drop(store, library):
    with fake_for("anthropic", Scenario(chunks=["ok"])) as fake:
        engine = engine_for(store, library, "anthropic", fake)
        image = attach_image(library, samples.png(), "gone.png")
        first = await engine.send(None, "One", images=[image])
        library.blobs.delete(image.sha256)
        engine.images._fitted.clear()
        second = await engine.send(first.message.conversation_id, "Two")
        await engine.aclose()
    assert isinstance(second.error, errors.AttachmentError)
    assert second.error.message == "The image “gone.png” is no longer stored: attach it again."


async def test_a_fork_carries_the_image_and_sends_it(store, library):
    with fake_for("anthropic", Scenario(chunks=["ok"])) as fake:
        engine = engine_for(store, library, "anthropic", fake)
        first = await engine.send(None, "What is this?", images=[attach_image(library, PHOTO, "IMG_1.jpg")])
        fork = store.fork(first.message.id)
        await engine.send(fork.id, "Say more")
        await engine.aclose()
        requests = fake.requests_to("/v1/messages")
    assert requests[-1].json["messages"][0]["content"][0]["type"] == "image"
