"""Belgian municipalities by name: the one rule that turns a place name into a REFNIS 2025 code.

Used by ``python -m ecograph.ingest.curated_check`` (it proposes and validates the codes of the curated
data) and by the curated ingester (a name that still has no code), so both decide alike.

A name matches a municipality when it equals the Dutch, French or German name of a *current*
REFNIS 2025 municipality, ignoring case and accents (``liege`` is ``Liège``, ``BRUSSEL`` is
``Brussel``) and runs of white space; nothing looser: no English exonyms (``Ghent``), no former
municipalities (deelgemeenten such as ``Heverlee``), no parts of bilingual forms. A name that two
current municipalities share (``Saint-Nicolas``: Sint-Niklaas and Saint-Nicolas near Liège) is
ambiguous, a name only an ended municipality bore (``Moerbeke``) is not current, any other name is
unknown: each is a :class:`PlaceError` with the reason, never a guess.

The index is built from either form of REFNIS 2025: the CSV extract ``refnis2025_all.csv``
(columns ``nis_code``, ``level_name``, ``name_nl``, ``name_fr``, ``name_de``, ``valid_to``) or the
N-Triples the build downloads (``belgif-refnis/refnis2025.nt``).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ecograph.ingest.readers.refnis import Refnis, load_refnis

_OPEN_END = "9999-12-31"
_LANGUAGES = ("nl", "fr", "de")


class PlaceError(ValueError):
    """A place name that does not name exactly one current municipality; the message says why."""


class UnknownPlace(PlaceError):
    """A name no Belgian municipality (current or ended) bears: perhaps a place abroad."""


def place_key(name: str) -> str:
    """``name`` compared without case, accents and repeated white space (``’`` read as ``'``)."""
    decomposed = unicodedata.normalize("NFKD", name.replace("\u2019", "'"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", plain.casefold()).strip()


@dataclass(frozen=True)
class Municipality:
    """One REFNIS 2025 municipality: its code, Dutch name, names in nl/fr/de, end date if ended."""

    code: str
    name_nl: str
    names: tuple[str, ...]
    ended: str = ""  # yyyy-mm-dd when the municipality no longer exists

    @property
    def current(self) -> bool:
        return not self.ended


class Municipalities:
    """The municipalities of Belgium (or of the part of it a file lists), by code and by name."""

    def __init__(self, units: Iterable[Municipality]) -> None:
        self._by_code: dict[str, Municipality] = {}
        self._current: dict[str, list[str]] = {}
        self._ended: dict[str, list[str]] = {}
        for unit in units:
            self._by_code[unit.code] = unit
            index = self._current if unit.current else self._ended
            for name in unit.names:
                codes = index.setdefault(place_key(name), [])
                if unit.code not in codes:
                    codes.append(unit.code)

    @classmethod
    def from_csv(cls, path: Path) -> Municipalities:
        """From a REFNIS CSV extract (``refnis2025_all.csv``); OSError/KeyError if missing or wrong."""
        units: list[Municipality] = []
        with open(path, newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                if row["level_name"] != "municipality":
                    continue
                names = tuple(dict.fromkeys(n for n in (row[f"name_{lang}"] for lang in _LANGUAGES) if n))
                end = row["valid_to"][:10]
                units.append(Municipality(row["nis_code"], row["name_nl"], names,
                                          "" if not end or end == _OPEN_END else end))
        return cls(units)

    @classmethod
    def from_nt(cls, path: Path) -> Municipalities:
        """From the REFNIS 2025 N-Triples (IngestError on a malformed file)."""
        return cls.from_refnis(load_refnis(path))

    @classmethod
    def from_refnis(cls, refnis: Refnis) -> Municipalities:
        """From the REFNIS tree read by :func:`ecograph.ingest.readers.refnis.load_refnis`."""
        units: list[Municipality] = []
        for code, unit in sorted(refnis.units.items()):
            if unit.level != "municipality":
                continue
            by_lang = {lang: value for value, lang in unit.labels if lang in _LANGUAGES and value.strip()}
            names = tuple(dict.fromkeys(by_lang[lang] for lang in _LANGUAGES if lang in by_lang))
            units.append(Municipality(code, by_lang.get("nl", ""), names,
                                      "" if unit.current else unit.end[:10]))
        return cls(units)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> Municipality | None:
        return self._by_code.get(code)

    def resolve(self, name: str) -> Municipality:
        """The one current municipality named ``name``; :class:`PlaceError` otherwise."""
        key = place_key(name)
        codes = self._current.get(key, [])
        if len(codes) == 1:
            return self._by_code[codes[0]]
        if codes:
            found = ", ".join(f"{c} {self._by_code[c].name_nl}" for c in sorted(codes))
            raise PlaceError(f"{name!r} is ambiguous: it names the REFNIS municipalities {found}")
        ended = self._ended.get(key)
        if ended:
            unit = self._by_code[ended[0]]
            raise PlaceError(f"{name!r} is REFNIS municipality {unit.code}, which ended on {unit.ended}")
        raise UnknownPlace(f"{name!r} is not the Dutch, French or German name of a Belgian municipality "
                           "(REFNIS 2025)")

    def names_code(self, name: str, code: str) -> bool:
        """Whether ``name`` is one of the names of municipality ``code``."""
        unit = self._by_code.get(code)
        return unit is not None and place_key(name) in {place_key(n) for n in unit.names}
