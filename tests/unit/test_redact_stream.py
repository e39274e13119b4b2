"""A streamed answer is redacted like the whole answer, however its chunks split it."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8sgpt_py.redact import REDACTED, redact_text
from k8sgpt_py.redact_stream import HOLD_CHARS, MAX_HELD_CHARS, TAIL_CHARS, StreamRedactor

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PEM_BODY = ["MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj", "MIIBCgKCAQEA"]
ANSWER = "\n".join(
    [
        "The pod fails because the database rejects its login.",
        "Its env has DB_PASSWORD: hunter2-s3cret and the app reads",
        "postgres://app:pg-pass-771@db:5432/shop as its DSN.",
        "It sends Authorization:",
        "  Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJrYWkifQ.c2lnbmF0dXJl",
        "-----BEGIN PRIVATE KEY-----",
        *PEM_BODY,
        "-----END PRIVATE KEY-----",
        "and its token ghp_abcdefghijklmnopqrstuvwxyz0123456789 is in the logs.",
        "Fix: rotate the password, then restart checkout.",
    ]
)
SECRETS = ["hunter2-s3cret", "pg-pass-771", "eyJhbGciOiJIUzI1NiJ9", *PEM_BODY, "ghp_abcdefghij"]


def streamed(text: str, cuts: list[int]) -> tuple[str, list[str]]:
    """The text fed in pieces cut at ``cuts``; (everything shown, what each feed showed)."""
    redactor = StreamRedactor()
    bounds = [0, *sorted(set(cuts)), len(text)]
    shown = [redactor.feed(text[a:b]) for a, b in itertools.pairwise(bounds)]
    shown.append(redactor.flush())
    return "".join(shown), shown


def test_the_whole_answer_fed_at_once_is_redacted_like_redact_text():
    out, _ = streamed(ANSWER, [])
    assert out == redact_text(ANSWER)
    assert not [s for s in SECRETS if s in out]


def test_word_by_word_like_the_scripted_server_streams():
    cuts = [i for i, c in enumerate(ANSWER) if c == " "]
    out, _ = streamed(ANSWER, cuts)
    assert out == redact_text(ANSWER)
    assert not [s for s in SECRETS if s in out]


def test_character_by_character():
    out, shown = streamed(ANSWER, list(range(len(ANSWER))))
    assert out == redact_text(ANSWER)
    assert not [s for s in SECRETS if s in "".join(shown[:-1])]  # not even before the end


@PROPERTY
@given(st.lists(st.integers(min_value=0, max_value=len(ANSWER)), max_size=40))
def test_any_chunking_shows_exactly_what_redact_text_shows(cuts):
    out, _ = streamed(ANSWER, cuts)
    assert out == redact_text(ANSWER)


def test_plain_lines_come_out_as_soon_as_they_end():
    redactor = StreamRedactor()
    assert redactor.feed("Scaled check") == ""
    assert redactor.feed("out to 4.\nIt now") == "Scaled checkout to 4.\n"
    assert redactor.flush() == "It now"


def test_a_line_with_a_credential_word_waits_for_the_next_one():
    redactor = StreamRedactor()
    assert redactor.feed("send Authorization:\n") == ""
    out = redactor.feed("Bearer abcdef0123456789abcdef\nok\n")
    assert out == redact_text("send Authorization:\nBearer abcdef0123456789abcdef\nok\n")
    assert "abcdef0123456789" not in out


def test_a_private_key_is_held_until_its_block_ends():
    redactor = StreamRedactor()
    shown = redactor.feed("here:\n-----BEGIN PRIVATE KEY-----\n")
    for line in PEM_BODY:
        shown += redactor.feed(line + "\n")
    assert not [s for s in PEM_BODY if s in shown]
    shown += redactor.feed("-----END PRIVATE KEY-----\nafter\n") + redactor.flush()
    assert REDACTED in shown and "after" in shown
    assert not [s for s in PEM_BODY if s in shown]


def test_a_very_long_line_is_let_out_in_part_without_splitting_a_secret():
    words = ["word"] * (HOLD_CHARS // 5) + ["password:", "hunter2-long"] + ["more"] * 100
    text = " ".join(words)
    redactor = StreamRedactor()
    shown = [redactor.feed(w + " ") for w in text.split(" ")]
    assert any(shown), "a long line is not held whole"
    out = "".join(shown) + redactor.flush()
    assert "hunter2-long" not in out and out.rstrip() == redact_text(text)
    assert len(redactor._held) == 0


def test_held_text_is_bounded():
    redactor = StreamRedactor()
    key = "-----BEGIN PRIVATE KEY-----\n" + ("A" * 60 + "\n") * 200
    out = redactor.feed(key)
    assert out == ""  # an open key block is held...
    huge = "B" * (MAX_HELD_CHARS + TAIL_CHARS)
    out = redactor.feed(huge)  # ...but never without bound
    assert out and "A" * 60 not in out


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("ok\x1b[31mred\x1b[0m", "okred"),
        ("\x1b]0;title\x07x", "x"),
        ("\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("a\u202eb\u2066c", "abc"),
        ("bell\x07 back\x08 cr\r del\x7f c1\x9b", "bell back cr del c1"),
        ("tab\tnewline\ncafé 😀", "tab\tnewline\ncafé 😀"),
    ],
)
def test_terminal_safe_drops_what_drives_a_terminal(text, shown):
    from k8sgpt_py.render.text import terminal_safe

    assert terminal_safe(text) == shown
