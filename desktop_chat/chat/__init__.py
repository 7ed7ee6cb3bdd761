"""The engine: one turn = build the request, stream, persist, retry, cancel. asyncio, no Qt."""
