"""Before the window starts: can Qt's platform plugin load on this machine? (used by scripts/run.sh)

PySide6's wheels ship Qt but not the system libraries its X11 (xcb) and Wayland plugins link to.
When one is missing, Qt aborts (exit 134) and its message can name the wrong library (it blamed
libxcb-cursor0 on a machine that lacked libxcb-icccm4 and libxcb-keysyms1). So this module asks the
dynamic loader itself (`ldd`), names each missing library's package for the machine's family of
distributions, and installs them with apt-get on Debian/Ubuntu, or prints the one command to run.

It never imports PySide6 (importing it is what aborts) nor anything of the app beyond the list of
sub-commands, so it runs in a few tens of milliseconds.

    python -m desktop_chat.preflight [--launcher CMD] [--apt-installer SCRIPT] [--] APP-ARGUMENTS

Exit 0: start the app; if stdout holds `QT_QPA_PLATFORM=wayland`, export that first (the X11
plugin cannot load but the Wayland one can). Exit 1: the app cannot start; stderr says why and what
to do.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from desktop_chat.commands import CLI_COMMANDS

# soname -> (Debian/Ubuntu apt, Fedora dnf, Arch pacman) package. The libraries Qt's xcb and
# wayland plugins and the Qt libraries under them link to (read from `ldd` on PySide6 6.10-6.12),
# plus the usual suspects of older PySide6 releases (xinerama, glx).
_PACKAGES: dict[str, tuple[str, str, str]] = {
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms", "xcb-util-keysyms"),
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor", "xcb-util-cursor"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util", "xcb-util"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb", "libxcb"),
    "libxcb-xinerama.so.0": ("libxcb-xinerama0", "libxcb", "libxcb"),
    "libxcb-glx.so.0": ("libxcb-glx0", "libxcb", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon", "libxkbcommon"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb", "libx11"),
    "libX11.so.6": ("libx11-6", "libX11", "libx11"),
    "libXau.so.6": ("libxau6", "libXau", "libxau"),
    "libXdmcp.so.6": ("libxdmcp6", "libXdmcp", "libxdmcp"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl", "libglvnd"),
    "libGL.so.1": ("libgl1", "libglvnd-glx", "libglvnd"),
    "libGLX.so.0": ("libglx0", "libglvnd-glx", "libglvnd"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl", "libglvnd"),
    "libGLdispatch.so.0": ("libglvnd0", "libglvnd", "libglvnd"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype", "freetype2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs", "dbus"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
    "libwayland-client.so.0": ("libwayland-client0", "libwayland-client", "wayland"),
    "libwayland-cursor.so.0": ("libwayland-cursor0", "libwayland-cursor", "wayland"),
    "libwayland-egl.so.1": ("libwayland-egl1", "libwayland-egl", "wayland"),
    "libpng16.so.16": ("libpng16-16", "libpng", "libpng"),
    "libzstd.so.1": ("libzstd1", "libzstd", "zstd"),
    "libz.so.1": ("zlib1g", "zlib", "zlib"),
    "libbrotlidec.so.1": ("libbrotli1", "libbrotli", "brotli"),
    "libbrotlicommon.so.1": ("libbrotli1", "libbrotli", "brotli"),
    "libexpat.so.1": ("libexpat1", "expat", "expat"),
    "libpcre2-8.so.0": ("libpcre2-8-0", "pcre2", "pcre2"),
}
_FAMILIES = ("debian", "fedora", "arch")

# What each family's install line looks like (Debian's is also what apt_install.sh runs).
_INSTALL_LINE = {
    "debian": "apt-get install {}",
    "fedora": "dnf install {}",
    "arch": "pacman -S --needed {}",
}

# Platforms that need no display server: a QT_QPA_PLATFORM naming only these skips the check.
_DISPLAY_PLATFORMS = ("xcb", "wayland")


@dataclass
class Platform:
    """One of Qt's two desktop platform plugins, and the libraries that must load with it."""

    name: str  # "xcb" or "wayland": the QT_QPA_PLATFORM value that selects it
    files: list[Path]  # the plugin and the Qt libraries it needs (those that exist in this PySide6)
    missing: list[str] = field(default_factory=list)  # sonames the loader cannot find, in ldd's order


