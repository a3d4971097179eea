"""The Spanish catalogues are complete: every string the code marks for translation has a
Spanish translation, none is fuzzy, and every translation keeps the placeholders and tags
of its English text."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

from tests.conftest import service_missing

ROOT = Path(settings.BASE_DIR)
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
APPS = ["helpdesk", "accounts", "tickets", "sla", "knowledge_base", "escalation"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
HTML_TAGS = "a|abbr|b|br|code|em|i|kbd|li|ol|p|small|span|strong|time|ul"
TAG = re.compile(rf"</?({HTML_TAGS})\b[^<>]*>")


def catalogue_path(app: str, language: str) -> Path:
    return ROOT / app / "locale" / language / "LC_MESSAGES" / "django.po"


def read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def _texts(message) -> list[str]:
    value = message.string
    return list(value) if isinstance(value, tuple) else [value]


def _ids(message) -> list[str]:
    value = message.id
    return list(value) if isinstance(value, tuple) else [value]


def _problems(catalog) -> list[str]:
    problems = []
    if catalog.fuzzy:
        problems.append("the catalogue is marked fuzzy (nothing of it would be compiled)")
    for message in catalog:
        if not message.id:
            continue
        name = repr(_ids(message)[0])
        if message.fuzzy:
            problems.append(f"fuzzy: {name}")
        if not all(_texts(message)):
            problems.append(f"untranslated: {name}")
            continue
        wanted_placeholders = {p for text in _ids(message) for p in PLACEHOLDER.findall(text)}
        wanted_tags = sorted(t for t in TAG.findall(_ids(message)[0]))
        for text in _texts(message):
            named = {p for p in PLACEHOLDER.findall(text) if p.startswith("%(")}
            if named - wanted_placeholders:
                problems.append(f"unknown placeholder in the translation of {name}: {text!r}")
            if not message.pluralizable and set(PLACEHOLDER.findall(text)) != wanted_placeholders:
                problems.append(f"placeholders differ in the translation of {name}: {text!r}")
            if sorted(TAG.findall(text)) != wanted_tags:
                problems.append(f"HTML tags differ in the translation of {name}: {text!r}")
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("app", APPS)
def test_each_catalogue_is_complete_and_keeps_placeholders(app, language):
    path = catalogue_path(app, language)
    assert path.exists(), f"{path.relative_to(ROOT)} is missing: run `make messages`"
    catalog = read(path)
    assert len(catalog) > 10
    problems = _problems(catalog)
    assert not problems, f"{path.relative_to(ROOT)}:\n" + "\n".join(problems)


def test_the_catalogues_hold_every_string_the_code_marks(tmp_path):
    """`make messages` on a copy of the code adds nothing new: every marked string of every
    template and module is in the catalogues, translated."""
    if not shutil.which("xgettext") or not shutil.which("msgmerge"):
        service_missing("needs GNU gettext (xgettext, msgmerge): apt install gettext")
    copy = tmp_path / "src"
    for name in [*APPS, "templates", "manage.py"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
            )
        else:
            shutil.copy2(source, copy / name)
    environment = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "helpdesk.settings"}
    environment["PYTHONPATH"] = str(copy)
    command = [sys.executable, "manage.py", "makemessages", "--no-obsolete"]
    command += [f"--locale={language}" for language in LANGUAGES]
    command += ["--extension=html,txt,py", "--add-location=file"]
    subprocess.run(command, cwd=copy, env=environment, check=True, capture_output=True)
    problems = []
    for app in APPS:
        for language in LANGUAGES:
            extracted = catalogue_path(app, language).relative_to(ROOT)
            for problem in _problems(read(copy / extracted)):
                if problem.startswith(("untranslated", "fuzzy")):
                    problems.append(f"{extracted}: {problem}")
    assert not problems, "Strings the catalogues lack (run `make messages`):\n" + "\n".join(
        problems
    )
