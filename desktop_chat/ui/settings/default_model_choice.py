"""The Defaults page's provider and model combos in the Settings dialog: which provider new
conversations start with, and each provider's default model, kept as drafts until Save.

Why apart from SettingsDialog: the two combos carry state of their own (the model typed for each
provider while another one is shown; whether the user chose the provider or row 0 only shows
because the default is not listed) and follow the custom services as they come, go and are
renamed. The dialog tells it about those and asks it for its part of a save (apply).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from desktop_chat.config import Settings
from desktop_chat.ui.settings.endpoint_draft import EndpointDraft
from desktop_chat.ui.settings.general_pages import DefaultsPage

__all__ = ["DefaultModelChoice"]


def _unnamed() -> str:
    # The dialog's translation context, where this string has always been.
    return QCoreApplication.translate("SettingsDialog", "(unnamed)")


class DefaultModelChoice:
    """The default provider (a draft) and the default model of every draft (`models`)."""

    def __init__(self, page: DefaultsPage, all_drafts: Callable[[], list[EndpointDraft]],
                 models: dict[EndpointDraft, str]) -> None:
        self.provider_combo, self.model_combo = page.provider_combo, page.model_combo
        self._all_drafts = all_drafts
        self._models = models  # the dialog's: drafts it adds or removes are told (added/removed)
        self._model_draft: EndpointDraft | None = None  # whose model the model combo shows
        self._shown: EndpointDraft | None = None  # the provider shown when the dialog opened
        self._chosen = False  # the user picked a provider (not only row 0 shown)
        self.provider_combo.currentIndexChanged.connect(self._provider_changed)
        self.provider_combo.activated.connect(self._provider_chosen)

    def load(self, default_endpoint: str | None) -> None:
        self.rebuild(select_id=default_endpoint)
        # The combo lists no Built-in row: when that (or an endpoint gone from the list) is the
        # default, row 0 shows, and saving must not make it the default unless the user chose it.
        self._shown, self._chosen = self.provider_combo.currentData(), False

    def rename_all(self) -> None:
        """A service's name changed (or came, or went): the default-provider combo says it too."""
        for index in range(self.provider_combo.count()):
            draft = self.provider_combo.itemData(index)
            self.provider_combo.setItemText(index, draft.label or _unnamed())

    def added(self, draft: EndpointDraft, default_model: str) -> None:
        self._models[draft] = default_model
        self.rebuild()

    def removed(self, draft: EndpointDraft) -> None:
        self._models.pop(draft, None)
        self.rebuild()

    def rebuild(self, select_id: str | None = None) -> None:
        current = self.provider_combo.currentData()
        self.provider_combo.blockSignals(True)
        self.provider_combo.clear()
        for draft in self._all_drafts():
            self.provider_combo.addItem(draft.label or _unnamed(), draft)
        index = 0
        for i in range(self.provider_combo.count()):
            draft = self.provider_combo.itemData(i)
            if (select_id is not None and draft.endpoint_id == select_id) or (select_id is None and draft is current):
                index = i
        self.provider_combo.setCurrentIndex(index)
        self.provider_combo.blockSignals(False)
        self._provider_changed(index)

    def models_listed(self, draft: EndpointDraft) -> None:
        """A test connection listed `draft`'s models: offer them if its model is the one shown."""
        if draft is self._model_draft:
            self._models[draft] = self.model_combo.currentText()
            self._fill_models(draft)

    def apply(self, new: Settings, ids: dict[EndpointDraft, str]) -> None:
        """Save: the default provider (if chosen) and the default models, into `new`."""
        if self._model_draft is not None and self._model_draft in self._models:
            self._models[self._model_draft] = self.model_combo.currentText()
        selected = self.provider_combo.currentData()
        chosen = self._chosen or selected is not self._shown
        if selected is not None and selected in ids and chosen:
            new.default_endpoint = ids[selected]
        for draft, model in self._models.items():
            endpoint_id = ids.get(draft)
            if endpoint_id is None:
                continue
            if model.strip():
                new.default_models[endpoint_id] = model.strip()
            else:
                new.default_models.pop(endpoint_id, None)

    def _provider_chosen(self, _index: int) -> None:
        self._chosen = True

    def _provider_changed(self, _index: int) -> None:
        if self._model_draft is not None and self._model_draft in self._models:
            self._models[self._model_draft] = self.model_combo.currentText()
        draft = self.provider_combo.currentData()
        self._model_draft = draft
        self._fill_models(draft)

    def _fill_models(self, draft: EndpointDraft | None) -> None:
        text = self._models.get(draft, "") if draft is not None else ""
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        if draft is not None:
            self.model_combo.addItems(draft.models)
        self.model_combo.setEditText(text)
        self.model_combo.blockSignals(False)
