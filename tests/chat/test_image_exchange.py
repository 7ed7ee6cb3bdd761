"""Images in exports and imports (chat/image_exchange.py): the JSON carries the bytes, an import
restores them so that the next turn sends the image again, the Markdown links the stored copy."""

from __future__ import annotations

import base64
import json

from desktop_chat import config
from desktop_chat.chat.conversations import ConversationService
from desktop_chat.chat.engine import ChatEngine
from desktop_chat.documents import DocumentLibrary
from desktop_chat.domain.parts import ImagePart
from desktop_chat.store import Store
from tests import image_samples as samples
from tests.fakes.loopback import Scenario
from tests.wiring import fake_for, settings_for


async def test_json_carries_the_image_and_an_import_elsewhere_restores_it(tmp_path, monkeypatch):
    with Store(config.database_path()) as store, DocumentLibrary(config.data_dir()) as library, \
            fake_for("anthropic", Scenario(chunks=["ok"])) as fake:
        prepared = library.attach_image(samples.photo(800, 600), "IMG_7.jpg")
        image = ImagePart(prepared.sha256, prepared.media_type, prepared.width, prepared.height, "IMG_7.jpg")
        engine = ChatEngine(store, settings_for("anthropic", fake), documents=library)
        result = await engine.send(None, "What is this?", images=[image])
        await engine.aclose()
        service = ConversationService(store)
        document = json.loads(json.dumps(service.export_json()))  # what the file holds
        markdown, _count = service.export_markdown()
    (part,) = document["conversations"][0]["messages"][0]["parts"]
    assert part["sha256"] == prepared.sha256 and base64.b64decode(part["data"]) == prepared.data
    stored = library.blobs.path(prepared.sha256)
    assert f"![IMG_7.jpg]({stored.as_uri()})" in markdown
    assert "What is this?" in markdown

    # Another machine: a fresh data dir, the file imported, then a follow-up sends the image again.
    monkeypatch.setenv("DESKTOP_CHAT_HOME", str(tmp_path / "elsewhere"))
    with Store(config.database_path()) as store, DocumentLibrary(config.data_dir()) as library, \
            fake_for("anthropic", Scenario(chunks=["still a photo"])) as fake:
        assert not library.blobs.contains(prepared.sha256)
        report = ConversationService(store).import_document(document)
        assert report.imported == 1
        assert library.original(prepared.sha256) == prepared.data
        (user, _answer) = store.list_messages(result.message.conversation_id)
        assert user.parts == [{k: v for k, v in part.items() if k != "data"}]  # the history keeps the reference
        engine = ChatEngine(store, settings_for("anthropic", fake), documents=library)
        follow = await engine.send(result.message.conversation_id, "And now?")
        await engine.aclose()
        (request,) = fake.requests_to("/v1/messages")
    assert follow.ok, follow.error
    first = request.json["messages"][0]["content"][0]
    assert first["type"] == "image" and base64.b64decode(first["source"]["data"]) == prepared.data


def test_an_image_whose_data_does_not_match_its_hash_is_named_by_its_data():
    from desktop_chat.chat.image_exchange import restore_images

    data = samples.png(20, 10)
    document = {"format": "desktop-chat", "version": 2, "conversations": [{"messages": [{"parts": [
        {"type": "image", "sha256": "0" * 64, "media_type": "image/png", "data": base64.b64encode(data).decode()}]}]}]}
    restored = restore_images(document)
    (part,) = restored["conversations"][0]["messages"][0]["parts"]
    import hashlib

    assert part["sha256"] == hashlib.sha256(data).hexdigest() and "data" not in part
    assert "data" in document["conversations"][0]["messages"][0]["parts"][0]  # the caller's is untouched
