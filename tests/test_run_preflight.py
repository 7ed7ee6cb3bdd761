"""scripts/run.sh on a fresh machine: the preflight of Qt's display plugin (desktop_chat/preflight.py)
and the quiet, once-only install.

A missing system library is simulated for real: the test compiles a tiny "plugin" with gcc against a
stand-in library carrying the missing library's soname, in a folder on LD_LIBRARY_PATH, then
deletes the stand-in; `ldd` then says "not found" exactly as on a machine without the package.
run.sh runs in a copy of the scripts with a fake `python3` whose venv's pip only writes down its
arguments: nothing is installed and the network is never used.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_chat import preflight
from desktop_chat.preflight import Platform, check, distro_family, packages_for, plan_fix, wants_window

ROOT = Path(__file__).resolve().parents[1]
LINUX = pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("ldd"),
                           reason="the preflight checks Linux's dynamic loader")
NEEDS_GCC = pytest.mark.skipif(not shutil.which("gcc"), reason="gcc builds the stand-in plugin")

DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n'
UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n'
FEDORA = 'NAME="Fedora Linux"\nID=fedora\n'
ARCH = 'NAME="Arch Linux"\nID=arch\n'
MINT = 'NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n'
SUDO = "" if os.geteuid() == 0 else "sudo "  # root is told the command without sudo (it may have none)


class HidingLdd:
    """`ldd` first on PATH: the real one, but the libraries named in `hidden` (a file, so that a fake
    installer can "install" them) read "not found", as on a machine that lacks their packages."""

    def __init__(self, root: Path) -> None:
        self.bin = root / "bin"
        self.bin.mkdir()
        self.hidden = root / "hidden-libraries"
        self.hidden.write_text("")
        (self.bin / "ldd").write_text(
            "#!/bin/bash\n"
            f"hidden=$(cat {self.hidden})\n"
            f"{shutil.which('ldd')} \"$@\" | while IFS= read -r line; do\n"
            "  name=${line#$'\\t'}; name=${name%% *}\n"
            "  for h in $hidden; do [ \"$name\" = \"$h\" ] && line=$'\\t'\"$h => not found\"; done\n"
            "  printf '%s\\n' \"$line\"\n"
            "done\n")
        (self.bin / "ldd").chmod(0o755)

    def hide(self, *sonames: str) -> None:
        self.hidden.write_text(" ".join(sonames))

    def env(self, **changes: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
        env.update(PATH=os.pathsep.join([str(self.bin), os.environ.get("PATH", "")]), PYTHONPATH=str(ROOT))
        env.update(changes)
        return env


def run_preflight(env: dict[str, str], *args: str, tmp: Path,
                  os_release: str = DEBIAN) -> subprocess.CompletedProcess[str]:
    release = tmp / "os-release"
    release.write_text(os_release)
    return subprocess.run([sys.executable, "-m", "desktop_chat.preflight", "--launcher", "./scripts/run.sh",
                           "--os-release", str(release), *args], env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)


@pytest.fixture
def ldd(tmp_path: Path) -> HidingLdd:
    return HidingLdd(tmp_path)


# -- the missing library, found and named -----------------------------------------------------------


@LINUX
@NEEDS_GCC
def test_a_library_that_is_really_missing_is_found(tmp_path: Path):
    # A tiny plugin built against a library in a tmp folder that is then deleted: the real `ldd`
    # and the real loader say it is missing. Its name is made up, so no package is known for it.
    lib = tmp_path / "lib"
    platforms = tmp_path / "site" / "PySide6" / "Qt" / "plugins" / "platforms"
    lib.mkdir()
    platforms.mkdir(parents=True)
    (tmp_path / "site" / "PySide6" / "__init__.py").write_text("raise ImportError('never imported')\n")
    (tmp_path / "dep.c").write_text("int dep(void) { return 1; }\n")
    (tmp_path / "plugin.c").write_text("int dep(void);\nint plugin(void) { return dep(); }\n")
    soname = "libdesktopchat-gone.so.3"
    gcc = ["gcc", "-shared", "-fPIC"]
    subprocess.run([*gcc, f"-Wl,-soname,{soname}", "-o", str(lib / soname), str(tmp_path / "dep.c")], check=True)
    subprocess.run([*gcc, "-o", str(platforms / "libqxcb.so"), str(tmp_path / "plugin.c"), f"-L{lib}",
                    f"-l:{soname}"], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(DISPLAY=":0", LD_LIBRARY_PATH=str(lib),
               PYTHONPATH=os.pathsep.join([str(tmp_path / "site"), str(ROOT)]))
    present = run_preflight(env, tmp=tmp_path)
    assert (present.returncode, present.stdout, present.stderr) == (0, "", "")
    (lib / soname).unlink()
    assert preflight.missing_libraries([platforms / "libqxcb.so"]) == [soname]
    gone = run_preflight(env, tmp=tmp_path)  # the fake PySide6 is found first, and never imported
    assert gone.returncode == 1
    assert f"needs 1 system library that is missing ({soname})" in gone.stderr
    assert f"No package is known here for {soname}; `apt-file search {soname}` finds" in gone.stderr


@LINUX
def test_a_missing_qt_library_is_named_with_its_package(ldd: HidingLdd, tmp_path: Path):
    ldd.hide("libxcb-icccm.so.4", "libxcb-keysyms.so.1")  # what the newcomer's machine lacked
    # No installer given: the one command to run, and the window does not start.
    result = run_preflight(ldd.env(DISPLAY=":0"), "--", tmp=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "X11 (xcb) plugin needs 2 system libraries that are missing " \
           "(libxcb-icccm.so.4, libxcb-keysyms.so.1)" in result.stderr
    assert f"    {SUDO}apt-get install libxcb-icccm4 libxcb-keysyms1\n" in result.stderr
    assert "libxcb-cursor" not in result.stderr  # present, so not blamed (Qt's own message blamed it)
    # The same machine as Fedora and Arch: their own package names, in their own command.
    fedora = run_preflight(ldd.env(DISPLAY=":0"), os_release=FEDORA, tmp=tmp_path)
    assert f"    {SUDO}dnf install xcb-util-wm xcb-util-keysyms\n" in fedora.stderr
    arch = run_preflight(ldd.env(DISPLAY=":0"), os_release=ARCH, tmp=tmp_path)
    assert f"    {SUDO}pacman -S --needed xcb-util-wm xcb-util-keysyms\n" in arch.stderr
    assert fedora.returncode == arch.returncode == 1


@LINUX
@pytest.mark.skipif(os.geteuid() != 0, reason="installs without sudo only as root (as CI runs)")
def test_debian_installs_what_is_missing_then_starts(ldd: HidingLdd, tmp_path: Path):
    ldd.hide("libxcb-keysyms.so.1")
    calls = tmp_path / "installer-calls"
    installer = tmp_path / "apt_install.sh"  # stands for scripts/apt_install.sh: "installs" the package
    installer.write_text(f'echo "$@" >> {calls}\n: > {ldd.hidden}\n')
    result = run_preflight(ldd.env(DISPLAY=":0"), "--apt-installer", str(installer), tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # nothing for run.sh to export: X11 works now
    assert calls.read_text() == "libxcb-keysyms1\n"
    announce = result.stderr.splitlines()[0]
    assert announce == ("Installing libxcb-keysyms1 with apt-get: Qt needs it to open Desktop Chat's window "
                        "(missing: libxcb-keysyms.so.1)…")


@LINUX
@pytest.mark.skipif(os.geteuid() != 0, reason="installs without sudo only as root (as CI runs)")
def test_an_install_that_does_not_help_says_so_once(ldd: HidingLdd, tmp_path: Path):
    ldd.hide("libxcb-icccm.so.4")
    installer = tmp_path / "apt_install.sh"
    installer.write_text("echo 'E: Unable to locate package' >&2\nexit 100\n")
    result = run_preflight(ldd.env(DISPLAY=":0"), "--apt-installer", str(installer), tmp=tmp_path)
    assert result.returncode == 1
    assert "still cannot start: libxcb-icccm.so.4 is missing (the installation failed, see above)" in result.stderr
    assert f"    {SUDO}apt-get install libxcb-icccm4\n" in result.stderr


@LINUX
@pytest.mark.skipif(os.geteuid() != 0, reason="installs without sudo only as root (as CI runs)")
def test_installed_but_still_missing_asks_for_a_reinstall(ldd: HidingLdd, tmp_path: Path):
    ldd.hide("libxcb-icccm.so.4")  # the package is installed (apt has nothing to do), its file is gone
    installer = tmp_path / "apt_install.sh"
    installer.write_text("exit 0\n")
    result = run_preflight(ldd.env(DISPLAY=":0"), "--apt-installer", str(installer), tmp=tmp_path)
    assert result.returncode == 1
    assert "libxcb-icccm.so.4 is missing after the installation. Run:\n" \
           f"    {SUDO}apt-get install --reinstall libxcb-icccm4\n" in result.stderr


@LINUX
def test_wayland_session_with_wayland_libraries_is_not_blocked(ldd: HidingLdd, tmp_path: Path):
    qt = preflight.qt_dir()
    if qt is None or preflight.missing_libraries(preflight.platform_files(qt, "wayland")):
        pytest.skip("this machine lacks the Wayland plugin's own libraries (libwayland-client0…)")
    ldd.hide("libxcb-icccm.so.4")  # X11 plugin broken, Wayland plugin fine
    only_wayland = run_preflight(ldd.env(WAYLAND_DISPLAY="wayland-0"), tmp=tmp_path)
    assert (only_wayland.returncode, only_wayland.stdout) == (0, "QT_QPA_PLATFORM=wayland\n")
    both = run_preflight(ldd.env(WAYLAND_DISPLAY="wayland-0", DISPLAY=":0"), tmp=tmp_path)
    assert (both.returncode, both.stdout) == (0, "QT_QPA_PLATFORM=wayland\n")  # else Qt may try X11
    ldd.hide()
    fine = run_preflight(ldd.env(WAYLAND_DISPLAY="wayland-0", DISPLAY=":0"), tmp=tmp_path)
    assert (fine.returncode, fine.stdout, fine.stderr) == (0, "", "")  # Qt chooses as it always does
    ldd.hide("libwayland-client.so.0")
    wayland_broken = run_preflight(ldd.env(WAYLAND_DISPLAY="wayland-0"), tmp=tmp_path)
    assert wayland_broken.returncode == 1
    assert "Wayland plugin needs 1 system library that is missing (libwayland-client.so.0)" in wayland_broken.stderr
    assert f"    {SUDO}apt-get install libwayland-client0\n" in wayland_broken.stderr


# -- no display, sub-commands, this machine ---------------------------------------------------------


@LINUX
def test_no_display_is_said_in_one_sentence(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(ROOT)
    result = run_preflight(env, "--", "notes.pdf", tmp=tmp_path)
    assert result.returncode == 1
    assert result.stderr == ("Desktop Chat needs a graphical desktop, and this session has none (neither "
                             "DISPLAY nor WAYLAND_DISPLAY is set); `./scripts/run.sh ask \"Hello\"` works "
                             "without one.\n")


@LINUX
def test_sub_commands_skip_the_check(ldd: HidingLdd, tmp_path: Path):
    ldd.hide("libxcb-icccm.so.4")
    for args in (["ask", "Hello"], ["--data-dir", "/x", "export"], ["--version"]):  # the rest: wants_window
        result = run_preflight(ldd.env(), "--", *args, tmp=tmp_path)  # no display, a broken plugin
        assert (result.returncode, result.stdout, result.stderr) == (0, "", ""), args
    offscreen = run_preflight(ldd.env(QT_QPA_PLATFORM="offscreen"), tmp=tmp_path)
    assert (offscreen.returncode, offscreen.stderr) == (0, "")  # offscreen needs no display server


@LINUX
def test_this_machine_passes_with_the_real_pyside6(tmp_path: Path):
    # The happy path: every library of the installed PySide6's xcb plugin is present here (CI
    # installs them: scripts/test.sh), so the check is silent and lets the window start.
    assert preflight.qt_dir() is not None
    assert preflight.missing_libraries(preflight.platform_files(preflight.qt_dir(), "xcb")) == []
    env = dict(os.environ, DISPLAY=":99", PYTHONPATH=str(ROOT))
    env.pop("QT_QPA_PLATFORM", None)
    result = run_preflight(env, "--", tmp=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


# -- the pure parts ---------------------------------------------------------------------------------


def test_which_arguments_open_the_window():
    assert wants_window([]) and wants_window(["notes.pdf"]) and wants_window(["--data-dir", "d"])
    assert wants_window(["--smoke"])  # starts the window (CI runs it offscreen)
    for args in (["ask", "hi"], ["--data-dir=d", "models", "list"], ["keys", "list"], ["import", "f.json"],
                 ["export"], ["--version"], ["-V"], ["--help"], ["-h"]):
        assert not wants_window(args), args


def test_distribution_families(tmp_path: Path):
    release = tmp_path / "os-release"
    for text, family in ((DEBIAN, "debian"), (UBUNTU, "debian"), (MINT, "debian"), (FEDORA, "fedora"),
                         (ARCH, "arch"), ("ID=alpine\n", None)):
        release.write_text(text)
        assert distro_family(release) == family, text
    assert distro_family(tmp_path / "absent") is None


def test_packages_per_family_and_unknown_libraries():
    sonames = ["libxcb-icccm.so.4", "libxcb-shape.so.0", "libxcb-randr.so.0", "libEGL.so.1"]
    assert packages_for(sonames, "debian") == (["libxcb-icccm4", "libxcb-shape0", "libxcb-randr0", "libegl1"], [])
    assert packages_for(sonames, "fedora") == (["xcb-util-wm", "libxcb", "libglvnd-egl"], [])
    assert packages_for(sonames, "arch") == (["xcb-util-wm", "libxcb", "libglvnd"], [])
    assert packages_for(["libfoo.so.3"], "debian") == ([], ["libfoo.so.3"])
    assert packages_for(sonames, None) == ([], sonames)


def test_the_fix_depends_on_who_runs_it():
    broken = Platform("xcb", [], ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"])
    as_root = plan_fix(broken, "debian", "./scripts/run.sh", can_install=True, with_sudo=False)
    assert as_root.packages == ["libxcb-icccm4", "libxcb-keysyms1"]
    assert as_root.announce.startswith("Installing libxcb-icccm4 libxcb-keysyms1 with apt-get: Qt needs them")
    with_sudo = plan_fix(broken, "debian", "./scripts/run.sh", can_install=True, with_sudo=True)
    assert with_sudo.announce.startswith("Installing libxcb-icccm4 libxcb-keysyms1 with sudo apt-get "
                                         "(it may ask for your password): ")
    no_terminal = plan_fix(broken, "debian", "./scripts/run.sh", can_install=False, with_sudo=True)
    assert no_terminal.packages == [] and "\n    sudo apt-get install libxcb-icccm4 libxcb-keysyms1\n" in no_terminal.message
    root_fedora = plan_fix(broken, "fedora", "./scripts/run.sh", can_install=False, with_sudo=False)
    assert "\n    dnf install xcb-util-wm xcb-util-keysyms\n" in root_fedora.message
    unknown = plan_fix(Platform("xcb", [], ["libfoo.so.3"]), None, "./scripts/run.sh", can_install=True,
                       with_sudo=False)
    assert unknown.packages == [] and "libfoo.so.3" in unknown.message and "package manager" in unknown.message
    qt_own = plan_fix(Platform("xcb", [], ["libQt6XcbQpa.so.6"]), "debian", "./scripts/run.sh",
                      can_install=True, with_sudo=False)
    assert qt_own.packages == [] and "PySide6 itself" in qt_own.message


def test_check_without_a_window_or_display_server_never_runs_ldd(tmp_path: Path):
    no_ldd = str(tmp_path / "no-such-ldd")
    assert check(["ask", "x"], {}, None, ldd=no_ldd).ok
    assert check([], {"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, None, ldd=no_ldd).ok
    if sys.platform.startswith("linux"):
        xcb_without_x = check([], {"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "w"}, tmp_path, ldd=no_ldd)
        assert not xcb_without_x.ok and "unset QT_QPA_PLATFORM" in xcb_without_x.message


# -- scripts/run.sh: a quiet first install, none after ----------------------------------------------

FAKE_PYTHON = """#!/bin/bash
# python3 for run.sh: makes a "venv" whose python is the fake below; anything else is real Python.
echo "python3 $*" >> "$CALLS"
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then mkdir -p "$3/bin" && cp "$FAKE_VENV_PYTHON" "$3/bin/python"; exit; fi
exec "$REAL_PYTHON" "$@"
"""
FAKE_VENV_PYTHON = """#!/bin/bash
# The venv's python: pip only writes down its arguments and "installs" a desktop-chat that says
# it started; the preflight (python -m desktop_chat.preflight) is the real one.
echo "venv-python $*" >> "$CALLS"
if [ "$1 $2" = "-m pip" ]; then
  if [ -n "${PIP_FAILS:-}" ]; then
    for i in $(seq 30); do echo "pip says $i"; done
    echo "ERROR: No matching distribution found for pyside6-essentials" >&2; exit 1
  fi
  printf '#!/bin/bash\\necho "app started: $*"\\n' > "$(dirname "$0")/desktop-chat"
  chmod +x "$(dirname "$0")/desktop-chat"; exit
