"""A model's own word on images, overridden by the user: the model picker's right-click menu.

Whether a model sees images comes from its provider (chat/images.py): the family, the documented
cloud families, Ollama's /api/show. Where that is wrong or silent (a fine-tune behind an
OpenAI-compatible server, a new family), the user says so here, per endpoint and model; it is
kept in Settings.vision_models and read at the next send.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

from desktop_chat.config import Settings
# The engine's marker, not PySide6's: the same no-op for lupdate, typed to return the str.
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP
from desktop_chat.ui.common.theme import round_menu

__all__ = ["set_vision", "show_vision_menu", "vision_menu"]


def _tr(text: str) -> str:
    return QCoreApplication.translate("VisionMenu", text)


def set_vision(settings: Settings, endpoint_id: str, model: str, value: bool | None) -> None:
    """Record the user's word (None: go by what the provider says)."""
    table = settings.vision_models.setdefault(endpoint_id, {})
    if value is None:
        table.pop(model, None)
    else:
        table[model] = value
    if not table:
        settings.vision_models.pop(endpoint_id, None)


def vision_menu(parent: QWidget, settings: Settings, endpoint_id: str, model: str,
                changed: Callable[[], None]) -> QMenu:
    """The menu for one model (shown by the caller); *changed()* after the user picks another choice."""
    menu = round_menu(QMenu(parent))
    menu.setObjectName("modelVisionMenu")
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    section = menu.addSection(_tr(QT_TRANSLATE_NOOP("VisionMenu", "Images for {model}")).format(model=model))
    section.setEnabled(False)
    group = QActionGroup(menu)
    current = settings.vision_models.get(endpoint_id, {}).get(model)
    for value, label in ((None, _tr(QT_TRANSLATE_NOOP("VisionMenu", "As the provider says"))),
                         (True, _tr(QT_TRANSLATE_NOOP("VisionMenu", "Sees images"))),
                         (False, _tr(QT_TRANSLATE_NOOP("VisionMenu", "Does not see images")))):
        action = QAction(label, menu)
        action.setCheckable(True)
        action.setChecked(current is value)
        action.setObjectName({None: "visionAutomatic", True: "visionYes", False: "visionNo"}[value])
        group.addAction(action)
        menu.addAction(action)

        def chosen(_checked: bool = False, value: bool | None = value) -> None:
            set_vision(settings, endpoint_id, model, value)
            changed()

        action.triggered.connect(chosen)
    return menu


def show_vision_menu(parent: QWidget, settings: Settings, endpoint_id: str, model: str, where: QPoint,
                     changed: Callable[[], None]) -> QMenu:
    menu = vision_menu(parent, settings, endpoint_id, model, changed)
    menu.popup(where)
    return menu