def qt_dir() -> Path | None:
    """PySide6's bundled Qt folder, found without importing PySide6 (importing it may abort)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).parent / "Qt"


def platform_files(qt: Path, name: str) -> list[Path]:
    """The plugin files of platform `name` and the Qt libraries they load, as this PySide6 has them
    (the Wayland plugin is libqwayland.so from Qt 6.10 on, libqwayland-generic/-egl.so before)."""
    plugins = qt / "plugins" / "platforms"
    lib = qt / "lib"
    if name == "xcb":
        candidates = [plugins / "libqxcb.so", lib / "libQt6XcbQpa.so.6"]
    else:
        candidates = [plugins / "libqwayland.so", plugins / "libqwayland-generic.so",
                      plugins / "libqwayland-egl.so", lib / "libQt6WaylandClient.so.6"]
    return [path for path in candidates if path.is_file()]


def missing_libraries(files: list[Path], ldd: str = "ldd") -> list[str]:
    """Every soname that the dynamic loader cannot find for `files` (ldd follows the whole tree,
    so a library needed by a library needed by the plugin counts too), each once, in order."""
    missing: list[str] = []
    for path in files:
        try:
            result = subprocess.run([ldd, str(path)], capture_output=True, text=True, timeout=30,
                                    env=dict(os.environ, LC_ALL="C"))
        except (OSError, subprocess.TimeoutExpired):
            continue  # no ldd (e.g. a musl system): nothing can be said; Qt will speak for itself
        for line in result.stdout.splitlines():
            soname, arrow, where = line.strip().partition(" => ")
            if arrow and where.strip() == "not found" and soname not in missing:
                missing.append(soname)
    return missing


def distro_family(os_release: Path = Path("/etc/os-release")) -> str | None:
    """"debian", "fedora" or "arch" from /etc/os-release's ID and ID_LIKE, else None."""
    try:
        text = os_release.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    ids: list[str] = []
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key in ("ID", "ID_LIKE"):
            ids += value.strip().strip("\"'").lower().split()
    for family, members in (("debian", {"debian", "ubuntu"}), ("fedora", {"fedora", "rhel", "centos"}),
                            ("arch", {"arch", "archlinux"})):
        if members & set(ids):
            return family
    return None


def packages_for(sonames: list[str], family: str | None) -> tuple[list[str], list[str]]:
    """(packages to install, sonames with no known package) for a distribution family."""
    packages: list[str] = []
    unknown: list[str] = []
    if family not in _FAMILIES:
        return packages, list(sonames)
    column = _FAMILIES.index(family)
    for soname in sonames:
        row = _PACKAGES.get(soname)
        if row is None:
            unknown.append(soname)
        elif row[column] not in packages:
            packages.append(row[column])
    return packages, unknown


def install_line(family: str, packages: list[str], sudo: bool = True) -> str:
    """The command a person types (with sudo unless they are root, who may have no sudo at all)."""
    return ("sudo " if sudo else "") + _INSTALL_LINE[family].format(" ".join(packages))


