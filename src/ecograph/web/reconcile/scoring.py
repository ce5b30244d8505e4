"""One reconciliation query against the index: candidates, scores (0–100) and when a match is certain.

* Candidates come from the identifiers (ROR, Wikidata, KBO in the properties or as the query
  text itself), the exact normalised name or alias, and the names that share the most
  character trigrams with the query (typos, missing words, another word order).
* The name score is the best of a character similarity (``difflib``) and a word-by-word one
  (each query word against its closest word of the name, both ways), so ``Katholike
  Universitet Leuven`` still finds ``Katholieke Universiteit Leuven``.
* Properties then agree (+5 each) or contradict (−20 each; an identifier −30): a municipality
  other than the organisation's, another website, another ROR id…; a missing value says nothing.
* A type filters the candidates; with ``type_strict: "should"`` (what OpenRefine sends) the
  organisations of other types follow those of the type, 20 points lower and never certain.
* ``match`` is true only when certain: an identifier that one organisation has and no other
  property contradicts; or else a normalised name or alias that exactly one organisation (of the
  asked type) has without a contradicting property (so a municipality can tell two namesakes apart).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from ecograph.model import names
from ecograph.web.reconcile.index import Entity, Index

#: How many names the trigram index hands to the finer comparison, per query.
SHORTLIST = 24
DEFAULT_LIMIT = 5
MAX_LIMIT = 50

#: Query property ids (and the other spellings accepted for them) → the canonical id.
QUERY_PROPERTIES = {
    "municipality": "municipality", "place": "municipality", "nis": "municipality", "locatedIn": "municipality",
    "eco:locatedIn": "municipality",
    "website": "website", "url": "website", "schema:url": "website", "homepage": "website",
    "ror": "ror", "eco:ror": "ror",
    "kbo": "kbo", "kboNumber": "kbo", "eco:kboNumber": "kbo", "enterprise": "kbo",
    "wikidata": "wikidata", "qid": "wikidata", "eco:wikidata": "wikidata",
}
IDENTIFIERS: dict[str, tuple[Callable[[str], str | None], str]] = {
    "ror": (names.ror_id, "by_ror"),
    "wikidata": (names.wikidata_qid, "by_wikidata"),
    "kbo": (names.kbo_number, "by_kbo"),
}


class BadQuery(ValueError):
    """A query that cannot be read (the message says why)."""


@dataclass
class Query:
    text: str
    types: list[str]
    strict: str  # "any"/"all": only these types; "should": prefer them
    properties: dict[str, list[str]]
    limit: int


@dataclass
class Candidate:
    entity: Entity
    similarity: float = 0.0  # 0–1, of the name
    exact: bool = False
    identified: bool = False
    in_type: bool = True  # of an asked type (with type_strict "should" the others stay, after these)
    agree: int = 0
    contradict: int = 0

    @property
    def score(self) -> float:
        base = 100.0 if self.identified or self.exact else 100.0 * self.similarity
        return round(max(0.0, min(100.0, base + 5 * self.agree - self.contradict)), 1)


def _strings(value: Any) -> list[str]:
    """A property value as OpenRefine sends it: a string, a number, ``{"id": …}``, or a list of those."""
    values = value if isinstance(value, list) else [value]
    out = []
    for item in values:
        if isinstance(item, dict):
            item = item.get("id") or item.get("name") or ""
        if isinstance(item, (str, int, float)) and not isinstance(item, bool) and str(item).strip():
            out.append(str(item).strip())
    return out


def parse_query(raw: Any) -> Query:
    """Read one query of a batch (``{"query": …, "type": …, "properties": [{"pid", "v"}], "limit": …}``)."""
    if isinstance(raw, str):
        raw = {"query": raw}
    if not isinstance(raw, dict):
        raise BadQuery("each query is a JSON object")
    text = raw.get("query", "")
    if not isinstance(text, (str, int, float)):
        raise BadQuery("'query' is a string")
    types = _strings(raw.get("type") or [])
    strict = str(raw.get("type_strict") or "any")
    properties: dict[str, list[str]] = {}
    for prop in raw.get("properties") or []:
        if not isinstance(prop, dict):
            raise BadQuery("each property is an object with 'pid' and 'v'")
        pid = QUERY_PROPERTIES.get(str(prop.get("pid") or prop.get("p") or ""))
        if pid:
            properties.setdefault(pid, []).extend(_strings(prop.get("v")))
    try:
        limit = int(raw.get("limit") or DEFAULT_LIMIT)
    except (TypeError, ValueError):
        raise BadQuery("'limit' is a number") from None
    return Query(str(text).strip(), types, strict, properties, max(1, min(limit, MAX_LIMIT)))


def name_similarity(query: str, label: str) -> float:
    """0–1: the best of the character similarity and the word-by-word one of two normalised names."""
    if query == label:
        return 1.0
    chars = SequenceMatcher(None, query, label, autojunk=False).ratio()
    qwords, lwords = query.split(), label.split()
    if not qwords or not lwords:
        return chars
    pairs = [[word_similarity(q, w) for w in lwords] for q in qwords]
    forth = _weighted(qwords, [max(row) for row in pairs])
    back = _weighted(lwords, [max(column) for column in zip(*pairs, strict=True)])
    return max(chars, (forth + back) / 2)


@lru_cache(maxsize=1 << 16)
def word_similarity(a: str, b: str) -> float:
    """``difflib``'s ratio of two words; 0 for words whose lengths alone keep it under one half."""
    if a == b:
        return 1.0
    if 2 * min(len(a), len(b)) < (len(a) + len(b)) / 2:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _weighted(words: list[str], scores: list[float]) -> float:
    """The mean of ``scores``, each weighted by the length of its word."""
    return sum(s * len(w) for w, s in zip(words, scores, strict=True)) / sum(len(w) for w in words)


