"""Pictures of the window, to look at: offscreen grabs of typical scenes, and the real app under Xvfb.

Everything is saved under test-artifacts/ at the repository root (git-ignored; CI keeps it).
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop_chat.config import load_settings
from desktop_chat.domain.messages import MessageStatus
from tests.fakes.loopback import Scenario
from tests.fakes.openai_server import FakeOpenAI
from tests.ui.conftest import configure

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"

LONG_ANSWER = """## Reading a CSV file in Python

The standard library's `csv` module is all you need for most files. Open the file with
`newline=""` so that quoted fields containing line breaks survive, then iterate:

```python
import csv

with open("orders.csv", newline="", encoding="utf-8") as handle:
    for row in csv.DictReader(handle):
        print(row["customer"], float(row["total"]))
```

A few things to keep in mind:

1. **Encoding** — files from spreadsheets are often `utf-8-sig` (a byte-order mark at the start).
2. **Dialects** — `csv.Sniffer().sniff(sample)` guesses the delimiter when it is not a comma.
3. **Large files** — `DictReader` streams rows, so memory stays flat however long the file is.

| approach | speed | dependencies |
|---|---|---|
| `csv` | fine | none |
| `pandas.read_csv` | fast | pandas, numpy |

If you need types, convert as you go, or use *pandas* when you want a whole table in memory.
Raw HTML stays text: <b>not bold</b>.
"""

CHINESE_QUESTION = "请用三句话解释什么是量子纠缠。"
CHINESE_ANSWER = """**量子纠缠**是指两个或多个粒子处于一种关联状态，即使相隔很远，测量其中一个也会立即影响对另一个的描述。

