"""Where the app's resource folders (resources/translations, resources/icons) are found."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_dirs(kind: str) -> list[Path]:
    """Where `resources/<kind>` may be, in the order to try: the PyInstaller bundle
    (`sys._MEIPASS`), the package (a wheel that ships them), the source tree next to the package."""
    out = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        out.append(Path(bundle) / "resources" / kind)
    package = Path(__file__).resolve().parent.parent  # desktop_chat/
    out.append(package / "resources" / kind)
    out.append(package.parent / "resources" / kind)
    return out
