"""`python -m benchmarks._clients URL TOKEN COUNT PROMPT`: COUNT streaming openai-SDK clients at once
against a local API server, in a process of their own (so that, measured against the window's
server, the clients' own work is not the window's); prints one JSON line: how many completed
with the whole text, the errors, the seconds."""

from __future__ import annotations

import asyncio
import json
import sys
import time


async def crowd(url: str, token: str, count: int, prompt: str) -> dict[str, object]:
    import httpx2
    import openai

    from benchmarks._server import scenario_for

    expected = "".join(scenario_for(prompt).chunks)
    limits = httpx2.Limits(max_connections=count + 10, max_keepalive_connections=count + 10)
    async with openai.AsyncOpenAI(base_url=url + "/v1", api_key=token, max_retries=0, timeout=120,
                                  http_client=openai.DefaultAsyncHttpxClient(limits=limits)) as client:
        async def one() -> bool:
            stream = await client.chat.completions.create(model="openai/gpt-test", stream=True,
                                                          messages=[{"role": "user", "content": prompt}])
            parts = [c.choices[0].delta.content or "" async for c in stream if c.choices]
            return "".join(parts) == expected

        started = time.perf_counter()
        results = await asyncio.gather(*(one() for _ in range(count)), return_exceptions=True)
    return {"complete": sum(1 for r in results if r is True), "seconds": round(time.perf_counter() - started, 2),
            "errors": [repr(r)[:200] for r in results if isinstance(r, BaseException)]}


if __name__ == "__main__":
    from tests import network_guard

    network_guard.install()
    print(json.dumps(asyncio.run(crowd(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]))), flush=True)
