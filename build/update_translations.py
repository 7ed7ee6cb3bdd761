"""Refresh the translation catalogs from the UI and engine code, then compile them.

    python build/update_translations.py            # lupdate → .ts, report, lrelease → .qm
    python build/update_translations.py --check    # the same, but exit 1 if anything is untranslated
    python build/update_translations.py --apply build/pending/*.tsv   # fill entries from TSV files

A TSV line is `context<TAB>source<TAB>translation`; newlines inside a string are written `\n`.
It lets several people translate in parallel without editing the .ts by hand.

1. `pyside6-lupdate` scans every desktop_chat/ui/**/*.py for tr()/translate() calls, and the
   engine modules that word user-facing sentences (ENGINE_SOURCES) for their
   QT_TRANSLATE_NOOP("engine", …) templates (see desktop_chat/domain/texts.py; lupdate is a
   parser and needs no Qt in those files), and merges them into
   resources/translations/desktop_chat_<lang>.ts. Existing translations are kept;
   strings that were reworded get lupdate's guess marked unfinished; strings no longer in the
   code are dropped (-no-obsolete), so the catalog mirrors the code.
2. It lists every unfinished entry (new or changed strings someone has to translate).
3. `pyside6-lrelease` compiles each .ts to the .qm the app loads (unfinished entries are left
   out, so the English source shows for them rather than an empty string).

Running it twice changes nothing the second time. Source locations are not stored in the .ts
(-locations none), so editing code does not churn the catalog.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "desktop_chat" / "ui"
# Engine code holding QT_TRANSLATE_NOOP("engine", …) templates: folders (searched recursively) and files.
ENGINE_SOURCES = (
    ROOT / "desktop_chat" / "domain",
    ROOT / "desktop_chat" / "providers",
    ROOT / "desktop_chat" / "chat",
    ROOT / "desktop_chat" / "documents" / "plan.py",  # words how a document is sent (Text templates)
    ROOT / "desktop_chat" / "documents" / "images.py",  # words what is wrong with an image
    ROOT / "desktop_chat" / "documents" / "ocr.py",  # words why no text was read
    ROOT / "desktop_chat" / "store" / "importers",  # words what an import read, added and left out
    ROOT / "desktop_chat" / "config.py",
    ROOT / "desktop_chat" / "secrets.py",
    ROOT / "desktop_chat" / "tools",  # MCP servers that do not start, tool calls (issue 21)
)
TRANSLATIONS = ROOT / "desktop_chat" / "resources" / "translations"
CATALOG = "desktop_chat"
LANGUAGES = ("zh_CN",)


def tool(name: str) -> str:
    """The Qt tool next to this interpreter (a venv's bin/ or Scripts/), else on PATH."""
    here = Path(sys.executable).parent
    for candidate in (here / name, here / f"{name}.exe"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install PySide6-Essentials in this environment.")
    return found


def sources() -> list[str]:
    paths = set(SOURCES.rglob("*.py"))
    for source in ENGINE_SOURCES:
        paths.update(source.rglob("*.py") if source.is_dir() else [source])
    return sorted(str(path.relative_to(ROOT)) for path in paths)


def lupdate(files: list[str], ts: Path, language: str) -> None:
    subprocess.run(
        [tool("pyside6-lupdate"), *files, "-ts", str(ts.relative_to(ROOT)),
         "-no-obsolete", "-locations", "none", "-target-language", language, "-silent"],
        cwd=ROOT, check=True,
    )


def unfinished(ts: Path) -> list[tuple[str, str]]:
    """(context, source) of every message still to translate."""
    out = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            kind = translation.get("type") if translation is not None else "unfinished"
            if kind in ("obsolete", "vanished"):
                continue
            forms = [f.text for f in translation.iter("numerusform")] if translation is not None else []
            empty = translation is None or not ((translation.text or "").strip() or any(forms))
            if kind == "unfinished" or empty:
                out.append((name, message.findtext("source", "")))
    return out


def apply_tsv(ts: Path, tsv_files: list[Path]) -> int:
    """Fill translations of (context, source) pairs from TSV files; return how many were set."""
    wanted: dict[tuple[str, str], str] = {}
    for tsv in tsv_files:
        for line in tsv.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            context, source, translation = line.split("\t")
            unescape = lambda text: text.replace("\\n", "\n")  # noqa: E731
            wanted[(context, unescape(source))] = unescape(translation)
    tree = ET.parse(ts)
    filled = 0
    for context in tree.getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            key = (name, message.findtext("source", ""))
            translation = message.find("translation")
            if key not in wanted or translation is None or translation.find("numerusform") is not None:
                continue
            translation.text = wanted[key]
            translation.attrib.pop("type", None)
            filled += 1
    ET.indent(tree)
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return filled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if any entry is unfinished")
    parser.add_argument("--apply", nargs="+", type=Path, default=[], metavar="TSV",
                        help="after lupdate, fill translations from context<TAB>source<TAB>translation files")
    args = parser.parse_args(argv)

    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    files = sources()
    missing = 0
    for language in LANGUAGES:
        ts = TRANSLATIONS / f"{CATALOG}_{language}.ts"
        qm = ts.with_suffix(".qm")
        lupdate(files, ts, language)
        if args.apply:
            print(f"{ts.relative_to(ROOT)}: {apply_tsv(ts, args.apply)} entries filled from TSV")
            # lupdate again so the file keeps lupdate's own formatting (no churn in diffs).
            lupdate(files, ts, language)
        todo = unfinished(ts)
        total = sum(1 for _ in ET.parse(ts).getroot().iter("message"))
        print(f"{ts.relative_to(ROOT)}: {total} strings, {len(todo)} unfinished")
        for context, source in todo:
            print(f"  [{context}] {source}")
        missing += len(todo)
        subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], cwd=ROOT, check=True)
        print(f"{qm.relative_to(ROOT)}: compiled")
    return 1 if (args.check and missing) else 0


if __name__ == "__main__":
    sys.exit(main())
