"""The ROR dump (one JSON array of records, schema v2 or v1), streamed, as one neutral record shape.

The array is read as a stream: records are decoded one at a time with
:meth:`json.JSONDecoder.raw_decode` over a buffer that is refilled in chunks, so a dump never sits
in memory as one Python object (only the records, see :class:`ecograph.ingest.lookups.Lookups`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ecograph.ingest.readers.common import IngestError, not_utf8

ROR_ID = re.compile(r"^https://ror\.org/(0[a-hj-km-np-tv-z0-9]{6}[0-9]{2})$")
_QID = re.compile(r"^Q[1-9][0-9]*$")
_DELIMITER = re.compile(r"[\s,\]]")
_CHUNK = 1 << 20  # characters read per refill of the stream buffer


# ----------------------------------------------------------------------------------------------
# streaming a JSON array


def iter_json_array(path: Path, chunk_size: int = _CHUNK) -> Iterator[tuple[int, Any]]:
    """(index, value) for each element of the top-level JSON array of ``path``, read incrementally.

    Malformed JSON raises IngestError naming the 0-based index of the element (``[12]``).
    """
    decoder = json.JSONDecoder()
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise IngestError(path, None, f"cannot open: {exc.strerror}") from None
    with handle:
        buf = ""
        pos = 0
        eof = False

        def fill() -> bool:
            """Append a chunk; False at end of file. Drops the consumed part of the buffer."""
            nonlocal buf, pos, eof
            if eof:
                return False
            try:
                chunk = handle.read(chunk_size)
            except UnicodeDecodeError as exc:
                raise not_utf8(path, exc) from None
            buf, pos = buf[pos:] + chunk, 0
            if not chunk:
                eof = True
            return bool(chunk)

        def skip_ws() -> bool:
            """Move past whitespace; False when the input is exhausted."""
            nonlocal pos
            while True:
                while pos < len(buf) and buf[pos] in " \t\r\n":
                    pos += 1
                if pos < len(buf):
                    return True
                if not fill():
                    return False

        if not skip_ws() or buf[pos] != "[":
            raise IngestError(path, None, "expected a JSON array")
        pos += 1
        index = 0
        while True:
            if not skip_ws():
                raise IngestError(path, f"[{index}]", "unexpected end of file inside the array")
            if buf[pos] == "]" and index == 0:
                pos += 1
                break
            while True:
                try:
                    value, end = decoder.raw_decode(buf, pos)
                except json.JSONDecodeError as exc:
                    if fill():
                        continue  # the element may run past the buffer: read on and retry
                    raise IngestError(path, f"[{index}]", f"invalid JSON: {exc.msg}") from None
                # a number cut by the buffer's edge ("-0." of "-0.5") decodes too early: a scalar
                # counts only once a delimiter follows it
                if not isinstance(value, (dict, list, str)) and not _DELIMITER.search(buf, end) and fill():
                    continue
                break
            pos = end
            yield index, value
            index += 1
            if not skip_ws():
                raise IngestError(path, f"[{index}]", "unexpected end of file: the array is not closed")
            if buf[pos] == ",":
                pos += 1
            elif buf[pos] == "]":
                pos += 1
                break
            else:
                raise IngestError(path, f"[{index}]", f"expected ',' or ']' after an element, not {buf[pos]!r}")
        if skip_ws():
            raise IngestError(path, None, "unexpected content after the JSON array")


# ----------------------------------------------------------------------------------------------
# records in either schema, as one neutral shape


class RorRecord:
    """The fields we use, read from a v1 or v2 record; structural errors raise IngestError."""

    def __init__(self, path: Path, index: int, raw: Any, schema: int) -> None:
        self.path = path
        if not isinstance(raw, dict):
            raise IngestError(path, f"[{index}]", "record is not a JSON object")
        rid = raw.get("id")
        if not isinstance(rid, str) or not rid:
            raise IngestError(path, f"[{index}]", "record has no id")
        m = ROR_ID.match(rid)
        if not m:
            raise IngestError(path, rid, f"not a ROR id: {rid!r}")
        self.where = rid
        self.ror = rid
        self.short = m.group(1)
        self.status = self._str(raw.get("status"), "status").lower()
        self.types = [t.lower() for t in self._str_list(raw.get("types"), "types")]
        self.established = raw.get("established")
        if self.established is not None and (not isinstance(self.established, int)
                                             or isinstance(self.established, bool)):
            raise IngestError(path, rid, f"established is not a year: {self.established!r}")
        self.display = ""
        self.names: list[tuple[str, str | None]] = []  # alternate names (value, lang)
        self.websites: list[str] = []
        self.wikidata: list[str] = []
        self.city = ""
        self.lat: Any = None
        self.lng: Any = None
        self.relationships: list[tuple[str, str, str]] = []  # (type, ror id, label)
        if schema == 2:
            self._v2(raw)
        else:
            self._v1(raw)
        if not self.display:
            raise IngestError(path, rid, "record has no name")
        for qid in self.wikidata:
            if not _QID.match(qid):
                raise IngestError(path, rid, f"not a Wikidata QID: {qid!r}")

    # -- helpers
    def _str(self, value: Any, what: str) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise IngestError(self.path, self.where, f"{what} is not a string")
        return value.strip()

    def _list(self, value: Any, what: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise IngestError(self.path, self.where, f"{what} is not a list")
        return value

    def _str_list(self, value: Any, what: str) -> list[str]:
        return [s for s in (self._str(v, what) for v in self._list(value, what)) if s]

    def _dict(self, value: Any, what: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise IngestError(self.path, self.where, f"{what} is not an object")
        return value

    def _relationship(self, rel: Any, type_key: str) -> None:
        rel = self._dict(rel, "relationship")
        rtype = self._str(rel.get(type_key), "relationship type").lower()
        target = self._str(rel.get("id"), "relationship id")
        if not ROR_ID.match(target):
            raise IngestError(self.path, self.where, f"relationship to a bad ROR id: {target!r}")
        self.relationships.append((rtype, target, self._str(rel.get("label"), "relationship label")))

    # -- schema v2
    def _v2(self, raw: dict[str, Any]) -> None:
        first_label = ""
        for item in self._list(raw.get("names"), "names"):
            item = self._dict(item, "name")
            value = self._str(item.get("value"), "name value")
            lang = self._str(item.get("lang"), "name lang") or None
            kinds = self._str_list(item.get("types"), "name types")
            if not value:
                continue
            if "ror_display" in kinds and not self.display:
                self.display = value
                continue
            if "label" in kinds and not first_label:
                first_label = value
            self.names.append((value, lang))
        if not self.display and first_label:
            self.display = first_label
        for link in self._list(raw.get("links"), "links"):
            link = self._dict(link, "link")
            if self._str(link.get("type"), "link type") == "website":
                self.websites.append(self._str(link.get("value"), "link value"))
        for ext in self._list(raw.get("external_ids"), "external_ids"):
            ext = self._dict(ext, "external id")
            if self._str(ext.get("type"), "external id type").lower() == "wikidata":
                preferred = ext.get("preferred")
                if isinstance(preferred, str) and preferred:
                    self.wikidata.append(preferred)
                self.wikidata.extend(self._str_list(ext.get("all"), "wikidata ids"))
        locations = self._list(raw.get("locations"), "locations")
        if locations:
            location = self._dict(locations[0], "location")
            details = self._dict(location.get("geonames_details"), "geonames_details")
            self.city = self._str(details.get("name"), "city name")
            self.lat, self.lng = details.get("lat"), details.get("lng")
        for rel in self._list(raw.get("relationships"), "relationships"):
            self._relationship(rel, "type")

    # -- schema v1
    def _v1(self, raw: dict[str, Any]) -> None:
        self.display = self._str(raw.get("name"), "name")
        for label in self._list(raw.get("labels"), "labels"):
            label = self._dict(label, "label")
            value = self._str(label.get("label"), "label")
            if value:
                self.names.append((value, self._str(label.get("iso639"), "label language") or None))
        others = self._str_list(raw.get("aliases"), "aliases") + self._str_list(raw.get("acronyms"), "acronyms")
        for value in others:
            self.names.append((value, None))
        self.websites = self._str_list(raw.get("links"), "links")
        ext = self._dict(raw.get("external_ids"), "external_ids")
        for key, value in ext.items():
            if key.lower() == "wikidata":
                all_ids = self._dict(value, "Wikidata").get("all")
                self.wikidata.extend([all_ids.strip()] if isinstance(all_ids, str) else
                                     self._str_list(all_ids, "Wikidata ids"))
        addresses = self._list(raw.get("addresses"), "addresses")
        if addresses:
            address = self._dict(addresses[0], "address")
            city = self._dict(address.get("geonames_city"), "geonames_city")
            self.city = self._str(city.get("city"), "city") or self._str(address.get("city"), "city")
            self.lat, self.lng = address.get("lat"), address.get("lng")
        for rel in self._list(raw.get("relationships"), "relationships"):
            self._relationship(rel, "type")


def organisation_key(identity: Any, ror: str, short: str, wikidata: str | None, names: list[str]) -> str:
    """The key of a ROR organisation: the curated one when the identity matcher knows it, else ``ror-<short id>``."""
    found = identity.key_for(ror=ror, wikidata=wikidata, names=names) if identity is not None else None
    return found or f"ror-{short}"


def record_key(identity: Any, rec: RorRecord) -> str:
    """:func:`organisation_key` of a record, matched by its ROR id, first Wikidata id and every name."""
    return organisation_key(identity, rec.ror, rec.short, rec.wikidata[0] if rec.wikidata else None,
                            [rec.display] + [n for n, _ in rec.names])
