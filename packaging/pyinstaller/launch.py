"""The bundle's entry script: `desktop-chat` exactly as the installed console script runs it.

A script of its own (not desktop_chat/__main__.py) because PyInstaller puts the entry script's
folder on the import path, and desktop_chat/ holds modules named like the standard library's
(`secrets`) that would then shadow it.
"""

import os
import sys

if __name__ == "__main__" and os.environ.get("DESKTOP_CHAT_MATHS_WORKER") == "1":
    # The maths typesetter's process (desktop_chat/ui/messages/math_process.py): a frozen app has
    # no `python -c` to start it with.
    from desktop_chat.ui.messages.math_process import main as typeset_maths

    sys.exit(typeset_maths())

from desktop_chat.__main__ import main  # noqa: E402 - after the worker's early exit

if __name__ == "__main__":
    sys.exit(main())
