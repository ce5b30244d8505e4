"""Which curated organisation is this? One answer for every source.

Every ingester that meets an organisation (ROR, CORDIS, KBO, Wikidata) asks :class:`Identity` for
the curated key (``ku_leuven``) so that all sources describe the same IRI. The rules, in order:

1. ROR id (``https://ror.org/05f950310`` or ``05f950310``);
2. Wikidata QID (``Q833670`` or ``http://www.wikidata.org/entity/Q833670``);
3. normalised name, exact, against each curated ``name`` and ``alt_names`` entry.

A rule only answers when it is unambiguous. A QID or name match is also refused when the caller's
ROR id (or QID) contradicts the one curated for the candidate: two records with different ROR ids
are two organisations, however alike their names. Names are never shortened beyond the
normalisation below, so "3D Systems (Leuven site)" stays apart from the group "3D Systems".
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ecograph.ingest.readers.common import not_utf8
from ecograph.model import names

ROR_PREFIX = "https://ror.org/"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"

# ROR ids: a leading 0, six characters of Crockford base32 (no i, l, o, u) and a 2-digit checksum.
_ROR_SHORT = re.compile(r"0[0-9a-hjkmnp-tv-z]{6}[0-9]{2}")
_QID_ANY = re.compile(
    r"^(?:(?:https?://)?(?:www\.)?wikidata\.org/(?:entity|wiki)/|wd:)?(Q[1-9][0-9]*)$",
    re.IGNORECASE,
)

# Legal-form tokens dropped at the start or end of a name (after punctuation is removed).
LEGAL_FORMS = frozenset(
    {
        "nv", "sa", "bv", "bvba", "sprl", "srl", "cvba", "scrl", "cv", "vof", "vzw", "asbl",
        "ivzw", "aisbl", "ebvba", "ltd", "limited", "gmbh", "ag", "plc", "llc",
    }
)  # not "inc": "Leuven Inc." is a network whose name would shrink to the city's
# A trailing "(Belgium)" is ROR's way of naming the Belgian entity of a company; it adds nothing.
_COUNTRY_QUALIFIER = re.compile(r"\(\s*(?:belgium|belgie|belgique|belgien)\s*\)\s*$")
_DOTTED_ABBREVIATION = re.compile(r"\b(?:[a-z]\.){2,}(?![a-z])|\b(?:[a-z]\.)+[a-z]\b")


def normalise_ror(value: str | None) -> str | None:
    """Short ROR id (``05f950310``) from a short id or any ror.org URL; None if it is not one."""
    return names.ror_id(value) if value else None


def normalise_qid(value: str | None) -> str | None:
    """``Q123`` from ``Q123``, ``q123``, ``wd:Q123`` or a Wikidata entity/page URL; else None."""
    if not value:
        return None
    match = _QID_ANY.match(value.strip())
    return match.group(1).upper() if match else None


def normalise_name(name: str) -> str:
    """The form two names must share to be the same name.

    Casefolded, accents removed, ``&`` read as "and", dotted abbreviations joined (``N.V.`` →
    ``nv``), other punctuation made a space, a trailing "(Belgium)" and leading/trailing legal
    forms (NV, BV, VZW, SA, Ltd, …) dropped. Other parenthesised parts are kept: they often name a
    site ("Bosch (Tienen site)"), which is not the same organisation as the group.
    """
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _COUNTRY_QUALIFIER.sub(" ", text)
    text = text.replace("&", " and ")
    text = _DOTTED_ABBREVIATION.sub(lambda m: m.group(0).replace(".", ""), text)
    tokens = re.sub(r"[\W_]+", " ", text).split()
    while len(tokens) > 1 and tokens[-1] in LEGAL_FORMS:
        tokens.pop()
    while len(tokens) > 1 and tokens[0] in LEGAL_FORMS:
        tokens.pop(0)
    return " ".join(tokens)


def split_list(value: str) -> list[str]:
    """The items of a semicolon-separated curated cell, stripped, without empties."""
    return [item.strip() for item in value.split(";") if item.strip()]


@dataclass(frozen=True)
class Evidence:
    """Why a record was given a curated key: the rule and the value that matched."""

    key: str
    rule: str  # "ror" | "wikidata" | "name"
    value: str  # the short ROR id, the QID or the normalised name

    def describe(self) -> str:
        return f"{self.rule}:{self.value}"


@dataclass(frozen=True)
class _Entry:
    key: str
    ror: str | None
    qid: str | None


class Identity:
    """Curated keys by ROR id, Wikidata QID and normalised name (see the module docstring)."""

    def __init__(self, rows: Iterable[Mapping[str, str]]) -> None:
        self._entries: dict[str, _Entry] = {}
        by_ror: dict[str, set[str]] = {}
        by_qid: dict[str, set[str]] = {}
        by_name: dict[str, set[str]] = {}
        for row in rows:
            key = (row.get("id") or "").strip()
            if not key:
                continue
            ror = normalise_ror(row.get("ror_id"))
            qid = normalise_qid(row.get("wikidata_qid"))
            self._entries[key] = _Entry(key, ror, qid)
            if ror:
                by_ror.setdefault(ror, set()).add(key)
            if qid:
                by_qid.setdefault(qid, set()).add(key)
            for name in [row.get("name") or "", *split_list(row.get("alt_names") or "")]:
                norm = normalise_name(name)
                if norm:
                    by_name.setdefault(norm, set()).add(key)
        # Ambiguous values are kept (mapped to None) so that a lookup can say "ambiguous".
        self._by_ror = {k: _single(v) for k, v in by_ror.items()}
        self._by_qid = {k: _single(v) for k, v in by_qid.items()}
        self._by_name = {k: _single(v) for k, v in by_name.items()}

    @classmethod
    def from_csv(cls, path: Path | str) -> Identity:
        """Read ``organisations.csv`` of the curated data."""
        try:
            with open(path, newline="", encoding="utf-8-sig") as handle:
                return cls(csv.DictReader(handle))
        except UnicodeDecodeError as exc:
            raise not_utf8(path, exc) from None

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def ambiguous_names(self) -> list[str]:
        """Normalised names shared by more than one curated organisation (never matched)."""
        return sorted(name for name, key in self._by_name.items() if key is None)

    def key_for(
        self, ror: str | None = None, wikidata: str | None = None, names: Iterable[str] = ()
    ) -> str | None:
        """The curated key of the organisation, or None when it is not curated (or unclear)."""
        evidence = self.match_evidence(ror=ror, wikidata=wikidata, names=names)
        return evidence.key if evidence else None

    def match_evidence(
        self, ror: str | None = None, wikidata: str | None = None, names: Iterable[str] = ()
    ) -> Evidence | None:
        """The first rule that gives one curated key, with the value it matched on."""
        short_ror = normalise_ror(ror)
        qid = normalise_qid(wikidata)
        if short_ror and (key := self._by_ror.get(short_ror)):
            return Evidence(key, "ror", short_ror)
        if qid and (key := self._by_qid.get(qid)) and self._consistent(key, short_ror, None):
            return Evidence(key, "wikidata", qid)
        found: dict[str, str] = {}
        for name in names:
            norm = normalise_name(name) if name else ""
            if not norm or norm not in self._by_name:
                continue
            key = self._by_name[norm]
            if key is None:
                return None  # the name itself is ambiguous: refuse rather than guess
            found.setdefault(key, norm)
        if len(found) != 1:
            return None
        ((key, norm),) = found.items()
        if not self._consistent(key, short_ror, qid):
            return None
        return Evidence(key, "name", norm)

    def _consistent(self, key: str, ror: str | None, qid: str | None) -> bool:
        """False when the caller's identifiers contradict those curated for ``key``."""
        entry = self._entries[key]
        ror_conflict = bool(ror and entry.ror and entry.ror != ror)
        qid_conflict = bool(qid and entry.qid and entry.qid != qid)
        return not (ror_conflict or qid_conflict)


def _single(keys: set[str]) -> str | None:
    return next(iter(keys)) if len(keys) == 1 else None
