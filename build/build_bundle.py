"""Build the double-click bundle in one command: PyInstaller, the archive, the figures.

    python build/build_bundle.py            # dist/desktop-chat/ and dist/desktop-chat-VERSION-OS-ARCH.tar.xz
    python build/build_bundle.py --smoke    # then run the built executable's smoke checks
                                            # (English, and Chinese with --expect-language zh_CN)
    python build/build_bundle.py --no-build --smoke   # check the bundle already in dist/

Needs PyInstaller: `pip install -e '.[bundle]'`. PyInstaller's work files go to build/work/
(git-ignored), the results to dist/ (git-ignored). Prints the folder's size, the archive's size
and the bundle's start-up time (process start → window painted, offscreen). Exit status 0 when
the build (and the smoke checks, if asked) succeeded.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._common import BenchmarkCrash  # noqa: E402
from benchmarks.bundle import BUNDLE, DIST, executable, folder_bytes, start_times  # noqa: E402

WORK = ROOT / "build" / "work"
SPEC = ROOT / "chat.spec"
CHINESE = {"LANG": "zh_CN.UTF-8", "LC_ALL": "zh_CN.UTF-8", "LANGUAGE": "zh_CN"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python build/build_bundle.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="run the built executable's --smoke checks, English and Chinese")
    parser.add_argument("--no-build", action="store_true", help="use the bundle already in dist/")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache and work folder first")
    parser.add_argument("--format", choices=("xz", "gz"), default="xz", help="archive compression (default xz)")
    parser.add_argument("--no-archive", action="store_true", help="skip packing the archive")
    parser.add_argument("--start-runs", type=int, default=3, help="timed starts of the bundle (0: skip)")
    parser.add_argument("--require-keyring", action="store_true",
                        help="smoke: fail unless a working keyring is in use (run under a Secret Service)")
    args = parser.parse_args(argv)

    report: list[str] = []
    if not args.no_build:
        try:
            seconds = build(clean=args.clean)
        except subprocess.CalledProcessError as exc:
            print(f"PyInstaller failed (exit status {exc.returncode}): see above", file=sys.stderr)
            return 1
        report.append(f"build time     {seconds:.0f} s")
    exe = executable()
    if not exe.is_file():
        print(f"no bundle at {exe}", file=sys.stderr)
        return 1
    report.append(f"folder         {folder_bytes(BUNDLE) / 1e6:.1f} MB  {BUNDLE.relative_to(ROOT)}/")
    if not args.no_archive:
        began = time.perf_counter()
        archive = pack(args.format)
        report.append(f"archive        {archive.stat().st_size / 1e6:.1f} MB  {archive.relative_to(ROOT)} "
                      f"(packed in {time.perf_counter() - began:.0f} s)")
    status = 0
    if args.smoke:
        status |= smoke(exe, {}, [], args.require_keyring)
        status |= smoke(exe, CHINESE, ["--expect-language", "zh_CN"], args.require_keyring)
    if args.start_runs > 0:
        try:
            values = sorted(start_times(exe, args.start_runs))
        except BenchmarkCrash as exc:  # the app itself failed: say so, fail the run, still report the rest
            report.append(f"start          FAILED: {exc}")
            status = 1
        else:
            report.append(f"start          {values[len(values) // 2]:.0f} ms median to the window painted "
                          f"(runs: {', '.join(f'{v:.0f}' for v in values)} ms; offscreen)")
    print("\n== bundle")
    print("\n".join(report))
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    print(f"version        {version.stdout.strip() or version.stderr.strip()}")
    if version.returncode != 0:
        status = 1
    return status


def build(*, clean: bool) -> float:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        sys.exit("PyInstaller is not installed: pip install -e '.[bundle]'")
    if clean:
        shutil.rmtree(WORK, ignore_errors=True)
    command = [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm", "--log-level", "WARN",
               "--workpath", str(WORK), "--distpath", str(DIST)]
    if clean:
        command.append("--clean")
    print("==", " ".join(command), flush=True)
    began = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True)
    return time.perf_counter() - began


def archive_name(suffix: str) -> str:
    from desktop_chat import __version__

    system = {"linux": "linux", "darwin": "macos", "win32": "windows"}.get(sys.platform, sys.platform)
    return f"desktop-chat-{__version__}-{system}-{platform.machine().lower()}.tar.{suffix}"


def pack(fmt: str) -> Path:
    """dist/desktop-chat-VERSION-OS-ARCH.tar.xz holding desktop-chat/; older archives removed.

    xz: ≈ 70 MB against ≈ 91 MB for gzip -9. The system's tar + xz compress on every core;
    Python's tarfile (one core) is the fallback.
    """
    for old in DIST.glob("desktop-chat-*.tar.*"):
        old.unlink()
    target = DIST / archive_name(fmt)
    partial = target.with_name(target.name + ".partial")
    compressor = ["xz", "-6", "-T0"] if fmt == "xz" else ["gzip", "-9"]
    if shutil.which("tar") and shutil.which(compressor[0]) and sys.platform.startswith("linux"):
        with open(partial, "wb") as out:
            tar = subprocess.Popen(["tar", "--owner=0", "--group=0", "--numeric-owner", "-cf", "-", "-C", str(DIST),
                                    BUNDLE.name], stdout=subprocess.PIPE)
            assert tar.stdout is not None
            packed = subprocess.run(compressor, stdin=tar.stdout, stdout=out)
            tar.stdout.close()
            if tar.wait() != 0 or packed.returncode != 0:
                raise SystemExit(f"packing {target.name} failed")
    else:
        options = {"preset": 6} if fmt == "xz" else {"compresslevel": 9}
        with tarfile.open(partial, f"w:{fmt}", **options) as tar_file:
            tar_file.add(BUNDLE, arcname=BUNDLE.name, filter=_normalize)
    partial.replace(target)
    return target


def _normalize(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """Owned by nobody in particular: unpacking as any user gives that user's files."""
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def smoke(exe: Path, env_changes: dict[str, str], options: list[str], require_keyring: bool) -> int:
    env = dict(os.environ, **env_changes)
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env["QT_QPA_PLATFORM"] = "offscreen"
    command = [str(exe), "--smoke", *options, *(["--require-keyring"] if require_keyring else [])]
    label = " ".join(f"{k}={v}" for k, v in env_changes.items() if k == "LANG")
    print(f"\n== {label + ' ' if label else ''}{' '.join(command[1:])}", flush=True)
    result = subprocess.run(command, env=env, timeout=180)
    return 0 if result.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