- 它并不能用来超光速传递信息；
- 爱因斯坦称之为"鬼魅般的超距作用"；
- 今天它是量子计算和量子通信的基础。
"""


def chunks(text: str, size: int = 12) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)]


def save(widget, name: str) -> Path:  # noqa: ANN001
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 10_000
    return path


def send(qtbot, window, text: str) -> None:  # noqa: ANN001
    window.composer.setFocus()
    window.composer.setPlainText(text)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)


def wait_done(qtbot, window, status=MessageStatus.COMPLETE) -> None:  # noqa: ANN001
    def done() -> bool:
        cid = window.current_conversation_id
        if cid is None or window.controller.is_streaming(cid):
            return False
        answers = [m for m in window.store.list_messages(cid) if m.role == "assistant"]
        return bool(answers) and answers[-1].status == status and not window.view.has_pending_render()

    qtbot.waitUntil(done, timeout=20_000)
    qtbot.wait(50)  # one more frame for the final paint


def seed_history(store) -> None:  # noqa: ANN001
    """A few older conversations so the list looks lived-in (Today / Yesterday / Earlier)."""
    import datetime as dt
    import uuid

    from desktop_chat.domain.messages import Conversation, Message

    def at(days: int) -> float:
        day = dt.date.today() - dt.timedelta(days=days)
        return dt.datetime.combine(day, dt.time(10, 30)).timestamp()

    items = []
    for days, title in [(1, "Trip to Lisbon: three-day plan"), (1, "周末做什么菜"), (4, "Rust lifetimes, explained"),
                        (12, "Cover letter draft"), (40, "翻译：产品说明书第二章")]:
        cid = uuid.uuid4().hex
        when = at(days)
        items.append((Conversation(cid, title, when, when, provider="anthropic", model="claude-test"),
                      [Message(uuid.uuid4().hex, cid, "user", title, seq=1, created_at=when, updated_at=when)]))
    store.import_conversations(items)


@pytest.fixture
def big_windows(windows):  # noqa: ANN001
    original = windows.new

    def new(settings=None, **kw):  # noqa: ANN001, ANN202
        window = original(settings, **kw)
        window.resize(1180, 760)
        return window

    windows.new = new
    return windows


def test_offscreen_screenshots_of_typical_scenes(big_windows, qtbot, fakes):
    windows = big_windows
    fake = fakes("anthropic")
    settings = configure("anthropic", fake)
    settings.theme = "light"
    window = windows.new(settings)
    seed_history(window.store)
    window.panel.reload()

    # A long answer, grabbed while it streams and once it is complete.
    fake.enqueue(Scenario(chunks=chunks(LONG_ANSWER), chunk_delay=0.01, output_tokens=412, input_tokens=37))
    send(qtbot, window, "How do I read a CSV file in Python?")
    qtbot.waitUntil(lambda: "Encoding" in (window.controller.live_answer(window.current_conversation_id)
                                           or ("", ""))[1], timeout=10_000)
    qtbot.wait(40)
    save(window, "window-streaming.png")
    wait_done(qtbot, window)
    save(window, "window-long-answer.png")

    # Chinese.
    window.new_conversation()
    fake.enqueue(Scenario(chunks=chunks(CHINESE_ANSWER, 6)))
    send(qtbot, window, CHINESE_QUESTION)
    wait_done(qtbot, window)
    save(window, "window-chinese.png")

    # An error card (the key is refused).
    window.new_conversation()
    fake.expected_key = "some-other-key"
    send(qtbot, window, "Are you there?")
    wait_done(qtbot, window, MessageStatus.ERROR)
    save(window, "window-error-card.png")
    fake.expected_key = None

    # The retry countdown.
    window.new_conversation()
    fake.enqueue(Scenario(status=429, retry_after="5"), Scenario(chunks=["Back again."]))
    send(qtbot, window, "Rate-limit me")
    qtbot.waitUntil(lambda: window.controller.notice(window.current_conversation_id) is not None, timeout=10_000)
    qtbot.wait(1100)
    save(window, "window-retry-countdown.png")
    window.stop()
    qtbot.waitUntil(lambda: not window.controller.streaming_ids(), timeout=10_000)

    # Dark theme, back on the long answer.
    settings.theme = "dark"
    window.apply_settings()
    window.panel.step(+1)
    first = window.panel.model.conversation_at(window.panel.model.rowCount() - 1)
    for row in range(window.panel.model.rowCount()):
        conversation = window.panel.model.conversation_at(row)
        if conversation.title.startswith("How do I read"):
            first = conversation
    window.open_conversation(first.id)
    qtbot.wait(100)
    save(window, "window-dark.png")
    settings.theme = "light"
    window.apply_settings()


def test_offscreen_screenshot_without_a_provider(big_windows, qtbot):
    window = big_windows.new(load_settings())
    qtbot.waitUntil(lambda: window.welcome.panel.isVisible(), timeout=10_000)
    qtbot.wait(50)
    save(window, "window-no-provider.png")


# -- the real app, under Xvfb -------------------------------------------------------------------------

def _start_xvfb() -> tuple[subprocess.Popen, str]:
    """Xvfb on the first free display; `-displayfd` tells us which once it is ready."""
    read, write = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    ready, _, _ = select.select([read], [], [], 15)
    number = os.read(read, 64).decode().strip() if ready else ""
    # Keep our end of the pipe open while Xvfb runs: closing it made Xvfb exit a moment later.
    proc._displayfd = read  # type: ignore[attr-defined]
    if not number:
        proc.kill()
        pytest.fail("Xvfb did not report a display number")
    return proc, f":{number}"


def _read_until(proc: subprocess.Popen, marker: str, timeout: float) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            line = proc.stdout.readline()
            if not line:
                break
            seen += line
            if marker in line:
                return seen
        elif proc.poll() is not None:
            break
    raise AssertionError(f"{marker!r} not printed by the app within {timeout} s; it printed:\n{seen}")


@pytest.mark.xvfb
@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed (apt-get install xvfb)")
@pytest.mark.parametrize("theme, language", [("light", "en"), ("dark", "zh_CN")])
def test_the_real_app_answers_under_xvfb_and_is_photographed(tmp_path, theme, language):
    import json

    data = tmp_path / "data"
    data.mkdir()
    ARTIFACTS.mkdir(exist_ok=True)
    suffix = "" if language == "en" else f"-{theme}-{language}"
    grab = ARTIFACTS / f"xvfb-window{suffix}.png"
    root_shot = ARTIFACTS / f"xvfb-screen{suffix}.png"
    for old in (grab, root_shot):
        old.unlink(missing_ok=True)
    xvfb, display = _start_xvfb()
    try:
        with FakeOpenAI(Scenario(chunks=chunks(LONG_ANSWER), chunk_delay=0.005)) as fake:
            (data / "settings.json").write_text(json.dumps({
                "default_endpoint": "local",
                "default_models": {"local": "local-model"},
                "custom_endpoints": [{"id": "local", "name": "Local server", "base_url": fake.base_url + "/v1"}],
                "theme": theme,
                "language": language,
            }), encoding="utf-8")
            env = {k: v for k, v in os.environ.items() if k not in ("DESKTOP_CHAT_HOME", "WAYLAND_DISPLAY")}
            env.update(QT_QPA_PLATFORM="xcb", DISPLAY=display, OLLAMA_HOST="http://127.0.0.1:9",
                       PYTHON_KEYRING_BACKEND="tests.fakes.memory_keyring.MemoryKeyring",
                       DESKTOP_CHAT_TEST_PROMPT="How do I read a CSV file in Python?",
                       DESKTOP_CHAT_SCREENSHOT=str(grab), DESKTOP_CHAT_SCREENSHOT_HOLD_MS="4000")
            app = subprocess.Popen([sys.executable, "-m", "desktop_chat", "--data-dir", str(data)], cwd=ROOT,
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            try:
                _read_until(app, "screenshot", timeout=60)
                if shutil.which("import"):
                    subprocess.run(["import", "-display", display, "-window", "root", str(root_shot)],
                                   check=True, timeout=30)
                assert app.wait(timeout=30) == 0
            finally:
                if app.poll() is None:
                    app.kill()
                    app.wait()
            assert fake.requests_to("/chat/completions"), "the app never sent the message"
    finally:
        xvfb.terminate()
        xvfb.wait(10)
        os.close(xvfb._displayfd)
    assert grab.stat().st_size > 10_000
    if shutil.which("import"):
        assert root_shot.stat().st_size > 10_000
    from desktop_chat.store import Store

    with Store(data / "chat.sqlite3") as store:
        (conversation,) = store.list_conversations()
        answer = store.list_messages(conversation.id)[-1]
    assert answer.status == MessageStatus.COMPLETE and answer.text == LONG_ANSWER


_DIALOG_BUTTONS_CHILD = """
import sys
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from desktop_chat.ui.common import theme

