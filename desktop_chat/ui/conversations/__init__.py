"""The conversation list and what acts on whole conversations: delete, fork origin, import/export."""
