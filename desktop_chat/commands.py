"""The sub-commands of `desktop-chat` that run in the terminal, without a window.

Its own module, free of imports, so that the entry point (__main__) and the start-up check of
scripts/run.sh (preflight, which must not reach the window's modules) read the same list.
"""

CLI_COMMANDS = frozenset({"ask", "delete", "export", "fork", "import", "keys", "models", "serve", "switch"})
