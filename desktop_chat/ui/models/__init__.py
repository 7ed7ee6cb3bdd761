"""Choosing what answers: provider and model pickers, the top bar, the built-in engine and Ollama panels."""
