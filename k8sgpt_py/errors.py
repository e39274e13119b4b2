"""Exit codes and the error tree. Only ``cli.main()`` turns these into process exits."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The documented exit codes (README, DESIGN.md)."""

    OK = 0
    INTERNAL = 1
    USAGE = 2
    CLUSTER = 3
    LLM = 4
    REJECTED = 5
    NOT_CONFIRMED = 6
    FINDINGS = 7
    NOTHING_DONE = 8
    INTERRUPTED = 130


class KaiError(Exception):
    """Base of every error kai reports to the user as one line plus an optional hint."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(KaiError):
    """Bad flags, empty or malformed request."""

    exit_code = ExitCode.USAGE


class NotFound(UsageError):
    """An unknown resource, namespace or name."""


class Ambiguous(UsageError):
    """A name that matches several resources equally well."""

    def __init__(self, message: str, *, candidates: list[str], hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.candidates = candidates


class ConfigError(KaiError):
    """Kubeconfig, context or kai config problems."""

    exit_code = ExitCode.CLUSTER


class ClusterUnavailable(KaiError):
    """The API server cannot be reached or refused our credentials."""

    exit_code = ExitCode.CLUSTER
    timed_out: bool = False  # sent, but no answer in time: the server may still act on it


class ModelUnavailable(KaiError):
    """No LLM configured, or the endpoint failed (auth, quota, timeout, bad response)."""

    exit_code = ExitCode.LLM


class MissingApiKey(ModelUnavailable):
    """The configured endpoint needs a key that is not set."""


class Rejected(KaiError):
    """Validation refused a change: server dry run, RBAC or a guardrail."""

    exit_code = ExitCode.REJECTED


class Forbidden(Rejected):
    """RBAC denies the verb on the resource."""


class ChangeDeclined(KaiError):
    """The user declined, or there was no TTY and no ``--yes``."""

    exit_code = ExitCode.NOT_CONFIRMED


class ApplyFailed(KaiError):
    """An apply step failed after confirmation; what was applied is reported."""

    exit_code = ExitCode.INTERNAL


class FindingsAtThreshold(KaiError):
    """Findings at or above ``--fail-on`` (opt-in)."""

    exit_code = ExitCode.FINDINGS


class NothingDone(KaiError):
    """The request asked for a change, and the planner made none (it could not, or declined)."""

    exit_code = ExitCode.NOTHING_DONE
