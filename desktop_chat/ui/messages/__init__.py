"""The message pane: each message's widget, the Markdown renderer, streaming, sources, version switcher."""
