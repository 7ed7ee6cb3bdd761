"""A real, tiny file system for full-disk tests: a tmpfs mounted under the test's tmp_path.

Mounting needs the privilege to mount (root, as in this project's CI container); where it is not
allowed the test is skipped with the reason. Unmounted lazily at the end, whatever happened.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def tiny_disk(where: Path, megabytes: int = 4) -> Iterator[Path]:
    where.mkdir(parents=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(where)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(folder: Path) -> Path:
    """Take every free byte of the file system *folder* is on; returns the file that holds them."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 512):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)
    probe = os.open(folder / "probe", os.O_WRONLY | os.O_CREAT)
    try:
        with pytest.raises(OSError) as full:
            os.write(probe, b"\0" * 4096)
    finally:
        os.close(probe)
    assert full.value.errno == errno.ENOSPC
    return filler