def _shortlist(index: Index, norm: str) -> list[int]:
    """The positions of the labels sharing the most trigrams with ``norm`` (Dice coefficient)."""
    grams = names.trigrams(norm)
    counts: Counter[int] = Counter()
    for gram in grams:
        counts.update(index.grams.get(gram, ()))
    scored = sorted(((2 * n / (len(grams) + index.gram_counts[pos]), pos)
                     for pos, n in counts.most_common(SHORTLIST * 4)), reverse=True)
    return [pos for dice, pos in scored[:SHORTLIST] if dice >= 0.2]


def _identified(index: Index, query: Query) -> set[str]:
    found: set[str] = set()
    for pid, (canonical, lookup) in IDENTIFIERS.items():
        values = [canonical(v) for v in query.properties.get(pid, [])] + [canonical(query.text)]
        for value in filter(None, values):
            found |= getattr(index, lookup).get(value, set())
    return found


def _wanted(index: Index, query: Query) -> set[str] | None:
    """The local names of the asked types (None: no type asked); raises for a type the service does not know."""
    if not query.types:
        return None
    wanted = set()
    for text in query.types:
        iri = index.type_iri(text)
        if iri is None:
            raise BadQuery(f"unknown type {text!r}: see defaultTypes in the service manifest")
        wanted.add(iri.rsplit("#", 1)[-1])
    return wanted


def candidates(index: Index, query: Query) -> list[Candidate]:
    """Every candidate of one query of the asked type, best first."""
    norm = names.normalise(query.text)
    found: dict[str, Candidate] = {}
    for key in _identified(index, query):
        found[key] = Candidate(index.entities[key], identified=True)
    exact = index.by_name.get(norm, set()) | index.by_name.get(norm.replace(" ", ""), set()) if norm else set()
    for key in exact:
        found.setdefault(key, Candidate(index.entities[key])).exact = True
    if norm:
        for pos in _shortlist(index, norm):
            key, label, is_name = index.labels[pos]
            candidate = found.setdefault(key, Candidate(index.entities[key]))
            candidate.similarity = max(candidate.similarity, name_similarity(norm, label) * (1 if is_name else 0.98))
    for candidate in found.values():
        if candidate.exact:
            candidate.similarity = 1.0
    wanted = _wanted(index, query)
    ranked = []
    for candidate in found.values():
        candidate.in_type = wanted is None or bool(wanted & candidate.entity.kinds)
        if not candidate.in_type and query.strict != "should":
            continue
        _weigh(index, query, candidate)
        if not candidate.in_type:
            candidate.contradict += 20
        ranked.append(candidate)
    ranked.sort(key=lambda c: (not c.in_type, -c.score, not c.identified, not c.exact, c.entity.name, c.entity.key))
    return ranked


def is_match(ranked: list[Candidate]) -> str | None:
    """The key of the certain match among ``ranked`` (the type-filtered candidates), if there is one."""
    identified = [c for c in ranked if c.identified]
    if identified:
        return identified[0].entity.key if len(identified) == 1 and not identified[0].contradict else None
    exact = [c for c in ranked if c.exact and not c.contradict]
    return exact[0].entity.key if len(exact) == 1 else None


def _weigh(index: Index, query: Query, candidate: Candidate) -> None:
    """Count the properties that agree with the candidate and those that contradict it."""
    entity = candidate.entity
    for pid, values in query.properties.items():
        if not values:
            continue
        if pid == "municipality":
            places = {iri for v in values for key in (names.fold(v), v) for iri in index.places.get(key, ())}
            verdict = None if entity.municipality is None or not places else entity.municipality in places
            _count(candidate, verdict, 20)
        elif pid == "website":
            hosts = {h for h in map(names.website_host, values) if h}
            _count(candidate, None if not entity.hosts or not hosts else bool(hosts & entity.hosts), 10)
        else:
            canonical, _ = IDENTIFIERS[pid]
            given = {c for c in map(canonical, values) if c}
            held: set[str] = getattr(entity, pid)
            _count(candidate, None if not held or not given else bool(given & held), 30)


def _count(candidate: Candidate, verdict: bool | None, penalty: int) -> None:
    if verdict is True:
        candidate.agree += 1
    elif verdict is False:
        candidate.contradict += penalty


def reconcile_batch(index: Index, queries: dict[str, Any], describe: Callable[[Entity], dict[str, Any]]
                    ) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """The answer to a ``queries`` batch: per query id, ``{"result": [candidates]}``."""
    out = {}
    for qid, raw in queries.items():
        query = parse_query(raw)
        ranked = candidates(index, query)
        certain = is_match(ranked)
        out[str(qid)] = {"result": [{**describe(c.entity), "score": c.score, "match": c.entity.key == certain}
                                    for c in ranked[:query.limit]]}
    return out
