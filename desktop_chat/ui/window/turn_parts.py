"""The window's turn controller and the presenter of its events, made together with the first turn.

Why not at start: their modules and the engine's event types (≈ 25 dataclasses) cost ≈ 10 ms
before the first frame, and a start that only shows the history never runs a turn. The window
asks for them (MainWindow.controller / presenter) when a turn starts or a question needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_chat.ui.window.main_window import MainWindow
    from desktop_chat.ui.window.turn_presenter import TurnPresenter
    from desktop_chat.ui.window.turns import TurnController

__all__ = ["build_turn_parts"]


def build_turn_parts(window: MainWindow) -> tuple[TurnController, TurnPresenter]:
    """A TurnController running turns with the window's engine, its events shown by a TurnPresenter."""
    from desktop_chat.ui.window.turn_presenter import TurnPresenter
    from desktop_chat.ui.window.turns import TurnController

    controller = TurnController(lambda: window.engine, window.runner, window)
    presenter = TurnPresenter(window)  # turn events → the pane, the list, the status bar
    controller.turnEvent.connect(presenter.on_event)
    return controller, presenter
