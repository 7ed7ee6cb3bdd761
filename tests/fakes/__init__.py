"""Loopback fake provider servers that speak the real wire formats and inject faults."""
