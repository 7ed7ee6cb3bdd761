# PyInstaller's own hook for PySide6.QtWidgets, less the Qt plugins and translations we leave out (qt_trim.py).
import os
import sys

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qt_trim import trim  # noqa: E402

hiddenimports, binaries, datas = trim(*add_qt6_dependencies(__file__))
