"""The FastAPI application: routes, the token, CORS when allowed, errors in each wire format."""

from __future__ import annotations

import logging

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from desktop_chat import __version__, config
from desktop_chat.chat.app_services import AppServices
from desktop_chat.server import anthropic_wire, openai_wire, simple_routes
from desktop_chat.server.errors import ApiError, body, wire_of
from desktop_chat.server.guard import RateLimiter, require_token
from desktop_chat.server.models import ModelList
from desktop_chat.server.options import ServerOptions, ServerStats
from desktop_chat.server.requestlog import RequestLog
from desktop_chat.server.responses import ClientGone, gone_response
from desktop_chat.server.sessions import Sessions
from desktop_chat.server.state import ServerContext

log = logging.getLogger(__name__)


def create_app(services: AppServices, options: ServerOptions, stats: ServerStats | None = None) -> FastAPI:
    app = FastAPI(title="Desktop Chat local API", version=__version__, redoc_url=None,
                  description="Every model configured in Desktop Chat, over the OpenAI and Anthropic wire "
                              "formats and a simple streaming API. Send the token as `Authorization: Bearer` "
                              "or `x-api-key`.")
    stats = stats or ServerStats()
    app.state.context = ServerContext(services, options, stats, Sessions(config.data_dir()),
                                      RateLimiter(options.rate_limit), ModelList(services))
    guarded = [Depends(require_token)]
    app.include_router(openai_wire.router, dependencies=guarded)
    app.include_router(anthropic_wire.router, dependencies=guarded)
    app.include_router(simple_routes.router, dependencies=guarded)

    @app.get("/health", tags=["Simple API"], summary="Whether the server is up (no token needed)")
    async def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    app.add_exception_handler(ApiError, _api_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _bad_request)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(ClientGone, _client_gone)
    if options.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(options.cors_origins), allow_methods=["*"],
                           allow_headers=["*"], expose_headers=["Retry-After"])
    app.add_middleware(RequestLog, stats=stats)
    return app


async def _api_error(request: Request, exc: ApiError) -> Response:
    return JSONResponse(body(exc, wire_of(request.url.path)), status_code=exc.status, headers=exc.headers)


async def _bad_request(request: Request, exc: RequestValidationError) -> Response:
    """A 400 that names the field, e.g. ``messages[0].role: Input should be 'user' or 'assistant'``."""
    problems = []
    for error in exc.errors()[:3]:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.get("loc", ())[1:]).lstrip(".")
        problems.append(f"{where or 'body'}: {error.get('msg', 'invalid')}")
    first = problems[0].split(":")[0] if problems else None
    return await _api_error(request, ApiError(400, "; ".join(problems) or "The request body is not valid.",
                                              param=first))


async def _http_error(request: Request, exc: HTTPException) -> Response:
    return await _api_error(request, ApiError(exc.status_code, str(exc.detail)))


async def _client_gone(request: Request, exc: Exception) -> Response:
    return gone_response()
