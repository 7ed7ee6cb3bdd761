"""What a new conversation shows before its first message: a greeting and a few starting points.

A starting point puts the beginning of a question in the composer (`starterChosen`); "Ask about a
PDF" asks for the file dialog (`attachRequested`) and says that a PDF can simply be dropped on the
window. Its icons are painted live from the window's icon font (ui/common/icons.py).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.ui.messages.cards import CARD_RADIUS, is_dark, mix, muted_text
from desktop_chat.ui.common.icons import GlyphLabel
from desktop_chat.ui.messages.pane_icons import NAMES

__all__ = ["EmptyState", "StarterCard"]

_ICON_PX = 20
_MAX_WIDTH = 640


class StarterCard(QAbstractButton):
    """A rounded card with an icon, a title and one line of explanation; clickable and focusable."""

    def __init__(self, name: str, icon: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.icon_name = icon
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)  # the explanation wraps in a narrow window
        self.setSizePolicy(policy)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(12)
        self.icon_label = GlyphLabel(NAMES[icon], "accent", self)  # painted live: theme and font
        self.icon_label.setFixedSize(_ICON_PX, _ICON_PX)
        layout.addWidget(self.icon_label, 0, Qt.AlignmentFlag.AlignTop)
        words = QVBoxLayout()
        words.setSpacing(2)
        self.title = QLabel(self)
        font = self.title.font()
        font.setWeight(font.Weight.DemiBold)
        self.title.setFont(font)
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        words.addWidget(self.title)
        words.addWidget(self.detail)
        words.addStretch(1)  # a taller neighbour in the row leaves the words at the top
        layout.addLayout(words, 1)

    def set_texts(self, title: str, detail: str) -> None:
        self.title.setText(title)
        self.detail.setText(detail)
        self.setAccessibleName(title)
        self.setAccessibleDescription(detail)
        self.setToolTip(detail)

    def show_icon(self) -> None:
        self.icon_label.update()

    def apply_palette(self) -> None:
        quiet = QPalette(self.palette())
        quiet.setColor(QPalette.ColorRole.WindowText, muted_text(self.palette()))
        self.detail.setPalette(quiet)

    def sizeHint(self) -> QSize:
        layout = self.layout()
        return layout.sizeHint() if layout is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        layout = self.layout()
        return layout.minimumSize() if layout is not None else super().minimumSizeHint()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        layout = self.layout()
        return layout.totalHeightForWidth(width) if layout is not None else super().heightForWidth(width)

    def paintEvent(self, event: QPaintEvent) -> None:
        palette = self.palette()
        base, text = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
        dark = is_dark(palette)
        hovered = self.underMouse() or self.isDown()
        fill = mix(base, text, (0.09 if hovered else 0.04) if dark else (0.05 if hovered else 0.0))
        border: QColor = (palette.color(QPalette.ColorRole.Highlight) if self.hasFocus()
                          else mix(base, text, 0.22 if dark else 0.14))
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(border)
        painter.setBrush(fill)
        painter.drawRoundedRect(self.rect().adjusted(0, 0, -1, -1), CARD_RADIUS + 2, CARD_RADIUS + 2)
        painter.end()

    def event(self, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.HoverEnter, QEvent.Type.HoverLeave):
            self.update()
        return super().event(event)


class EmptyState(QWidget):
    """The centred greeting and the starting points of a new conversation."""

    starterChosen = Signal(str)  # the beginning of a question, for the composer
    attachRequested = Signal()  # "Ask about a PDF": the file dialog, please

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        self._icons_shown = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 24, 24, 24)
        outer.addStretch(3)
        column = QWidget(self)
        column.setMaximumWidth(_MAX_WIDTH)
        inner = QVBoxLayout(column)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(8)
        self.greeting = QLabel(column)
        self.greeting.setObjectName("emptyGreeting")
        self.greeting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.greeting.setWordWrap(True)
        font = self.greeting.font()
        font.setPointSizeF(font.pointSizeF() * 1.75)
        font.setWeight(font.Weight.DemiBold)
        self.greeting.setFont(font)
        self.hint = QLabel(column)
        self.hint.setObjectName("emptyHint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        inner.addWidget(self.greeting)
        inner.addWidget(self.hint)
        inner.addSpacing(16)
        grid = QGridLayout()
        grid.setSpacing(10)
        self.explain = StarterCard("starterExplain", "idea", column)
        self.code = StarterCard("starterCode", "code", column)
        self.translate = StarterCard("starterTranslate", "translate", column)
        self.pdf = StarterCard("starterPdf", "pdf", column)
        self.cards = [self.explain, self.code, self.translate, self.pdf]
        for index, card in enumerate(self.cards):
            grid.addWidget(card, index // 2, index % 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        inner.addLayout(grid)
        # As wide as there is room for, up to _MAX_WIDTH, centred (an aligned item would shrink).
        column.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        centre = QHBoxLayout()
        centre.addStretch(1)
        centre.addWidget(column, 100)
        centre.addStretch(1)
        outer.addLayout(centre)
        outer.addStretch(1)  # near the bottom: the window puts its composer just below (composer_place.py)
        self.explain.clicked.connect(lambda: self.starterChosen.emit(self._prompts["explain"]))
        self.code.clicked.connect(lambda: self.starterChosen.emit(self._prompts["code"]))
        self.translate.clicked.connect(lambda: self.starterChosen.emit(self._prompts["translate"]))
        self.pdf.clicked.connect(self.attachRequested)
        self._prompts: dict[str, str] = {}
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        self.retranslate()
        self._apply_palette()

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("New conversation"))
        self.greeting.setText(self.tr("How can I help you today?"))
        self.hint.setText(self.tr("Ask anything below, or start from one of these."))
        self.explain.set_texts(self.tr("Explain a concept"), self.tr("In plain words, with an example"))
        self.code.set_texts(self.tr("Help with code"), self.tr("Review, fix or write a piece of code"))
        self.translate.set_texts(self.tr("Translate text"), self.tr("Between any two languages"))
        self.pdf.set_texts(self.tr("Ask about a PDF"), self.tr("Drop a PDF on the window, or click to choose one"))
        self._prompts = {
            "explain": self.tr("Explain in plain words, with an example: "),
            "code": self.tr("Review this code and suggest improvements:\n\n"),
            "translate": self.tr("Translate into English:\n\n"),
        }

    def _apply_palette(self) -> None:
        quiet = QPalette(self.palette())
        quiet.setColor(QPalette.ColorRole.WindowText, muted_text(self.palette()))
        self.hint.setPalette(quiet)
        for card in self.cards:
            card.apply_palette()
            if self._icons_shown:
                card.show_icon()

    def show_icons(self) -> None:
        self._icons_shown = True
        for card in self.cards:
            card.show_icon()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._icons_shown:
            self.show_icons()  # (made when first shown: a conversation with messages never needs them)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        elif event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
