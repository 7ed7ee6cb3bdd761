"""`desktop-chat --smoke`: start the app once as a user would, check what packaging can break, exit.

    desktop-chat [--data-dir DIR] --smoke [--expect-language en|zh_CN] [--require-keyring]

Made for the PyInstaller bundle (CI runs it on the built executable) and just as valid from
source (`python -m desktop_chat --smoke`). One line per check, "ok   name: detail" or
"FAIL name: detail", then a summary line; exit status 0 only when every check passed, else 1.

    version       the version, and whether this is the bundle or a Python install
    data          where state goes (a throwaway folder unless --data-dir / DESKTOP_CHAT_HOME)
                  and the default folder the installed app and the bundle share
    qt            the platform plugin in use; xcb and offscreen present (wayland reported)
    resources     our translations and the icon found, the icon set on the application
    window        the real main window built, shown, painted and closed the normal way,
                  through the asyncio (qasync) loop
    language      the UI in the language the settings / system locale choose; for Chinese our
                  catalogue and Qt's own (qtbase) are both in force
    keyring       keyring's backends discovered through its entry points (PyInstaller drops
                  them unless told), the platform's own backend loadable, the one in use
    certificates  the CA stores the HTTP clients will verify with, loaded: httpx2 (Anthropic,
                  OpenAI) and httpx (Ollama). Nothing is sent.
    pdf           pymupdf extracts and renders a one-page PDF made here
    providers     each provider module imports, with its SDK

The output is a diagnostic for whoever builds or installs the app, in English like the log.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the checks import Qt and the window themselves, one step at a time
    import ssl

    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QWidget

    from desktop_chat.ui.window.main_window import MainWindow

HOME_ENV = "DESKTOP_CHAT_HOME"
REQUIRED_WIDGETS = ("conversationList", "messageView", "composer", "sendButton")
NATIVE_KEYRING = {"linux": "SecretService", "darwin": "macOS", "win32": "Windows"}
PDF_TEXT = "Desktop Chat smoke"


class SmokeFailure(Exception):
    """A check's own verdict: its text is the line printed after FAIL."""


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="desktop-chat --smoke",
                                     description="Start the window once, check the installation, exit 0 if all is well.")
    parser.add_argument("--expect-language", choices=("en", "zh_CN"),
                        help="fail unless the UI comes up in this language (set by the settings or the locale, "
                             "e.g. LANG=zh_CN.UTF-8)")
    parser.add_argument("--require-keyring", action="store_true",
                        help="fail unless a working keyring is in use (by default its backends only need to be found)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the window (default 30)")
    opts = parser.parse_args(argv)

    if sys.platform.startswith("linux") and not (os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY")
                                                  or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # no display: the checks still mean something
    throwaway = None
    if not os.environ.get(HOME_ENV):
        throwaway = tempfile.TemporaryDirectory(prefix="desktop-chat-smoke-")
        os.environ[HOME_ENV] = throwaway.name
    try:
        return _Smoke(opts).run()
    finally:
        if throwaway is not None:
            os.environ.pop(HOME_ENV, None)
            throwaway.cleanup()


class _Smoke:
    def __init__(self, opts: argparse.Namespace) -> None:
        self.opts = opts
        self.failed: list[str] = []
        self.count = 0
        self.app: QApplication | None = None  # set by the qt check
        self.window: MainWindow | None = None  # set by the window check
        self.language = "en"

    def run(self) -> int:
        started = time.perf_counter()
        for name, check in (("version", self.version), ("data", self.data), ("qt", self.qt),
                            ("resources", self.resources), ("window", self.show_window),
                            ("language", self.language_check), ("keyring", self.keyring),
                            ("certificates", self.certificates), ("pdf", self.pdf), ("providers", self.providers)):
            self.check(name, check)
        if self.window is not None:
            self.check("shutdown", self.close_window)
        seconds = time.perf_counter() - started
        if self.failed:
            print(f"smoke: {len(self.failed)} of {self.count} checks FAILED ({', '.join(self.failed)}) "
                  f"in {seconds:.1f} s", flush=True)
            return 1
        print(f"smoke: all {self.count} checks passed in {seconds:.1f} s", flush=True)
        return 0

    def check(self, name: str, fn: Callable[[], str]) -> None:
        self.count += 1
        try:
            detail, ok = fn(), True
        except SmokeFailure as exc:
            detail, ok = str(exc), False
        except Exception as exc:  # noqa: BLE001 - a crashing check is a failed check, and the others still run
            detail, ok = f"{type(exc).__name__}: {exc}", False
        if not ok:
            self.failed.append(name)
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}", flush=True)

    def _app(self) -> QApplication:
        if self.app is None:  # the checks after "qt" still run when it failed: say why they cannot
            raise SmokeFailure("no Qt application (the qt check failed)")
        return self.app

    # -- the checks --------------------------------------------------------------------------

    def version(self) -> str:
        from desktop_chat import __version__

        if getattr(sys, "frozen", False):
            return f"{__version__}, bundle at {Path(sys.executable).parent}"
        return f"{__version__}, Python {sys.version.split()[0]} at {sys.prefix}"

    def data(self) -> str:
        import platformdirs

        from desktop_chat.config import APP_NAME, data_dir

        here = data_dir()
        probe = here / ".smoke-write-test"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
        default = platformdirs.user_data_dir(APP_NAME, appauthor=False)  # what config.data_dir() uses by default
        return f"state in {here}; the default (installed and bundled alike) is {default}"

    def qt(self) -> str:
        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import QCoreApplication, Qt, qVersion
        from PySide6.QtWidgets import QApplication

        QCoreApplication.setOrganizationName("desktop-chat")  # as run_gui does
        QCoreApplication.setApplicationName("Desktop Chat")
        QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        existing = QApplication.instance()
        self.app = app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
        app.setDesktopFileName("desktop-chat")
        found = sorted(_platform_plugins())
        detail = f"Qt {qVersion()} (PySide6 {pyside_version}), platform {app.platformName()}; " \
                 f"platform plugins: {', '.join(found) or 'none'}"
        if sys.platform.startswith("linux"):
            missing = [p for p in ("xcb", "offscreen") if p not in found]
            if missing:
                raise SmokeFailure(f"{detail}; missing: {', '.join(missing)}")
        return detail

    def resources(self) -> str:
        from desktop_chat.ui.runtime import i18n
        from desktop_chat.ui.common.icon import app_icon, icons_dir

        problems = []
        translations = i18n.translations_dir()
        if translations is None or not (translations / f"{i18n.CATALOG}_zh_CN.qm").is_file():
            problems.append(f"no {i18n.CATALOG}_zh_CN.qm (looked in {', '.join(map(str, i18n._candidates()))})")
        icon = app_icon()
        sizes = sorted(s.width() for s in icon.availableSizes())
        if icon.isNull() or not sizes:
            problems.append("no application icon (desktop_chat/resources/icons/desktop-chat-*.png)")
        else:
            app = self._app()
            app.setWindowIcon(icon)  # as run_gui does
            if app.windowIcon().isNull():
                problems.append("the icon did not take")
        if problems:
            raise SmokeFailure("; ".join(problems))
        return f"translations in {translations}; icon sizes {', '.join(map(str, sizes))} from {icons_dir()}"

    def show_window(self) -> str:
        from PySide6.QtWidgets import QWidget

        from desktop_chat.config import load_settings
        from desktop_chat.ui.app import apply_look, build_window

        began = time.perf_counter()
        settings = load_settings()
        self.language = apply_look(self._app(), settings)
        self.window = window = build_window(settings)
        painted = _FirstPaint(window)
        window.show()
        _wait(lambda: painted.done, self.opts.timeout)
        if not painted.done:
            raise SmokeFailure(f"the window was not painted within {self.opts.timeout:.0f} s")
        shown_ms = (time.perf_counter() - began) * 1000
        missing = [name for name in REQUIRED_WIDGETS if window.findChild(QWidget, name) is None]
        if missing:
            raise SmokeFailure(f"painted, but these widgets are missing: {', '.join(missing)}")
        size = window.size()
        return f"main window shown and painted in {shown_ms:.0f} ms ({size.width()}×{size.height()}), " \
               f"{', '.join(REQUIRED_WIDGETS)} present"

    def language_check(self) -> str:
        from PySide6.QtCore import QCoreApplication, QLocale
        from PySide6.QtWidgets import QAbstractButton

        if self.window is None:
            raise SmokeFailure("no window to look at")
        locale = ", ".join(QLocale.system().uiLanguages()[:2])
        button = self.window.findChild(QAbstractButton, "sendButton")
        if button is None:
            raise SmokeFailure("the window has no Send button")
        send = button.accessibleName()  # an icon: its name is what a screen reader (and this check) reads
        detail = f"{self.language} (system locale {locale}); Send button is named “{send}”"
        expected = self.opts.expect_language
        if expected and self.language != expected:
            raise SmokeFailure(f"{detail}, expected {expected} (set LANG or the language setting)")
        if self.language == "en":
            if send != "Send message":
                raise SmokeFailure(f"{detail}, expected “Send message”")
            return detail
        # Qt's own qtbase catalogue; the context is a variable so that lupdate does not copy the
        # string into ours (it would then look like one of our untranslated strings).
        qt_context = "QPlatformTheme"
        cancel = QCoreApplication.translate(qt_context, "Cancel")
        problems = []
        if send == "Send message" or not _has_cjk(send):
            problems.append("our translation is not in force")
        if cancel == "Cancel":
            problems.append("Qt's own translation (qtbase) is missing")
        if problems:
            raise SmokeFailure(f"{detail}; {'; '.join(problems)}")
        return f"{detail}, Qt's Cancel reads “{cancel}”"

    def keyring(self) -> str:
        from importlib.metadata import entry_points

        from desktop_chat import secrets

        backends = {ep.name: ep for ep in entry_points(group="keyring.backends")}
        if not backends:
            raise SmokeFailure("keyring finds no backends: its entry points (package metadata) are missing")
        detail = f"discovered {', '.join(sorted(backends))}"
        native = NATIVE_KEYRING.get("linux" if sys.platform.startswith("linux") else sys.platform)
        if native:
            if native not in backends:
                raise SmokeFailure(f"{detail}; {native}, this platform's keyring, is not among them")
            module = backends[native].load()  # what keyring itself does to discover a backend
            if native == "SecretService" and "secretstorage" not in sys.modules:
                raise SmokeFailure(f"{detail}; SecretService cannot work: secretstorage is not importable")
            try:
                module.Keyring.priority  # noqa: B018 - raises, with the reason, when it cannot work here
            except Exception as exc:  # noqa: BLE001 - the backend's own words
                detail += f"; {native} not usable here ({exc})"
        in_use = secrets.backend_name()
        detail = f"in use: {in_use}; {detail}"
        if self.opts.require_keyring and in_use in ("none", "keyring.backends.fail.Keyring"):
            raise SmokeFailure(f"{detail}; a working keyring was required")
        return detail

    def certificates(self) -> str:
        import httpx
        import httpx2

        parts = []
        for clients, build, source in (("Anthropic/OpenAI (httpx2)", httpx2.create_ssl_context, _httpx2_source),
                                       ("Ollama (httpx)", httpx.create_ssl_context, _httpx_source)):
            where = source()
            try:
                context = build()
            except Exception as exc:  # noqa: BLE001 - a missing or unreadable CA file
                raise SmokeFailure(f"{clients}: cannot load CA certificates from {where}: "
                                   f"{type(exc).__name__}: {exc}") from None
            count = _ca_count(context)
            if count == 0 and "truststore" not in where:
                raise SmokeFailure(f"{clients}: no CA certificates in {where}")
            parts.append(f"{clients} {count or 'system'} CAs from {where}")
        return "; ".join(parts)

    def pdf(self) -> str:
        from desktop_chat.documents import extract_bytes, render_page_png

        data = _tiny_pdf(PDF_TEXT)
        document = extract_bytes(data, "smoke.pdf")
        if document.page_count != 1 or PDF_TEXT not in document.text:
            raise SmokeFailure(f"extracted {document.page_count} pages reading {document.text[:60]!r}")
        png = render_page_png(data, 1, zoom=1.0)
        if not png.startswith(b"\x89PNG\r\n\x1a\n"):
            raise SmokeFailure("page rendering did not give a PNG")
        return f"pymupdf extracted “{PDF_TEXT}” and rendered the page ({len(png):,} bytes of PNG)"

    def providers(self) -> str:
        from desktop_chat.providers import PROVIDER_KINDS

        began = time.perf_counter()
        for module_name, class_name in PROVIDER_KINDS.values():
            getattr(importlib.import_module(module_name), class_name)
        return f"{', '.join(PROVIDER_KINDS)} imported in {(time.perf_counter() - began) * 1000:.0f} ms"

    def close_window(self) -> str:
        """Close the way a user does: the window's shutdown runs on the asyncio loop, then it says so."""
        import asyncio

        from PySide6.QtCore import QTimer

        from desktop_chat.ui.app import install_loop

        window = self.window
        if window is None:
            raise SmokeFailure("no window to close")
        app = self._app()
        app.setQuitOnLastWindowClosed(False)  # as run_gui: the shutdown decides when we are done
        loop = install_loop(app)
        finished = asyncio.Event()
        window.shutdownFinished.connect(finished.set)
        QTimer.singleShot(0, window.close)
        try:
            loop.run_until_complete(asyncio.wait_for(finished.wait(), self.opts.timeout))
        except asyncio.TimeoutError:
            raise SmokeFailure(f"the window did not shut down within {self.opts.timeout:.0f} s") from None
        finally:  # what leaving qasync's `with loop:` does (install_loop is typed as a plain loop)
            loop.stop()
            loop.close()
        if window.isVisible():
            raise SmokeFailure("the shutdown finished but the window is still shown")
        return "window closed through the asyncio loop (qasync)"


