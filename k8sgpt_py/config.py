"""Settings: flags > environment (``KAI_*``) > ``~/.config/kai/config.yaml`` > defaults."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from k8sgpt_py.errors import ConfigError, ExitCode

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


_LIMITS: dict[str, tuple[float, float, str]] = {
    "timeout_seconds": (0.0, 86400.0, "seconds, more than 0 and at most 86400"),
    "max_steps": (1, 100, "a whole number from 1 to 100"),
}
_KINDS = {list: "a list", str: "plain text", int: "a number", float: "a number", bool: "a yes/no"}
_INT = re.compile(r"[+-]?[0-9]+")
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


class SettingsError(ConfigError):
    """kai's own settings (config file, ``KAI_*`` variables, flags) are unreadable or invalid.

    Bad input, so exit 2 (``ConfigError`` proper, exit 3, is for kubeconfig problems).
    """

    exit_code = ExitCode.USAGE


def _coerce(name: str, raw: Any, where: str = "") -> Any:
    """``raw`` as the type of setting ``name``; SettingsError names the setting and ``where``."""
    fix = f"fix {name}{where} or remove it"
    if where.startswith(" (--"):
        fix = f"give {where.strip(' ()')} a valid value, or leave it out"
    kind = str({f.name: f.type for f in fields(Settings)}[name])
    try:
        value = _convert(kind, raw)
    except (TypeError, ValueError, OverflowError) as exc:
        need = f" ({exc})" if str(exc) else ""
        shown = repr(raw) if isinstance(raw, str | int | float) else type(raw).__name__
        raise SettingsError(
            f"invalid value for {name}{where}: {shown[:60]}{need}",
            hint=fix,
        ) from None
    if name in _LIMITS:
        low, high, need = _LIMITS[name]
        if not (low < value <= high if kind == "float" else low <= value <= high):
            raise SettingsError(
                f"invalid value for {name}{where}: {raw!r} (need {need})",
                hint=fix,
            )
    return value


def _convert(kind: str, raw: Any) -> Any:
    """One raw value (YAML scalar, env string, flag) as ``kind``; ValueError if it is not one."""
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text not in _TRUE | _FALSE:
            raise ValueError("use true or false")
        return text in _TRUE
    if kind == "float":
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise ValueError("not a number")
        try:
            number = float(raw)
        except ValueError:
            raise ValueError("not a number") from None
        if not math.isfinite(number):
            raise ValueError("not a finite number")
        return number
    if kind == "int":
        if isinstance(raw, bool) or not isinstance(raw, int | str):
            raise ValueError("not a whole number")
        text = str(raw).strip()
        if not _INT.fullmatch(text):
            raise ValueError("not a whole number")
        return int(text)
    if kind.startswith("dict"):
        if not isinstance(raw, dict):
            raise ValueError("must be a mapping of names to values")
        return {str(k): v for k, v in raw.items()}
    if isinstance(raw, dict | list):  # every other setting is one string
        raise ValueError("must be a single value")
    return None if raw is None else str(raw)


def _read(path: Path) -> dict[str, Any]:
    """The config file as a mapping (empty when it is empty)."""
    import yaml

    hint = "fix or remove the file"
    try:
        text = path.read_bytes().decode("utf-8")
        data = yaml.safe_load(text) or {}
    except OSError as exc:
        raise SettingsError(f"cannot read {path}: {exc.strerror or exc}", hint=hint) from exc
    except UnicodeDecodeError as exc:
        raise SettingsError(
            f"cannot read {path}: not UTF-8 text (byte {exc.start})", hint=hint
        ) from None
    except RecursionError:
        raise SettingsError(f"cannot read {path}: nested too deeply", hint=hint) from None
    except yaml.YAMLError as exc:
        raise SettingsError(f"cannot read {path}: {exc}".splitlines()[0], hint=hint) from exc
    if not isinstance(data, dict):
        raise SettingsError(
            f"{path} must hold a mapping of settings, not {_KINDS.get(type(data), 'that')}",
            hint="write one `name: value` per line, e.g. `model: llama3.1`",
        )
    return data


def load(flags: dict[str, Any] | None = None, *, path: Path | None = None) -> Settings:
    """Merge defaults, the config file, environment and flags (unset flags are ``None``)."""
    values: dict[str, Any] = {}
    path = path or config_dir() / "config.yaml"
    if path.is_file():
        known = {f.name for f in fields(Settings)}
        for key, raw in _read(path).items():
            name = str(key).replace("-", "_")
            if name in known:
                values[name] = _coerce(name, raw, f" in {path}")
            else:
                values.setdefault("extra", {})[name] = raw
    for name, var in _ENV.items():
        if os.environ.get(var):
            values[name] = _coerce(name, os.environ[var], f" in {var}")
    for name, raw in (flags or {}).items():
        if raw is not None:
            values[name] = _coerce(name, raw, f" (--{name.replace('_', '-')})")
    return replace(Settings(), **values)
