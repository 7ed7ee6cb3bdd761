"""Settings › Local server in the real window: the switch starts the server on the window's loop,
the count follows requests, the window keeps its own signal handling, and pictures to look at."""

from __future__ import annotations

import signal
import threading

import httpx
from PySide6.QtWidgets import QWidget

from tests.fakes.loopback import free_port
from tests.ui.conftest import configure
from tests.ui.test_screenshot_xvfb import save


def _call(url: str, token: str, results: list) -> None:
    try:
        response = httpx.post(url + "/v1/chat/completions", headers={"Authorization": f"Bearer {token}"}, timeout=10,
                              json={"model": "openai/gpt-test", "messages": [{"role": "user", "content": "Hi"}]})
        results.append(response.json()["choices"][0]["message"]["content"])
    except Exception as exc:  # noqa: BLE001 - the test reads what happened
        results.append(exc)


def _page(qtbot, window) -> QWidget:  # noqa: ANN001
    window.settings_door.open()
    dialog = window.settings_door.dialog
    qtbot.waitExposed(dialog)
    pages = dialog.pages
    index = next(i for i in range(pages.count()) if pages.widget(i).objectName() == "localServerPage")
    pages.setCurrentIndex(index)
    return pages.widget(index)


def test_switch_serves_counts_and_stops(windows, qtbot, fakes, qapp) -> None:  # noqa: ANN001
    from desktop_chat.ui.common import theme
    from desktop_chat.ui.runtime import i18n

    fake = fakes("openai")
    settings = configure("openai", fake)
    settings.server_port = free_port()
    window = windows.new(settings)
    handler = signal.getsignal(signal.SIGINT)
    page = _page(qtbot, window)
    host = window.local_server
    assert host is not None and not host.running
    qtbot.waitUntil(lambda: bool(host.token), timeout=5000)
    page.enabled_check.click()
    qtbot.waitUntil(lambda: host.running, timeout=10_000)
    assert signal.getsignal(signal.SIGINT) is handler  # uvicorn did not take Ctrl+C from the window
    assert page.address_edit.text() == f"http://127.0.0.1:{settings.server_port}/v1"
    assert "Running" in page.status.text()
    results: list = []
    caller = threading.Thread(target=_call, args=(host.url, host.token, results))
    caller.start()
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    caller.join()
    assert results == ["Hello, world!"]
    qtbot.waitUntil(lambda: page.count_label.text().startswith("1 since"), timeout=5000)
    page.token_edit.setEchoMode(page.token_edit.EchoMode.Password)
    save(window.settings_door.dialog, "server-01-settings-local-server-light.png")
    theme.apply_theme(qapp, "dark")
    try:
        qtbot.wait(50)
        save(window.settings_door.dialog, "server-02-settings-local-server-dark.png")
    finally:
        theme.apply_theme(qapp, "light")
    i18n.install_translator(qapp, "zh_CN")  # Chinese once build/pending/server.tsv is applied
    try:
        qtbot.wait(50)
        save(window.settings_door.dialog, "server-04-settings-local-server-zh_CN.png")
    finally:
        i18n.install_translator(qapp, "en")
    assert window.settings.server_enabled
    page.enabled_check.click()
    qtbot.waitUntil(lambda: "Off" in page.status.text(), timeout=10_000)
    assert not host.running
    assert not window.settings.server_enabled


def test_port_in_use_is_said_on_the_page(windows, qtbot, fakes) -> None:  # noqa: ANN001
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        settings = configure("openai", fakes("openai"))
        settings.server_port = taken.getsockname()[1]
        window = windows.new(settings)
        page = _page(qtbot, window)
        page.enabled_check.click()
        qtbot.waitUntil(lambda: "in use" in page.status.text(), timeout=10_000)
        save(window.settings_door.dialog, "server-03-settings-port-in-use.png")
        assert not window.local_server.running
    finally:
        taken.close()


def test_the_window_starts_the_server_it_was_left_with_and_stops_it_on_close(windows, qtbot, fakes) -> None:  # noqa: ANN001
    settings = configure("openai", fakes("openai"))
    settings.server_enabled = True
    settings.server_port = free_port()
    window = windows.new(settings)
    qtbot.waitUntil(lambda: window.local_server is not None and window.local_server.running, timeout=10_000)
    url = window.local_server.url
    windows.close(window)
    assert not window.local_server.running
    try:
        httpx.get(url + "/health", timeout=2)
        still_there = True
    except httpx.TransportError:
        still_there = False
    assert not still_there
