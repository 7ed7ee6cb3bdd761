"""Start the window: Qt first, the window on screen, then everything slow in the background.

Order matters for how fast the window appears: QApplication, settings (one small JSON file),
theme and translator, the store (opening SQLite is quick), the window shown with the composer
focused, and only then the asyncio loop. The provider SDKs, the keyring and model lists are
touched later, by tasks, when something needs them (DESIGN.md: eager imports took start-up
from ≈ 0.1 s to ≈ 2.5 s).

qasync does not install asyncio's async-generator hooks, so abandoned SDK streams would raise
at garbage collection; `install_loop` installs the running loop's hooks itself. PySide6 is
imported before qasync so that qasync binds to it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

from desktop_chat.ui.runtime import pyside_import_check

if TYPE_CHECKING:
    import qasync

pyside_import_check.install()  # before the app's own imports: PySide checks each one (see there)

log = logging.getLogger("desktop_chat")

# Hidden test hooks (used by the Xvfb screenshot test; harmless otherwise).
PROMPT_ENV = "DESKTOP_CHAT_TEST_PROMPT"  # type this into the composer and press Enter once shown
SCREENSHOT_ENV = "DESKTOP_CHAT_SCREENSHOT"  # grab the window here after the first answer, then quit
SCREENSHOT_HOLD_ENV = "DESKTOP_CHAT_SCREENSHOT_HOLD_MS"  # stay open this long after the grab
STARTUP_ENV = "DESKTOP_CHAT_REPORT_STARTUP"  # print "startup-ms N" once the window is painted, then quit
NO_DIALOGS_ENV = "DESKTOP_CHAT_TEST_NO_DIALOGS"  # print start-up dialogs ("dialog NAME: text") instead of showing them
HANDOVER_ENV = "DESKTOP_CHAT_TEST_REPORT_HANDOVER"  # print what another start handed over, once attached

_STARTED = time.perf_counter()


def setup_logging(log_dir: Path) -> logging.Handler:
    """The rotating log file in the data dir (desktop_chat/logs.py: no keys, no message text)."""
    from desktop_chat.logs import setup_logging as setup

    return setup(log_dir)


def install_loop(app: QApplication) -> qasync.QEventLoop:
    """A qasync loop for `app`, set as the current loop, with async-generator hooks installed."""
    import qasync  # after PySide6

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    install_asyncgen_hooks(loop)
    return loop


def install_asyncgen_hooks(loop: asyncio.AbstractEventLoop) -> None:
    sys.set_asyncgen_hooks(firstiter=loop._asyncgen_firstiter_hook,  # type: ignore[attr-defined]
                           finalizer=loop._asyncgen_finalizer_hook)  # type: ignore[attr-defined]


def build_window(settings: Any, *, files: Sequence[str] = ()) -> Any:
    """Store, runner and window for `settings` (used by run_gui and by the tests); the window
    builds the chat engine when it first needs it."""
    from desktop_chat.config import database_path
    from desktop_chat.ui.runtime.async_runner import AsyncRunner
    from desktop_chat.ui.window.main_window import MainWindow

    store = open_history(database_path())
    # One DocumentLibrary for the composer (extraction) and the engine (sending); it opens its
    # files on first use, in a worker thread, and the window closes it at shutdown.
    from desktop_chat.config import data_dir
    from desktop_chat.documents.lazy_library import LazyDocumentLibrary

    documents = LazyDocumentLibrary(data_dir())
    return MainWindow(settings, store, AsyncRunner(), files=files, documents=documents)


def open_history(path: Path) -> Any:
    """The window's Store. It checks the file first: a damaged one is moved aside
    (store.moved_aside) and the window says where it is, instead of failing at every start. An
    older history that needs an upgrade is opened in a worker thread behind a progress window
    (ui/window/migration_progress.py), so that a long upgrade is not a window that never appears."""
    from desktop_chat.store import Store, pending_upgrade

    if pending_upgrade(path):  # one read-only look at schema_migrations: well under a millisecond
        from desktop_chat.ui.window.migration_progress import open_store_showing_progress

        return open_store_showing_progress(path, check_integrity=True)
    return Store(path, check_integrity=True)


def apply_look(app: QApplication, settings: Any) -> str:
    from desktop_chat.ui.common import fonts, theme
    from desktop_chat.ui.runtime import i18n

    theme.apply_theme(app, settings.theme)
    language = i18n.install_translator(app, settings.language)
    fonts.apply_app_font(app, language)  # Han in Chinese forms on any system locale (ui/common/fonts.py)
    return language


# How long a thread may hold the GIL while another waits for it (CPython's default is 5 ms).
# Worker threads (PDF extraction, the keyring, the first SDK import, pygments lexers) run C
# code and Python between the GUI thread's callbacks; each Python callback of a paint or a
# signal waited up to the whole interval: attaching a 300-page PDF froze the loop for 35-50 ms
# at 5 ms, 9-13 ms at 1 ms, and the extraction itself took no longer.
GIL_SWITCH_INTERVAL_S = 0.001


def run_gui(argv: Sequence[str]) -> int:
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    QCoreApplication.setOrganizationName("desktop-chat")
    QCoreApplication.setApplicationName("Desktop Chat")
    QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    assert isinstance(app, QApplication)
    files = app.arguments()[1:]  # what is left once Qt took its own options (-platform, -style…)
    app.setDesktopFileName("desktop-chat")
    from desktop_chat.ui.common.icon import app_icon

    app.setWindowIcon(app_icon())  # every window's icon (X11 title bars, taskbars); Wayland uses the .desktop's

    from desktop_chat.config import data_dir, load_settings, log_dir
    from desktop_chat.instance_lock import InstanceLock
    from desktop_chat.store import StoreError

    setup_logging(log_dir())
    log.info("starting Desktop Chat (pid %d)", os.getpid())
    settings = load_settings()
    language = apply_look(app, settings)
    instance = InstanceLock(data_dir())  # held until this process ends (the OS drops it even on a crash)
    if not instance.acquire():
        handed = _hand_over_to_running_window(files, instance)
        if handed is not None:
            return handed
        # The other window closed while we waited for it: this start is the window now.
    try:
        window = build_window(settings, files=files)
    except StoreError as exc:
        log.error("cannot open the database (%s): %s", exc.kind, exc)
        from desktop_chat.ui.window.storage_notice import startup_problem_box

        _tell(startup_problem_box(exc))
        return 1
    _fit_to_screen(window)
    window.show()
    window.composer.setFocus()
    log.info("window shown after %.0f ms (language %s)", (time.perf_counter() - _STARTED) * 1000, language)

    from desktop_chat.ui.runtime.gc_guard import GuiThreadCollector

    # Qt objects must only be freed on the GUI thread (see gc_guard). Nothing to collect before
    # the first frames are out: start-up objects live as long as the app (see __main__).
    collector = GuiThreadCollector(app, checking=False)
    QTimer.singleShot(1500, collector.freeze_startup_objects)
    loop = install_loop(app)
    app.setQuitOnLastWindowClosed(False)  # we quit once the shutdown (stopping answers, closing) is done
    finished = asyncio.Event()
    window.shutdownFinished.connect(finished.set)
    _handle_signals(window)
    _test_hooks(window)
    other_starts = _OtherStarts(window, report=bool(os.environ.get(HANDOVER_ENV)))
    window.start()
    with loop:
        loop.run_until_complete(finished.wait())
    from desktop_chat.ui.messages.markdown_render import lexers

    lexers.close()  # before Qt goes away: its worker must not emit into a dying application
    maths = sys.modules.get("desktop_chat.ui.messages.math_render")  # imported only if a formula showed
    if maths is not None:
        maths.formulas.close()
    other_starts.close()
    log.info("closed")
    return 0


def _fit_to_screen(window: Any) -> None:
    """The first start's 1100×720 on a smaller screen (a netbook, a 1024×600 VM): no larger than
    the screen's free area, so the window's edges and the Send button are never off-screen.
    (A saved geometry is already fitted by restoreGeometry.)"""
    screen = window.screen()
    if screen is None:
        return
    available = screen.availableGeometry()
    size = window.size().boundedTo(available.size()).expandedTo(window.minimumSizeHint())
    if size != window.size():
        window.resize(size)
        window.move(available.topLeft())


class _OtherStarts(QObject):
    """Listens for later starts on this data folder (ui/runtime/single_instance.py) once the window's
    first frame is out: QtNetwork costs ≈ 5 ms to import, and a start in between simply retries
    its connection (it waits up to 2 s for an answer)."""

    def __init__(self, window: Any, *, report: bool = False) -> None:
        super().__init__(window)
        self.window = window
        self.server: Any = None
        self._report = report
        self._painted = False
        self._closing = False
        window.installEventFilter(self)
        QTimer.singleShot(2000, self._listen)  # in case no paint ever comes (a minimised start)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        from PySide6.QtCore import QEvent

        if watched is self.window:
            if event.type() == QEvent.Type.Paint and not self._painted:
                self._painted = True
                QTimer.singleShot(0, self._listen)
            elif event.type() == QEvent.Type.Close:
                # Closing (the shutdown takes a moment): a later start must not hand its files to
                # a window that is going away. It finds nobody listening, waits for our lock to
                # be free and opens the window itself.
                self.window.removeEventFilter(self)
                self._closing = True
                self.close()
        return False

    def _listen(self) -> None:
        if self.server is not None or self._closing:
            return
        from desktop_chat.config import data_dir
        from desktop_chat.ui.runtime.single_instance import InstanceServer, serve_window, server_name

        # We hold the window lock, so a socket already there is a crash's leftover: listen() removes it.
        self.server = InstanceServer(server_name(data_dir()), self)
        self.server.listen()
        serve_window(self.window, self.server)
        if self._report:
            _report_handovers(self.window, self.server)

    def close(self) -> None:
        if self.server is not None:
            self.server.close()


def _hand_over_to_running_window(files: Sequence[str], instance: Any) -> int | None:
    """A window already runs on this data folder: give it our files (or just bring it to the
    front) and exit; if it does not answer, say so in one dialog. None: it closed meanwhile (its
    lock is ours now), so this start opens the window itself."""
    from desktop_chat.config import data_dir
    from desktop_chat.ui.composer.file_routing import paths_from_arguments
    from desktop_chat.ui.runtime.single_instance import HandOver, hand_over, not_answering_box, server_name

    paths = paths_from_arguments(files)
    result = hand_over(server_name(data_dir()), paths)
    if result.outcome is HandOver.DELIVERED:
        log.info("handed %d file(s) to the window already running on %s (%.0f ms)", len(paths), data_dir(),
                 result.elapsed_s * 1000)
        if os.environ.get(NO_DIALOGS_ENV):  # tests: say it, as the dialogs are said
            print(f"handed-over {len(paths)}", flush=True)
        return 0
    if instance.acquire():
        log.info("the window on %s closed while we waited for it (%s): starting instead", data_dir(),
                 result.detail)
        return None
    log.warning("the window already running on %s did not take our files: %s", data_dir(), result.detail)
    _tell(not_answering_box(data_dir()))
    return 1


def _tell(box: Any) -> None:
    """Show a start-up dialog and wait for the user (tests: print it instead, see NO_DIALOGS_ENV)."""
    if os.environ.get(NO_DIALOGS_ENV):
        print(f"dialog {box.objectName()}: {box.text()}", flush=True)
        box.deleteLater()
        return
    box.exec()


def _handle_signals(window: Any) -> None:
    """Ctrl+C / SIGTERM close the window the normal way (answers saved as stopped)."""

    def close(*_args: Any) -> None:
        QTimer.singleShot(0, window.close)

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            signal.signal(sig, close)
        except (ValueError, OSError):  # not the main thread, or not supported here
            pass
    # Python only runs signal handlers when Python code runs: wake it up now and then.
    heartbeat = QTimer(window)
    heartbeat.setInterval(250)
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start()


def _report_handovers(window: Any, server: Any) -> None:
    """Test hook: after another start's request, print the window's conversation and, once the
    files are read, its attachment chips ("handover-attached NAME:STATE|…"), as the user sees them."""

    def requested(request: Any) -> None:  # connected after serve_window's handler: the files are opened
        print(f"handover-received {len(request.files)} conversation={window.current_conversation_id}", flush=True)
        if not request.files:
            return
        tray = window.attachments.tray

        def settled() -> None:
            chips = tray.chips()
            if chips and not tray.busy():
                tray.changed.disconnect(settled)
                print("handover-attached " + "|".join(f"{c.title}:{c.state.value}" for c in chips), flush=True)

        tray.changed.connect(settled)
        settled()

    server.requested.connect(requested)


# What the start-up report (STARTUP_ENV) names if it was imported before the first frame: the SDKs
# and the engine, and the smaller things a start has no use for (each was measured at start once).
_NOT_BEFORE_THE_FIRST_FRAME = (
    "anthropic", "openai", "keyring", "fitz", "pymupdf", "httpx", "desktop_chat.chat.engine", "markdown_it",
    "pygments", "logging.handlers", "desktop_chat.ui.messages.thinking_block",
    "desktop_chat.ui.messages.stream_buffer")


def _test_hooks(window: Any) -> None:
    if os.environ.get(STARTUP_ENV):
        from PySide6.QtCore import QEvent, QObject

        class FirstPaint(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint:
                    window.removeEventFilter(self)
                    elapsed = (time.perf_counter() - _STARTED) * 1000
                    heavy: list[str] = sorted(m for m in _NOT_BEFORE_THE_FIRST_FRAME if m in sys.modules)
                    if "QWizard" in vars(sys.modules["PySide6.QtWidgets"]):  # every widget class loaded
                        heavy.append("all-widget-classes")  # (ui/runtime/python_viewport.py)
                    print(f"startup-ms {elapsed:.0f} loaded {','.join(heavy) or '-'}", flush=True)
                    QTimer.singleShot(0, window.close)
                return False

        window._first_paint = FirstPaint(window)
        window.installEventFilter(window._first_paint)

    prompt = os.environ.get(PROMPT_ENV)
    if prompt:
        def type_prompt() -> None:
            from PySide6.QtCore import QEvent
            from PySide6.QtGui import QKeyEvent

            window.composer.setFocus()
            window.composer.setPlainText(prompt)
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(window.composer, QKeyEvent(kind, Qt.Key.Key_Return,
                                                                  Qt.KeyboardModifier.NoModifier, "\r"))

        QTimer.singleShot(300, type_prompt)

    target = os.environ.get(SCREENSHOT_ENV)
    if target:
        hold_ms = int(os.environ.get(SCREENSHOT_HOLD_ENV, "0") or 0)

        def grab(_cid: str) -> None:
            window.turnFinished.disconnect(grab)

            def save() -> None:
                window.grab().save(target)
                log.info("screenshot saved")
                print(f"screenshot {target}", flush=True)
                QTimer.singleShot(hold_ms, window.close)

            QTimer.singleShot(400, save)  # let the last frame of the answer paint

        window.turnFinished.connect(grab)
