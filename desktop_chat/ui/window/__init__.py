"""The main window and what belongs to it as a whole: menu, dialogs, turn controller, error fixes."""
