"""Where the app's resource folders (translations, icons) are found."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_dirs(kind: str) -> list[Path]:
    """Where `resources/<kind>` may be, in the order to try: the PyInstaller bundle
    (`sys._MEIPASS/resources`), then the package itself (`desktop_chat/resources`, package data:
    a source checkout, an editable install and a wheel all have it there)."""
    out = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        out.append(Path(bundle) / "resources" / kind)
    package = Path(__file__).resolve().parents[2]  # desktop_chat/
    out.append(package / "resources" / kind)
    return out
