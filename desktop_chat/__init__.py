"""Desktop Chat: a desktop chat application for large language models."""

__version__ = "0.1.0"
