"""Settings: flags > environment (``KAI_*``) > ``~/.config/kai/config.yaml`` > defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from k8sgpt_py.errors import ConfigError

_ENV = {
    "model": "KAI_MODEL",
    "base_url": "KAI_BASE_URL",
    "api_key": "OPENAI_API_KEY",
    "prometheus_url": "KAI_PROMETHEUS_URL",
    "read_only": "KAI_READ_ONLY",
    "timeout_seconds": "KAI_TIMEOUT",
    "max_steps": "KAI_MAX_STEPS",
    "metrics_csv": "KAI_METRICS_CSV",
}


def config_dir() -> Path:
    """``$XDG_CONFIG_HOME/kai`` (default ``~/.config/kai``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "kai"


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/kai`` (default ``~/.cache/kai``): things kai can always rebuild."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kai"


def state_dir() -> Path:
    """``$XDG_STATE_HOME/kai`` (default ``~/.local/state/kai``): audit log, sandbox state."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "kai"


@dataclass(frozen=True)
class Settings:
    """Everything a command may need to know that is not the request itself."""

    model: str | None = None
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    prometheus_url: str | None = None
    read_only: bool = False
    timeout_seconds: float = 60.0
    max_steps: int = 8
    metrics_csv: str | None = None
    holidays: dict[str, str] = field(default_factory=dict)
    prometheus_queries: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def has_llm(self) -> bool:
        """True when a model is configured (a model name, or an endpoint to ask)."""
        return bool(self.model or self.base_url)


def _coerce(name: str, raw: Any) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    try:
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            return str(raw).strip().lower() in {"1", "true", "yes", "on"}
        if kind == "float":
            return float(raw)
        if kind == "int":
            return int(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"invalid value for {name}: {raw!r}") from exc
    return raw


def load(flags: dict[str, Any] | None = None, *, path: Path | None = None) -> Settings:
    """Merge defaults, the config file, environment and flags (unset flags are ``None``)."""
    import yaml

    values: dict[str, Any] = {}
    path = path or config_dir() / "config.yaml"
    if path.is_file():
        try:
            data = yaml.safe_load(path.read_text()) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(
                f"cannot read {path}: {exc}".splitlines()[0], hint="fix or remove the file"
            ) from exc
        if not isinstance(data, dict):
            raise ConfigError(f"{path} must hold a mapping of settings")
        known = {f.name for f in fields(Settings)}
        for key, raw in data.items():
            name = str(key).replace("-", "_")
            if name in known:
                values[name] = _coerce(name, raw)
            else:
                values.setdefault("extra", {})[name] = raw
    for name, var in _ENV.items():
        if os.environ.get(var):
            values[name] = _coerce(name, os.environ[var])
    for name, raw in (flags or {}).items():
        if raw is not None:
            values[name] = _coerce(name, raw)
    return replace(Settings(), **values)
