"""The letter templates (data/letters, edited by legal staff) are checked when the service starts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from api.app import StartupError, create_app
from api.letters.render import templates_at
from api.settings import Settings


def test_a_broken_letter_template_stops_the_start_with_its_file_named(settings: Settings, tmp_path: Path) -> None:
    letters = tmp_path / "letters"
    shutil.copytree(settings.letters, letters)
    broken = sorted(letters.glob("*.yaml"))[-1]
    broken.write_text(broken.read_text(encoding="utf-8") + "\n  {无此占位符}: [\n", encoding="utf-8")
    templates_at.cache_clear()
    with pytest.raises(StartupError, match=broken.name):
        create_app(settings.model_copy(update={"letters": letters}))