def wants_window(argv: list[str]) -> bool:
    """Does `desktop-chat ARGV` open the window? Sub-commands and --version/--help need no display."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--data-dir":
            i += 2
            continue
        if arg.startswith("--data-dir="):
            i += 1
            continue
        return not (arg in CLI_COMMANDS or arg in ("--version", "-V", "-h", "--help"))
    return True


def requested_platforms(env: dict[str, str]) -> list[str] | None:
    """The desktop platforms QT_QPA_PLATFORM allows ("wayland;xcb", "xcb:option"), None if unset."""
    value = env.get("QT_QPA_PLATFORM", "").strip()
    if not value:
        return None
    names = [part.split(":", 1)[0].strip() for part in value.split(";")]
    return [name for name in _DISPLAY_PLATFORMS if any(n.startswith(name) for n in names)]


def _reinstall(launcher: str) -> str:
    """How to get a whole PySide6 again: a fresh venv when this is one (run.sh's .venv), else pip."""
    if sys.prefix != sys.base_prefix:
        return f"remove that folder and run `{launcher}` again (it reinstalls everything)."
    return "install it with `python3 -m pip install --force-reinstall PySide6-Essentials`."


# -- the decision -----------------------------------------------------------------------------------


@dataclass
class Verdict:
    """What run.sh should do: start (with `export` set, if any), or stop after printing `message`."""

    ok: bool
    message: str = ""
    export: str = ""  # e.g. "QT_QPA_PLATFORM=wayland"
    platform: Platform | None = None  # the platform whose libraries are missing, when not ok


def check(argv: list[str], env: dict[str, str], qt: Path | None, launcher: str = "desktop-chat",
          ldd: str = "ldd") -> Verdict:
    """Can the window start here? Pure but for running `ldd` on the plugin files."""
    if not sys.platform.startswith("linux") or not wants_window(argv):
        return Verdict(True)
    allowed = requested_platforms(env)
    if allowed == []:  # offscreen, minimal, vnc, eglfs…: no display server involved
        return Verdict(True)
    allowed = allowed or list(_DISPLAY_PLATFORMS)
    sessions = [name for name, var in (("wayland", "WAYLAND_DISPLAY"), ("xcb", "DISPLAY"))
                if env.get(var) and name in allowed]
    if not sessions and (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        return Verdict(False, f"QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']} asks Qt for a display this session "
                              "does not have; unset QT_QPA_PLATFORM and run "
                              f"`{launcher}` again.")
    if not sessions:
        return Verdict(False, "Desktop Chat needs a graphical desktop, and this session has none "
                              f"(neither DISPLAY nor WAYLAND_DISPLAY is set); `{launcher} ask \"Hello\"` "
                              "works without one.")
    if qt is None:
        return Verdict(False, f"PySide6 (Qt for Python) is not installed in this Python ({sys.prefix}); "
                              f"{_reinstall(launcher)}")
    # X11 first: it is what Qt tries first, and it also works under XWayland.
    broken: Platform | None = None
    for name in ("xcb", "wayland"):
        if name not in sessions:
            continue
        platform = Platform(name, platform_files(qt, name))
        if not platform.files:
            if name == "xcb":  # a PySide6 built without the plugin: nothing to check, Qt will say more
                return Verdict(True)
            continue
        platform.missing = missing_libraries(platform.files, ldd)
        if not platform.missing:
            # Only Wayland loads: tell Qt, or it may try (and abort on) X11 first.
            return Verdict(True, export="QT_QPA_PLATFORM=wayland" if name == "wayland" else "")
        broken = broken or platform
    if broken is None:
        return Verdict(True)
    return Verdict(False, platform=broken)


# -- the fix ----------------------------------------------------------------------------------------

_LABELS = {"xcb": "X11 (xcb)", "wayland": "Wayland"}


@dataclass
class Plan:
    """Either install `packages` with apt (announcing it with `announce`), or print `message`."""

    packages: list[str] = field(default_factory=list)
    announce: str = ""
    message: str = ""


def plan_fix(platform: Platform, family: str | None, launcher: str, *, can_install: bool,
             with_sudo: bool) -> Plan:
    """What to do about `platform.missing`: apt-get on Debian/Ubuntu when we may (root, or sudo on a
    terminal), else exactly one command to run (apt-get, dnf or pacman), or the names to look for."""
    sonames = platform.missing
    count = f"{len(sonames)} system librar{'y' if len(sonames) == 1 else 'ies'}"
    why = f"Qt's {_LABELS[platform.name]} plugin needs {count} that {'is' if len(sonames) == 1 else 'are'} " \
          f"missing ({', '.join(sonames)})"
    if any(s.startswith(("libQt6", "libicu", "libpyside6", "libshiboken6")) for s in sonames):
        return Plan(message=f"Desktop Chat's window cannot start: {why}. They belong to PySide6 itself, "
                            f"whose installation in {sys.prefix} is incomplete; {_reinstall(launcher)}")
    packages, unknown = packages_for(sonames, family)
    if unknown or family is None:
        search = {"debian": f"`apt-file search {unknown[0]}`", "fedora": f"`dnf provides '*/{unknown[0]}'`",
                  "arch": f"`pacman -F {unknown[0]}`"}.get(family or "")
        where = ("Install the packages that provide them with your system's package manager"
                 if search is None else
                 f"No package is known here for {', '.join(unknown)}; {search} finds the one that provides it")
        extra = f", and {install_line(family, packages, with_sudo)}" if packages and family else ""
        return Plan(message=f"Desktop Chat's window cannot start: {why}. {where}{extra}; then run "
                            f"`{launcher}` again.")
    if family == "debian" and can_install:
        how = "sudo apt-get (it may ask for your password)" if with_sudo else "apt-get"
        return Plan(packages=packages,
                    announce=f"Installing {' '.join(packages)} with {how}: Qt needs "
                             f"{'it' if len(packages) == 1 else 'them'} to open Desktop Chat's window "
                             f"(missing: {', '.join(sonames)})…")
    return Plan(message=f"Desktop Chat's window cannot start: {why}. Install "
                        f"{'it' if len(packages) == 1 else 'them'} with:\n"
                        f"    {install_line(family, packages, with_sudo)}\nthen run `{launcher}` again.")


def _run_installer(installer: str, packages: list[str]) -> bool:
    """scripts/apt_install.sh PACKAGES (it uses sudo when not root), its output on stderr so that
    stdout keeps only what run.sh reads."""
    try:
        return subprocess.run(["bash", installer, *packages], stdout=sys.stderr).returncode == 0
    except OSError:
        return False


def _settled(verdict: Verdict) -> int | None:
    """The exit status when *verdict* leaves nothing to install (printing what run.sh needs:
    the platform to export, or why the window cannot start); None when libraries are missing."""
    if verdict.ok:
        if verdict.export:
            print(verdict.export)
        return 0
    if verdict.platform is None:
        print(verdict.message, file=sys.stderr)
        return 1
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop_chat.preflight",
                                     description="Can Desktop Chat's window start here?")
    parser.add_argument("--launcher", default="desktop-chat", help="the command the user runs, for messages")
    parser.add_argument("--apt-installer", help="a script that apt-installs its arguments (Debian/Ubuntu)")
    parser.add_argument("--os-release", default="/etc/os-release", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("app_args", nargs=argparse.REMAINDER, help="the arguments the app will get")
    opts = parser.parse_args(argv)
    app_args = opts.app_args[1:] if opts.app_args[:1] == ["--"] else opts.app_args
    env = dict(os.environ)
    qt = qt_dir()
    verdict = check(app_args, env, qt, opts.launcher)
    settled = _settled(verdict)
    if settled is not None:
        return settled
    assert verdict.platform is not None  # (what _settled leaves: a platform with libraries missing)
    on_terminal = sys.stdin.isatty() and sys.stderr.isatty()
    is_root = os.geteuid() == 0
    has_sudo = shutil.which("sudo") is not None
    plan = plan_fix(verdict.platform, distro_family(opts.os_release), opts.launcher,
                    can_install=bool(opts.apt_installer) and (is_root or (on_terminal and has_sudo)),
                    with_sudo=not is_root)
    if not plan.packages:
        print(plan.message, file=sys.stderr)
        return 1
    print(plan.announce, file=sys.stderr, flush=True)
    installed = _run_installer(opts.apt_installer, plan.packages)
    after = check(app_args, env, qt, opts.launcher)
    settled = _settled(after)
    if settled is not None:
        return settled
    assert after.platform is not None
    still = after.platform.missing
    # Installed yet still missing: the package's files were deleted by hand, so reinstall it.
    line = install_line("debian", (["--reinstall"] if installed else []) + plan.packages, not is_root)
    print(f"Desktop Chat's window still cannot start: {', '.join(still)} "
          f"{'is' if len(still) == 1 else 'are'} missing"
          + (" after the installation" if installed else " (the installation failed, see above)")
          + f". Run:\n    {line}\nthen `{opts.launcher}` again.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