app = QApplication([])

def icons() -> str:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
    return " ".join("icon" if not box.button(b).icon().isNull() else "words"
                    for b in (QDialogButtonBox.StandardButton.Save, QDialogButtonBox.StandardButton.Cancel))

print("qt:", icons())
for look in sys.argv[1:]:
    theme.apply_theme(app, look)
    print(look + ":", icons())
"""


@pytest.mark.xvfb
@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed (apt-get install xvfb)")
def test_dialog_buttons_are_words_where_the_desktop_asks_for_icons(tmp_path):
    """On X11 without a desktop's own theme (a newcomer's Xvfb run), Qt gives dialog buttons its
    standard icons: a floppy disk on Save, a red cross on Cancel. Our style sheet turns them off, in
    every look; Qt's own answer first, to show that the platform really asks for them here."""
    xvfb, display = _start_xvfb()
    try:
        env = {k: v for k, v in os.environ.items() if k != "WAYLAND_DISPLAY"}
        env.update(QT_QPA_PLATFORM="xcb", DISPLAY=display, DESKTOP_CHAT_HOME=str(tmp_path))
        out = subprocess.run([sys.executable, "-c", _DIALOG_BUTTONS_CHILD, "system", "light", "dark"], env=env,
                             capture_output=True, text=True, timeout=60)
    finally:
        xvfb.kill()
        xvfb.wait()
    lines = [line for line in out.stdout.splitlines() if ":" in line]
    assert lines == ["qt: icon icon", "system: words words", "light: words words", "dark: words words"], out.stderr

