"""Tools through the Model Context Protocol: the user's servers, their sessions, the approval policy.

An engine part (no Qt). The only package importing the ``mcp`` SDK, and only lazily: the
configuration (servers.py), the approval policy (approval.py) and the names (naming.py) load
without it, so that nothing about MCP is imported before the window's first frame; the SDK loads
when a server is first started (sessions.py).

    servers.py    the configuration: the ``mcpServers`` JSON shape other clients use, in
                  mcp.json beside settings.json; secret environment values in the keyring
    shell_path.py the login shell's PATH (a desktop launch does not see it)
    sessions.py   server processes and sessions (stdio, Streamable HTTP, SSE), started when
                  first needed and kept running until closed
    errors.py     why a server did not start, in words
    approval.py   the policy a front end provides (ask, flags, deny) and remembered decisions
    results.py    a tool's result as text for the model and for the card
    naming.py     the name a model calls: server and tool joined
"""
