"""What can go wrong with a knowledge base, in a sentence the user can act on (English; the
front ends show it as it is, like the document errors)."""

from __future__ import annotations

__all__ = ["CollectionExists", "KbError", "NoSuchCollection", "ServerUnreachable"]


class KbError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NoSuchCollection(KbError):
    def __init__(self, name: str) -> None:
        super().__init__(f"There is no knowledge base called “{name}”. "
                         "`desktop-chat kb list` shows the ones there are.")
        self.name = name


class CollectionExists(KbError):
    def __init__(self, name: str) -> None:
        super().__init__(f"A knowledge base called “{name}” exists already: add files to it with "
                         f"`desktop-chat kb add {name} PATH…`, or choose another name.")
        self.name = name


class ServerUnreachable(KbError):
    """The vector database server (Chroma, Qdrant) did not answer."""
