"""Interface labels of the viewer in English and Dutch.

Data labels (sectors, stages, places) come from the graph's ``skos:prefLabel``; this module only
holds the words of the interface itself, read once from ``labels.yaml`` beside it (data, not code: one
table a translator can edit). A missing Dutch string falls back to English, and a missing key shows the
key, so a forgotten label is visible instead of failing a page.
"""

from __future__ import annotations

import importlib.resources

import yaml

LANGUAGES = ("en", "nl")
DEFAULT_LANGUAGE = "en"

Labels = dict[str, dict[str, str]]


def _load_labels() -> tuple[Labels, Labels, Labels]:
    """The three tables of ``labels.yaml`` (shipped beside this module): interface strings, kinds, relations."""
    text = importlib.resources.files("ecograph.web.viewer").joinpath("labels.yaml").read_text(encoding="utf-8")
    tables = yaml.safe_load(text)
    return tables["strings"], tables["kinds"], tables["relations"]


#: ``STRINGS[key][lang]``; ``KIND_LABELS`` by the local names of the eco: classes, most specific first;
#: ``RELATION_LABELS`` by the relation predicates' local names (inverse ones are shown from the other side).
STRINGS, KIND_LABELS, RELATION_LABELS = _load_labels()


def normalise_language(value: str | None) -> str | None:
    """``"nl-BE"`` → ``"nl"``; None when the value is not one of ours."""
    if not value:
        return None
    code = value.strip().lower()[:2]
    return code if code in LANGUAGES else None


def choose_language(query: str | None, cookie: str | None, accept: str | None) -> str:
    """The explicit choice (``?lang=``), then the remembered one (cookie), then the browser's."""
    for candidate in (query, cookie):
        lang = normalise_language(candidate)
        if lang:
            return lang
    if accept:
        for part in accept.split(","):
            lang = normalise_language(part.split(";")[0])
            if lang:
                return lang
    return DEFAULT_LANGUAGE


def translate(key: str, lang: str, **values: object) -> str:
    """The interface string ``key`` in ``lang``, with ``{name}`` placeholders filled."""
    entry = STRINGS.get(key)
    text = key if entry is None else entry.get(lang) or entry.get(DEFAULT_LANGUAGE, key)
    return text.format(**values) if values else text


def kind_label(kind: str, lang: str) -> str:
    entry = KIND_LABELS.get(kind)
    return entry.get(lang, entry["en"]) if entry else kind


def relation_label(local_name: str, lang: str) -> str:
    entry = RELATION_LABELS.get(local_name)
    return entry.get(lang, entry["en"]) if entry else local_name
