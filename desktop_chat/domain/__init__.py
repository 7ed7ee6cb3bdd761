"""Plain data shared by every layer: messages, conversations, stream events, errors.

Nothing here imports anything outside the standard library.
"""
