"""Where state lives, the settings file, and the endpoints the user can talk to.

Precedence for every base URL: the settings file, then the environment variable users already
have (ANTHROPIC_BASE_URL, OPENAI_BASE_URL, OLLAMA_HOST), then the public default.
`DESKTOP_CHAT_HOME` (or `--data-dir`, which sets it) puts all state in one folder.
No key is ever stored here: keys live in the keyring (see secrets.py).
The ValueErrors and KeyErrors raised here for the user carry a Text (domain/texts.py) as their
argument: str() of it is the English sentence, and the UI can translate it.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from desktop_chat.atomic_file import atomic_write

from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text

APP_NAME = "desktop-chat"
HOME_ENV = "DESKTOP_CHAT_HOME"

ANTHROPIC_DEFAULT_URL = "https://api.anthropic.com"
OPENAI_DEFAULT_URL = "https://api.openai.com/v1"
OLLAMA_DEFAULT_URL = "http://127.0.0.1:11434"
# Endpoint ids (data, not behaviour: what an endpoint can do is asked of its provider's declared
# capabilities, desktop_chat.providers.capabilities).
BUILTIN_ENDPOINT = "builtin"  # the built-in engine: GGUF models run in-process by llama.cpp (extra "local")
OLLAMA_ENDPOINT = "ollama"  # the local Ollama server (OLLAMA_HOST)
CUSTOM_ENDPOINT_KIND = "openai"  # a user-named endpoint speaks the OpenAI-compatible API
# Used when neither the conversation nor the settings name a model for a built-in endpoint.
DEFAULT_MODELS = {"anthropic": "claude-sonnet-4-5", "openai": "gpt-4o-mini"}
RECENT_MODELS = 5  # how many recently used models the picker lists first, per endpoint

log = logging.getLogger(__name__)


# -- directories ---------------------------------------------------------------------------------

def data_dir() -> Path:
    """Database, attachments, logs. Created on first use."""
    home = os.environ.get(HOME_ENV)
    if home:
        path = Path(home).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """The settings file. Same folder as the data when DESKTOP_CHAT_HOME is set (portable install)."""
    if os.environ.get(HOME_ENV):
        return data_dir()
    import platformdirs

    path = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path() -> Path:
    return data_dir() / "chat.sqlite3"


def log_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


# -- endpoints -----------------------------------------------------------------------------------

@dataclass
class CustomEndpoint:
    """A user-named OpenAI-compatible service: DeepSeek, OpenRouter, vLLM, LM Studio, llama.cpp…"""

    id: str
    name: str
    base_url: str


class Endpoint(NamedTuple):
    """One place the user can send a turn to, fully resolved."""

    id: str
    kind: str  # "anthropic" | "openai" | "ollama" | "llamacpp" (the built-in engine)
    label: str
    base_url: str
    key_env: str | None = None  # the environment variable that may hold its key
    base_url_env: str | None = None
    needs_key: bool = True

    @property
    def host(self) -> str:
        return url_host(self.base_url)


def url_host(url: str) -> str:
    """host[:port] of a URL, lower-cased: what a key is bound to."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def normalize_ollama_host(value: str) -> str:
    """OLLAMA_HOST may be `0.0.0.0:11434`, `localhost`, or a full URL: make it a URL we can dial."""
    value = value.strip().rstrip("/")
    if "://" not in value:
        value = "http://" + value
    parts = urlsplit(value)
    host = parts.hostname or "127.0.0.1"
    if host in ("0.0.0.0", "::"):  # a bind-all address is where the server listens, not where to dial
        host = "127.0.0.1"
    port = parts.port or (443 if parts.scheme == "https" else 11434)
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}:{port}{parts.path}"


