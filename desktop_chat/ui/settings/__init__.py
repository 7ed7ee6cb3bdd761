"""The settings dialog and its panels."""
