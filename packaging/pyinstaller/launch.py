"""The bundle's entry script: `desktop-chat` exactly as the installed console script runs it.

A script of its own (not desktop_chat/__main__.py) because PyInstaller puts the entry script's
folder on the import path, and desktop_chat/ holds modules named like the standard library's
(`secrets`) that would then shadow it.
"""

import sys

from desktop_chat.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