def validate_base_url(url: str) -> str:
    """A usable http(s) base URL, or ValueError with a sentence (a Text) saying what is wrong."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError(Text.of(
            QT_TRANSLATE_NOOP("engine", "“{url}” is not a web address: it must start with http:// or https://."),
            url=url,
        ))
    if not parts.hostname:
        raise ValueError(Text.of(QT_TRANSLATE_NOOP("engine", "“{url}” has no host name."), url=url))
    return url.rstrip("/")


# -- settings ------------------------------------------------------------------------------------

@dataclass
class Settings:
    """Everything settings.json holds (load_settings, save_settings); keys live in the keyring."""

    default_endpoint: str = "anthropic"
    default_models: dict[str, str] = field(default_factory=dict)  # endpoint id -> model
    temperature: float | None = None
    max_tokens: int = 4096
    system_prompt: str = ""
    theme: str = "system"  # system | light | dark
    language: str = "system"  # system | en | zh_CN
    max_attempts: int = 4
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    concurrent_requests: int = 4  # per endpoint
    # Write the text of requests and answers to the log (for debugging a provider). Off: the log
    # then holds who was asked, how it ended and how long it took, never what was said.
    debug_log_content: bool = False
    anthropic_base_url: str | None = None
    openai_base_url: str | None = None
    ollama_host: str | None = None
    custom_endpoints: list[CustomEndpoint] = field(default_factory=list)
    # Ollama model name ("llama3.2:latest") -> the options sent with every request to it:
    # {"num_ctx": int, "temperature": float, "keep_alive": "5m" | seconds}; see chat/ollama_admin.py.
    ollama_model_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The host each stored key was saved for; a key is only ever sent there (see chat/credentials.py).
    key_hosts: dict[str, str] = field(default_factory=dict)
    ui_state: dict[str, Any] = field(default_factory=dict)  # window geometry, splitters, last conversation
    # The built-in engine (chat/local_models.py): GGUF files the user added where they are (by
    # reference, never copied), how long an unused model stays in memory, the CPU threads it runs
    # on (0: what the machine can spare, cores - 1) and the most context a model is loaded with.
    local_model_paths: list[str] = field(default_factory=list)
    local_idle_unload_minutes: float = 10.0
    local_threads: int = 0
    local_context_cap: int = 4096
    # The model picker (ui/models/model_picker.py): starred models and the last few used, per endpoint id,
    # and the endpoint that last answered a turn (new conversations start there while it can answer).
    favourite_models: dict[str, list[str]] = field(default_factory=dict)
    recent_models: dict[str, list[str]] = field(default_factory=dict)  # most recent first
    last_answered_endpoint: str | None = None
    # The local API server (desktop_chat/server: `desktop-chat serve`, Settings › Local server):
    # whether the window runs it, its port on 127.0.0.1, requests per minute per token, the web
    # origins allowed to call it from a browser (none: no CORS), and whether the requests it
    # answers are kept in the history (/ai/conversation always is: it exists to keep them).
    server_enabled: bool = False
    server_port: int = 8765
    server_rate_limit: int = 120
    server_cors_origins: list[str] = field(default_factory=list)
    server_store_history: bool = False
    # MCP tools (chat/tool_rounds.py): how many rounds of tool calls one answer may make.
    tool_round_limit: int = 10
    # The user's word on whether a model sees images, where its provider says otherwise or nothing
    # (endpoint id -> model -> True/False; see chat/images.py). Set in the model manager.
    vision_models: dict[str, dict[str, bool]] = field(default_factory=dict)

    # -- the model picker's memory --

    def note_model_used(self, endpoint_id: str, model: str) -> None:
        """`model` answered at `endpoint_id`: it leads the recent list (which keeps RECENT_MODELS)."""
        recent = [m for m in self.recent_models.get(endpoint_id, []) if m != model]
        self.recent_models[endpoint_id] = [model, *recent][:RECENT_MODELS]
        self.last_answered_endpoint = endpoint_id

    def toggle_favourite(self, endpoint_id: str, model: str) -> bool:
        """Star or unstar `model`; True when it is now a favourite."""
        favourites = self.favourite_models.setdefault(endpoint_id, [])
        if model in favourites:
            favourites.remove(model)
            if not favourites:
                del self.favourite_models[endpoint_id]
            return False
        favourites.append(model)
        return True

    # -- endpoints --

    def endpoints(self, environ: os._Environ[str] | dict[str, str] | None = None) -> list[Endpoint]:
        env = os.environ if environ is None else environ
        built_in = [
            Endpoint("anthropic", "anthropic", "Anthropic",
                     (self.anthropic_base_url or env.get("ANTHROPIC_BASE_URL") or ANTHROPIC_DEFAULT_URL).rstrip("/"),
                     key_env="ANTHROPIC_API_KEY", base_url_env="ANTHROPIC_BASE_URL"),
            Endpoint("openai", "openai", "OpenAI",
                     (self.openai_base_url or env.get("OPENAI_BASE_URL") or OPENAI_DEFAULT_URL).rstrip("/"),
                     key_env="OPENAI_API_KEY", base_url_env="OPENAI_BASE_URL"),
            Endpoint(OLLAMA_ENDPOINT, "ollama", "Ollama",
                     normalize_ollama_host(self.ollama_host or env.get("OLLAMA_HOST") or OLLAMA_DEFAULT_URL),
                     needs_key=False),
            Endpoint(BUILTIN_ENDPOINT, "llamacpp", "Built-in", "", needs_key=False),
        ]
        # A custom endpoint's key is optional (local servers need none); it never falls back to
        # OPENAI_API_KEY, which would send an OpenAI key to somebody else's host.
        custom = [Endpoint(c.id, CUSTOM_ENDPOINT_KIND, c.name, c.base_url.rstrip("/"), needs_key=False)
                  for c in self.custom_endpoints]
        return built_in + custom

    def endpoint(self, endpoint_id: str, environ: dict[str, str] | None = None) -> Endpoint:
        for endpoint in self.endpoints(environ):
            if endpoint.id == endpoint_id:
                return endpoint
        known = ", ".join(e.id for e in self.endpoints(environ))
        raise KeyError(Text.of(
            QT_TRANSLATE_NOOP("engine", "There is no provider called “{endpoint}”. Known: {known}."),
            endpoint=endpoint_id, known=known,
        ))

    def add_custom_endpoint(self, name: str, base_url: str) -> CustomEndpoint:
        endpoint_id = _slug(name)
        if not endpoint_id:
            raise ValueError(Text.of(QT_TRANSLATE_NOOP(
                "engine", "Give the endpoint a name with at least one letter or digit.")))
        if endpoint_id in {e.id for e in self.endpoints({})}:
            raise ValueError(Text.of(QT_TRANSLATE_NOOP("engine", "A provider called “{endpoint}” already exists."),
                                     endpoint=endpoint_id))
        custom = CustomEndpoint(endpoint_id, name.strip(), validate_base_url(base_url))
        self.custom_endpoints.append(custom)
        return custom


def _slug(name: str) -> str:
    out = "".join(ch.lower() if ch.isalnum() else "-" for ch in name.strip())
    return "-".join(part for part in out.split("-") if part)


# -- persistence ---------------------------------------------------------------------------------

def settings_path() -> Path:
    return config_dir() / "settings.json"


def load_settings(path: Path | None = None) -> Settings:
    """Read settings; a damaged file is kept aside (never deleted) and defaults are used."""
    path = path or settings_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        aside = path.with_suffix(".damaged.json")
        log.warning("settings file %s unreadable (%s); moved to %s", path, exc, aside)
        try:
            path.replace(aside)
        except OSError:
            pass
        return Settings()
    return _settings_from_dict(raw if isinstance(raw, dict) else {})


def _settings_from_dict(raw: dict[str, Any]) -> Settings:
    known = {f.name for f in fields(Settings)}
    values = {k: v for k, v in raw.items() if k in known}
    customs = []
    for item in values.pop("custom_endpoints", []) or []:
        try:
            customs.append(CustomEndpoint(str(item["id"]), str(item["name"]), str(item["base_url"])))
        except (KeyError, TypeError):
            log.warning("ignoring malformed custom endpoint %r", item)
    options = values.get("ollama_model_options")
    if options is not None and not (isinstance(options, dict) and all(isinstance(v, dict) for v in options.values())):
        log.warning("ignoring malformed ollama_model_options")
        values.pop("ollama_model_options")
    for name in ("favourite_models", "recent_models"):
        table = values.get(name)
        if table is not None and not (isinstance(table, dict) and all(
                isinstance(v, list) and all(isinstance(m, str) for m in v) for v in table.values())):
            log.warning("ignoring malformed %s", name)
            values.pop(name)
    vision = values.get("vision_models")
    if vision is not None and not (isinstance(vision, dict) and all(
            isinstance(v, dict) and all(isinstance(b, bool) for b in v.values()) for v in vision.values())):
        log.warning("ignoring malformed vision_models")
        values.pop("vision_models")
    if not isinstance(values.get("last_answered_endpoint", ""), (str, type(None))):
        values.pop("last_answered_endpoint")
    settings = Settings(**values)
    settings.custom_endpoints = customs
    return settings


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write atomically: a crash mid-write leaves the previous file intact."""
    data = json.dumps(asdict(settings), indent=2, ensure_ascii=False)
    atomic_write(path or settings_path(), data.encode("utf-8"))
