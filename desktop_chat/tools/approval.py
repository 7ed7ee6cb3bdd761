"""Who decides whether a tool runs: the front end's approval policy, and decisions remembered.

The engine asks before every call (chat/tool_rounds.py). A tool the user allowed for good
(``alwaysAllow`` in mcp.json) runs without asking; otherwise the front end's policy decides:
the window shows a prompt, ``desktop-chat ask`` takes flags or asks on the terminal, and with no
policy at all nothing runs. A denial goes back to the model as the tool's (error) result.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol


class Decision(str, enum.Enum):
    ALLOW_ONCE = "allow_once"
    ALWAYS = "always"  # allow, and remember it for this server's tool
    DENY = "deny"


@dataclass(frozen=True)
class ToolRequest:
    """A call the model wants to make, as the user is asked about it."""

    server: str
    tool: str
    arguments: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    conversation_id: str = ""


class ApprovalPolicy(Protocol):
    async def decide(self, request: ToolRequest) -> Decision: ...


class DenyAll:
    """No one to ask (no terminal, no window): nothing runs unasked."""

    async def decide(self, request: ToolRequest) -> Decision:
        return Decision.DENY


class AllowAll:
    """The user said so for this run (``ask --allow-all-tools``)."""

    async def decide(self, request: ToolRequest) -> Decision:
        return Decision.ALLOW_ONCE


class AllowListed:
    """Allows ``SERVER/TOOL`` pairs given up front (``ask --allow-tool``); asks *fallback* about
    the rest (a terminal prompt, or DenyAll)."""

    def __init__(self, allowed: Iterable[str], fallback: ApprovalPolicy | None = None) -> None:
        self.allowed = {a.strip() for a in allowed if a.strip()}
        self.fallback = fallback or DenyAll()

    async def decide(self, request: ToolRequest) -> Decision:
        if f"{request.server}/{request.tool}" in self.allowed or f"{request.server}/*" in self.allowed:
            return Decision.ALLOW_ONCE
        return await self.fallback.decide(request)
