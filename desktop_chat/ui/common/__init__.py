"""Shared look and small widgets: the theme, fonts, icons, labels, units, error texts and cards."""
