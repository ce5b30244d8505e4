"""Settings come from ECOGRAPH_* variables; the README documents every one of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecograph.settings import Settings, settings_table

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_setting_is_documented_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    for variable, default, _doc in settings_table():
        row = f"| `{variable}` | `{default}` |"
        assert row in text, f"README settings table lacks the row for {variable}: {row}"


def test_settings_read_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECOGRAPH_BASE", "https://example.org/eco/")
    monkeypatch.setenv("ECOGRAPH_QUERY_TIMEOUT", "2.5")
    settings = Settings.from_env()
    assert settings.base == "https://example.org/eco"
    assert settings.query_timeout == 2.5
    assert settings.id("org", "imec") == "https://example.org/eco/id/org/imec"


def test_bad_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECOGRAPH_MAX_ROWS", "many")
    with pytest.raises(ValueError, match="ECOGRAPH_MAX_ROWS"):
        Settings.from_env()