fi
exec "$REAL_PYTHON" "$@"
"""


class RunSh:
    """A copy of what run.sh reads (scripts, pyproject.toml, constraints.txt) with fake pythons."""

    def __init__(self, root: Path) -> None:
        self.repo = root / "repo"
        (self.repo / "scripts").mkdir(parents=True)
        for name in ("scripts/run.sh", "scripts/pip_install.sh", "scripts/apt_install.sh", "pyproject.toml",
                     "constraints.txt"):
            shutil.copy2(ROOT / name, self.repo / name)
        self.venv = root / "venv"
        self.calls = root / "calls"
        self.calls.write_text("")
        self.python = root / "python3"
        self.python.write_text(FAKE_PYTHON)
        (root / "venv-python").write_text(FAKE_VENV_PYTHON)
        for script in (self.python, root / "venv-python"):
            script.chmod(0o755)
        self.env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
        self.env.update(PYTHON=str(self.python), VENV=str(self.venv), CALLS=str(self.calls),
                        FAKE_VENV_PYTHON=str(root / "venv-python"), REAL_PYTHON=sys.executable,
                        PYTHONPATH=str(ROOT))

    def __call__(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        self.calls.write_text("")
        return subprocess.run(["bash", str(self.repo / "scripts" / "run.sh"), *args], env={**self.env, **env},
                              capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)

    def pip_calls(self) -> list[str]:
        return [line for line in self.calls.read_text().splitlines() if " -m pip " in line]


@pytest.fixture
def run_sh(tmp_path: Path) -> RunSh:
    return RunSh(tmp_path)


@LINUX
def test_first_run_installs_quietly_and_the_second_starts_at_once(run_sh: RunSh):
    first = run_sh("ask", "Hello")
    assert first.returncode == 0, first.stderr
    assert first.stdout == (f"Installing Desktop Chat into {run_sh.venv} (first run, about a minute)…\n"
                            "app started: ask Hello\n")
    assert first.stderr == ""
    pips = run_sh.pip_calls()
    assert len(pips) == 2 and all("-c constraints.txt" in call for call in pips)  # through pip_install.sh
    assert pips[1].endswith("install --disable-pip-version-check -c constraints.txt -e .")
    assert (run_sh.venv / "install.log").is_file()

    second = run_sh("ask", "Hello")
    assert (second.returncode, second.stdout, second.stderr) == (0, "app started: ask Hello\n", "")
    assert run_sh.pip_calls() == []

    later = time.time() + 60  # the lock changed (a pull): install again, saying so in one line
    os.utime(run_sh.repo / "constraints.txt", (later, later))
    updated = run_sh("ask", "Hello")
    assert updated.stdout == f"Updating Desktop Chat in {run_sh.venv} (its requirements changed)…\n" \
                             "app started: ask Hello\n"
    assert len(run_sh.pip_calls()) == 2


@LINUX
def test_a_failed_install_shows_the_end_of_its_log(run_sh: RunSh):
    result = run_sh("ask", "Hello", PIP_FAILS="1")
    assert result.returncode == 1
    assert result.stdout == f"Installing Desktop Chat into {run_sh.venv} (first run, about a minute)…\n"
    assert result.stderr.startswith("The installation failed. The last lines of its log:\n")
    assert "    ERROR: No matching distribution found for pyside6-essentials\n" in result.stderr
    assert "pip says 1\n" not in result.stderr  # only the end, not a screenful
    assert result.stderr.endswith(f"The whole log: {run_sh.venv}/install.log\n")
    assert "pip says 1\n" in (run_sh.venv / "install.log").read_text()


@LINUX
def test_the_window_is_checked_before_it_starts(run_sh: RunSh):
    no_display = run_sh()
    assert no_display.returncode == 1
    assert "app started" not in no_display.stdout
    assert no_display.stderr.startswith("Desktop Chat needs a graphical desktop")
    with_display = run_sh("notes.pdf", DISPLAY=":99")  # this machine has every library the plugin needs
    assert (with_display.returncode, with_display.stderr) == (0, "")
    assert with_display.stdout.endswith("app started: notes.pdf\n")
