"""Nothing outside desktop_chat/providers/ decides behaviour by a provider's name (issue 16).

What an endpoint can do is asked of its provider's declared capabilities
(desktop_chat.providers.capabilities). This scans the source for the ways a name test is written:
comparing with a provider kind ("anthropic", "openai", "ollama", "llamacpp"), testing membership
in a literal that holds one, a `case` on one, or comparing with an endpoint-id constant
(BUILTIN_ENDPOINT, OLLAMA_ENDPOINT, ENDPOINT_ID). Names used as data (a settings field per
built-in endpoint, a brand name, the id to address an endpoint by) are not tests and pass.
"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "desktop_chat"
_KIND = r'"(?:anthropic|openai|ollama|llamacpp)"'
_IDS = r"\b(?:BUILTIN_ENDPOINT|OLLAMA_ENDPOINT|ENDPOINT_ID)\b"
NAME_TEST = re.compile(
    rf"(?:==|!=)\s*{_KIND}|{_KIND}\s*(?:==|!=)"  # kind == "ollama"
    rf"|\bin\s*[(\[{{][^)\]}}]*{_KIND}"  # kind in ("ollama", "llamacpp")
    rf"|\bcase\s+{_KIND}"  # match kind: case "anthropic"
    rf"|(?:==|!=)\s*{_IDS}|{_IDS}\s*(?:==|!=)"  # endpoint_id != BUILTIN_ENDPOINT
)

# Explicit exceptions, each with its reason: (path under desktop_chat/, the line's code).
ALLOWED = {
    # OllamaAdmin manages one endpoint, the Ollama server the settings name; its context lookup
    # answers for that endpoint only. An identity check of its own endpoint, not a kind test.
    ("chat/ollama_admin.py", "if endpoint_id != ENDPOINT_ID:  # not the endpoint this manages"),
}


def name_tests() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("providers/"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.strip()
            if code.startswith("#") or not NAME_TEST.search(code):
                continue
            if (relative, code) not in ALLOWED:
                found.append((relative, number, code))
    return found


def test_no_provider_name_tests_outside_providers():
    assert name_tests() == []


def test_the_scan_finds_the_ways_a_name_test_is_written():
    for code in ('if endpoint.kind == "ollama":', 'ollama = kind == "ollama"',
                 'if e.kind not in ("ollama", "llamacpp")', 'pdf = "anthropic" == provider_kind',
                 'case "anthropic":', "if endpoint_id != BUILTIN_ENDPOINT:",
                 "self.settings.default_endpoint == BUILTIN_ENDPOINT"):
        assert NAME_TEST.search(code), code
    for code in ('DEFAULT_MODELS = {"anthropic": "claude-sonnet-4-5"}', 'if doc.kind == "pdf":',
                 'self.choice.reload_models(OLLAMA_ENDPOINT)', 'states[BUILTIN_ENDPOINT] = builtin',
                 'if error.kind == "full":'):
        assert not NAME_TEST.search(code), code


def test_every_allowed_line_is_still_there():
    """An exception that no longer matches anything is removed from ALLOWED, not left to excuse a new one."""
    for relative, code in ALLOWED:
        lines = [line.strip() for line in (PACKAGE / relative).read_text(encoding="utf-8").splitlines()]
        assert code in lines and NAME_TEST.search(code), (relative, code)
