"""The processes that the start and memory figures time: `python benchmarks/_start_child.py KIND MODE`.

KIND  app   the real app, started as `desktop-chat` starts it (desktop_chat.__main__.main)
      bare  a bare PySide6 QMainWindow of the same size, shown, with nothing in it
MODE  start print "ready" once the window has been painted and the event loop is idle (about to
            block waiting for events), then quit
      memory  the same, then once the app's start-up work is done (its set-up check, the
            collector's freeze at 1.5 s) and it has been idle a while, print "rss MB" and quit

The parent times from before it starts the process to the moment it reads "ready". Both kinds
report the same way, so their difference is what the app adds to a bare Qt window.
Kept free of imports beyond what each kind needs: it is run as a script, not through the package.
"""

from __future__ import annotations

import sys

SETTLE_MS = 2500  # after the set-up check: the collector freezes start-up objects at 1.5 s


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return -1.0


def when_ready(window, then) -> None:  # noqa: ANN001
    """Call `then()` once `window` has been painted and the event loop is about to block."""
    from PySide6.QtCore import QAbstractEventDispatcher, QEvent, QObject

    class FirstPaint(QObject):
        def eventFilter(self, watched, event) -> bool:  # noqa: ANN001
            if watched is window and event.type() == QEvent.Type.Paint:
                window.removeEventFilter(self)
                dispatcher = QAbstractEventDispatcher.instance()

                def idle() -> None:
                    dispatcher.aboutToBlock.disconnect(idle)
                    print("ready", flush=True)
                    then()

                dispatcher.aboutToBlock.connect(idle)
            return False

    window._bench_first_paint = FirstPaint(window)
    window.installEventFilter(window._bench_first_paint)


def report_rss_then(quit_) -> None:  # noqa: ANN001
    from PySide6.QtCore import QTimer

    def report() -> None:
        print(f"rss {rss_mb():.1f}", flush=True)
        quit_()

    QTimer.singleShot(SETTLE_MS, report)


def app(mode: str) -> int:
    from desktop_chat import __main__ as entry

    app_module = entry.load_gui()  # as entry.main does, which then finds it imported

    def hooks(window) -> None:  # noqa: ANN001 - replaces the app's env-var test hooks
        from PySide6.QtCore import QTimer

        checked = {"setup": False, "ready": False}

        def close() -> None:
            QTimer.singleShot(0, window.close)

        def maybe_report() -> None:
            if checked["setup"] and checked["ready"]:
                report_rss_then(close)

        def ready() -> None:
            checked["ready"] = True
            if mode == "start":
                close()
            else:
                maybe_report()

        def setup_checked() -> None:
            checked["setup"] = True
            maybe_report()

        window.setupChecked.connect(setup_checked)
        when_ready(window, ready)

    app_module._test_hooks = hooks
    return entry.main([])


def bare(mode: str) -> int:
    from PySide6.QtWidgets import QApplication, QMainWindow

    application = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1100, 720)
    window.show()
    if mode == "start":
        when_ready(window, application.quit)
    else:
        when_ready(window, lambda: report_rss_then(application.quit))
    return application.exec()


if __name__ == "__main__":
    kind, mode = sys.argv[1], sys.argv[2]
    sys.exit(app(mode) if kind == "app" else bare(mode))
