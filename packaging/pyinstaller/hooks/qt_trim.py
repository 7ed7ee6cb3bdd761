"""Which Qt plugins and translations the bundle keeps: one list, used by the Qt hooks here (so
that dropped plugins do not drag their own libraries in, e.g. the GTK theme pulls GTK) and by
chat.spec's final filter.

A chat window needs: the platforms a desktop runs (X11, Wayland, Windows, macOS) plus offscreen
and minimal for headless runs; input methods (Chinese!) and dead keys; SVG icons of the icon
theme; the xdg-desktop-portal theme (file dialogs in sandboxes); client-side decorations on
GNOME's Wayland. No OpenGL integrations: the widgets paint in software (raster), and those
plugins would bring libQt6OpenGL. Qt's translations: only Simplified Chinese qtbase (standard buttons, menus).
"""

KEEP_PLUGINS = {
    "platforms": ("qxcb", "qwayland", "qoffscreen", "qminimal.", "qwindows", "qcocoa"),
    "platforminputcontexts": ("compose", "ibus"),
    "platformthemes": ("xdgdesktopportal",),  # not gtk3: it would bundle the build machine's GTK
    "iconengines": ("qsvgicon",),
    "imageformats": ("qsvg", "qjpeg", "qgif", "qico"),
    "wayland-shell-integration": ("xdg-shell",),
    "wayland-decoration-client": ("",),
    "styles": ("",),  # macOS / Windows native styles
}
KEEP_TRANSLATIONS = ("qtbase_zh_CN.qm",)


def keep(path):
    """False for a Qt plugin or translation file the bundle leaves out; True for anything else.

    `path` is a source or destination path: only its Qt-relative tail matters.
    """
    path = str(path).replace("\\", "/")
    if "/Qt/plugins/" in "/" + path:
        parts = path.split("/Qt/plugins/", 1)[-1].split("/")
        if len(parts) < 2:
            return True
        kinds = KEEP_PLUGINS.get(parts[0])
        return kinds is not None and any(k in parts[-1] for k in kinds)
    if "/Qt/translations/" in "/" + path:
        return path.rsplit("/", 1)[-1] in KEEP_TRANSLATIONS
    return True


def trim(hiddenimports, binaries, datas):
    """A Qt hook's (hiddenimports, binaries, datas) without what `keep` refuses."""
    return (hiddenimports,
            [entry for entry in binaries if keep(entry[0])],
            [entry for entry in datas if keep(entry[0])])
