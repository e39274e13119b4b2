"""The LLM seam: build a chat model from Settings and translate provider errors.

This is the only module that imports LangChain provider packages or the ``openai`` SDK.
Everything else receives a ``BaseChatModel`` and catches ``KaiError``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from k8sgpt_py.errors import KaiError, MissingApiKey, ModelUnavailable

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from k8sgpt_py.config import Settings

DEFAULT_MODEL = "gpt-4o-mini"
OPENAI_URL = "https://api.openai.com/v1"
NO_KEY_PLACEHOLDER = "kai-no-key"  # local servers (Ollama, vLLM, llama.cpp) ignore the key
MAX_RETRIES = 2
# Providers langchain's init_chat_model knows under "provider:model" (openai is handled here).
_PROVIDERS = frozenset(
    {
        "anthropic",
        "anthropic_bedrock",
        "azure_ai",
        "azure_openai",
        "bedrock",
        "bedrock_converse",
        "cohere",
        "deepseek",
        "fireworks",
        "google_anthropic_vertex",
        "google_genai",
        "google_vertexai",
        "groq",
        "huggingface",
        "ibm",
        "litellm",
        "mistralai",
        "nvidia",
        "ollama",
        "openrouter",
        "perplexity",
        "together",
        "upstage",
        "xai",
    }
)


def _endpoint(settings: Settings) -> str:
    return (settings.base_url or OPENAI_URL).rstrip("/")


def _is_openai_endpoint(url: str) -> bool:
    return "api.openai.com" in url


def split_provider(model: str | None) -> tuple[str | None, str]:
    """Split ``"anthropic:claude-x"`` into ``("anthropic", "claude-x")``.

    ``"openai:gpt-4o"`` gives ``(None, "gpt-4o")``; names whose prefix is not a known
    provider (``"llama3.1:8b"`` for Ollama) are left whole.
    """
    name = model or DEFAULT_MODEL
    prefix, sep, rest = name.partition(":")
    normal = prefix.replace("-", "_").lower()
    if sep and normal == "openai":
        return None, rest
    if sep and normal in _PROVIDERS:
        return normal, rest
    return None, name


def make_chat_model(
    settings: Settings, *, streaming: bool = False, max_retries: int = MAX_RETRIES
) -> BaseChatModel:
    """Build the chat model named by settings (OpenAI-compatible unless ``provider:model``).

    Args:
        settings: ``model``, ``base_url``, ``api_key`` and ``timeout_seconds`` are used;
            ``settings.extra["stream_usage"] = False`` turns off usage reporting in streams
            for servers that reject ``stream_options``.
        streaming: Stream tokens by default (``invoke`` then streams internally too).
        max_retries: Retries of the SDK client for connection errors, 429 and 5xx.

    Raises:
        MissingApiKey: The OpenAI endpoint is used without a key.
        ModelUnavailable: The provider package is missing or the settings are invalid.
    """
    provider, name = split_provider(settings.model)
    if provider is not None:
        return _init_provider(settings, provider, name, streaming=streaming)
    url = _endpoint(settings)
    key = settings.api_key
    if not key:
        if _is_openai_endpoint(url):
            raise MissingApiKey(
                f"no API key for {url}",
                hint="set OPENAI_API_KEY, or KAI_BASE_URL for a local OpenAI-compatible server",
            )
        key = NO_KEY_PLACEHOLDER
    from langchain_openai import ChatOpenAI

    # ``streaming=False`` passed explicitly would disable ``.stream()`` too: only set True.
    options: dict[str, object] = {"streaming": True} if streaming else {}
    try:
        return ChatOpenAI(
            model=name,
            base_url=url,
            api_key=key,  # type: ignore[arg-type]
            timeout=settings.timeout_seconds,
            max_retries=max_retries,
            stream_usage=bool(settings.extra.get("stream_usage", True)),
            use_responses_api=False,
            **options,  # type: ignore[arg-type]
        )
    except Exception as exc:  # pydantic validation of the settings
        raise ModelUnavailable(f"cannot set up model {name!r}: {_first_line(exc)}") from exc


def _init_provider(
    settings: Settings, provider: str, name: str, *, streaming: bool
) -> BaseChatModel:
    from langchain.chat_models import init_chat_model

    kwargs: dict[str, Any] = {"timeout": settings.timeout_seconds, "max_retries": MAX_RETRIES}
    if streaming:
        kwargs["streaming"] = True
    if settings.base_url:
        kwargs["base_url"] = settings.base_url
    if settings.api_key:
        kwargs["api_key"] = settings.api_key
    try:
        model: BaseChatModel = init_chat_model(name, model_provider=provider, **kwargs)
    except ImportError as exc:
        named = re.search(r"pip install ([\w.-]+)", str(exc))
        package = named.group(1) if named else "langchain-" + provider.replace("_", "-")
        raise ModelUnavailable(
            f"model provider {provider!r} is not installed",
            hint=f"pip install {package}, or use an OpenAI-compatible endpoint via KAI_BASE_URL",
        ) from exc
    except Exception as exc:  # provider constructors validate keys and options
        raise ModelUnavailable(
            f"cannot set up {provider}:{name}: {_first_line(exc)}",
            hint="check the provider's API key environment variable",
        ) from exc
    return model


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line[:200]


def _status_of(exc: BaseException) -> int | None:
    for candidate in (exc, getattr(exc, "response", None)):
        code = getattr(candidate, "status_code", None) or getattr(candidate, "status", None)
        if isinstance(code, int):
            return code
    return None


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _url_of(exc: BaseException) -> str:
    request = getattr(exc, "request", None)
    url = getattr(request, "url", None)
    return str(url) if url is not None else "the model endpoint"


def _by_status(status: int, exc: BaseException) -> KaiError:
    url = _url_of(exc)
    if status == 401:
        return MissingApiKey(
            f"the model endpoint rejected the API key (401 from {url})",
            hint="check OPENAI_API_KEY (or the key for KAI_BASE_URL)",
        )
    if status == 403:
        return ModelUnavailable(f"access to the model was denied (403 from {url})")
    if status == 404:
        return ModelUnavailable(
            f"model or endpoint not found (404 from {url})",
            hint="check KAI_MODEL and KAI_BASE_URL (OpenAI-compatible servers end in /v1)",
        )
    if status == 429:
        return ModelUnavailable(
            f"model quota or rate limit exceeded (429 from {url})",
            hint="wait and retry, or check the plan and billing of the API key",
        )
    if status >= 500:
        return ModelUnavailable(
            f"the model endpoint failed ({status} from {url}) after retries",
            hint="retry later or use the offline planner (unset KAI_MODEL)",
        )
    return ModelUnavailable(f"the model endpoint refused the request ({status}): {_message(exc)}")


def _message(exc: BaseException) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else None
        if isinstance(message, str):
            return message[:200]
    return _first_line(exc)


def translate_model_error(exc: BaseException) -> KaiError:
    """Turn any error raised while calling the model into a one-line ``KaiError``.

    Unreachable endpoints, timeouts, HTTP statuses (401, 403, 404, 429, 5xx) and
    malformed responses each get their own message; the caller chains the original.
    """
    if isinstance(exc, KaiError):
        return exc
    for err in _chain(exc):
        name = type(err).__name__.lower()
        if "timeout" in name or isinstance(err, TimeoutError):
            return ModelUnavailable(
                f"the model did not answer in time ({_url_of(err)})",
                hint="raise KAI_TIMEOUT or try a faster model",
            )
        if "connect" in name or isinstance(err, ConnectionError):
            return ModelUnavailable(
                f"cannot reach the model endpoint {_url_of(err)}: connection failed",
                hint="check KAI_BASE_URL and that the model server is running",
            )
        status = _status_of(err)
        if status is not None and status >= 400:
            return _by_status(status, err)
    return ModelUnavailable(
        f"malformed response from the model endpoint ({type(exc).__name__}: "
        f"{_first_line(exc)[:120]})",
        hint="check that KAI_BASE_URL points at an OpenAI-compatible /v1 endpoint",
    )
