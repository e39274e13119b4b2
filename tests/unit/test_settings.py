"""kai's settings (k8sgpt_py/config.py): bad values in the file, env or flags are bad input."""

from __future__ import annotations

import pytest

from k8sgpt_py.config import SettingsError, load
from k8sgpt_py.errors import ConfigError, ExitCode


def test_settings_error_is_a_config_error_with_exit_2(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_bytes(b"max_steps: \xff\n")
    with pytest.raises(SettingsError) as caught:
        load(path=path)
    assert isinstance(caught.value, ConfigError) and caught.value.exit_code == ExitCode.USAGE


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("Yes", True), ("on", True), ("1", True), ("false", False), ("off", False)],
)
def test_read_only_words(monkeypatch, tmp_path, raw, expected):
    monkeypatch.setenv("KAI_READ_ONLY", raw)
    assert load(path=tmp_path / "none.yaml").read_only is expected


def test_numbers_in_range_are_kept(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("timeout_seconds: 86400\nmax_steps: '100'\nmodel: 7\n")
    settings = load(path=path)
    assert (settings.timeout_seconds, settings.max_steps, settings.model) == (86400.0, 100, "7")


@pytest.mark.parametrize(
    ("flags", "where"),
    [({"max_steps": -1}, "(--max-steps)"), ({"max_steps": 10**30}, "(--max-steps)")],
)
def test_flag_values_are_checked_and_named(tmp_path, flags, where):
    with pytest.raises(SettingsError) as caught:
        load(flags, path=tmp_path / "none.yaml")
    assert where in caught.value.message
    assert caught.value.hint == "give --max-steps a valid value, or leave it out"


def test_the_source_of_a_bad_value_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("KAI_TIMEOUT", "nan")
    with pytest.raises(SettingsError, match=r"invalid value for timeout_seconds in KAI_TIMEOUT"):
        load(path=tmp_path / "none.yaml")