# -- helpers ---------------------------------------------------------------------------------

class _FirstPaint:
    def __init__(self, window: QWidget) -> None:
        from PySide6.QtCore import QEvent, QObject

        self.done = False
        outer = self

        class Filter(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint:
                    outer.done = True
                return False

        self._filter = Filter(window)
        window.installEventFilter(self._filter)


def _wait(predicate: Callable[[], bool], timeout: float) -> None:
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def _platform_plugins() -> set[str]:
    from PySide6.QtCore import QCoreApplication

    found = set()
    for directory in QCoreApplication.libraryPaths():
        platforms = Path(directory) / "platforms"
        if platforms.is_dir():
            for plugin in platforms.iterdir():
                name = plugin.name.split(".")[0]
                name = name[3:] if name.startswith("lib") else name
                found.add(name[1:] if name.startswith("q") else name)
    return found


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _ca_count(context: ssl.SSLContext) -> int:
    """CA certificates loaded now, or the hashed files of a CA folder (OpenSSL reads those lazily)."""
    count = context.cert_store_stats().get("x509_ca", 0)
    if count:
        return count
    import re
    import ssl

    folder = os.environ.get("SSL_CERT_DIR") or ssl.get_default_verify_paths().openssl_capath
    if folder and os.path.isdir(folder):
        return sum(1 for name in os.listdir(folder) if re.fullmatch(r"[0-9a-fA-F]{8}\.\d+", name))
    return 0


def _httpx2_source() -> str:
    """Where httpx2 (through httpcore2.default_ssl_context) takes its CAs from."""
    import ssl

    for variable in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        if os.environ.get(variable):
            return f"{variable}={os.environ[variable]}"
    if sys.platform in ("win32", "darwin"):
        return "the system store (truststore)"
    paths = ssl.get_default_verify_paths()
    for candidate in (paths.openssl_cafile, "/etc/ssl/cert.pem", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
                      "/etc/pki/tls/cert.pem", "/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/ca-bundle.pem"):
        if candidate and os.path.isfile(candidate):
            return os.path.realpath(candidate)
    return paths.openssl_capath or "nowhere"


def _httpx_source() -> str:
    """Where httpx takes its CAs from: SSL_CERT_FILE / SSL_CERT_DIR, else certifi's bundle."""
    for variable in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        if os.environ.get(variable):
            return f"{variable}={os.environ[variable]}"
    import certifi

    return f"certifi {certifi.where()}"


def _tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF saying *text* in Helvetica (ASCII only), with a correct xref table."""
    content = f"BT /F1 12 Tf 10 40 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 80] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out
