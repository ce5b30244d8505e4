"""Normalising organisation names and identifiers for matching: pure functions, no state.

Two names are "the same normalised name" when :func:`normalise` gives the same text: case,
accents, punctuation, ``&``/``and`` and a trailing or leading legal form (``NV``, ``BV``, ``VZW``,
``GmbH``, …) do not count. Identifiers have one canonical spelling each: a ROR id is its 9
characters (``05f950310``), a Wikidata item its ``Q`` number, a KBO enterprise number
``0123.456.789``, a website its host without ``www.``. The reconciliation service uses these;
the ingesters' identity rules may later too.
"""

from __future__ import annotations

import re
import unicodedata

#: Letters that Unicode does not decompose into a base letter and a mark.
_LETTERS = str.maketrans({"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ł": "l", "Ł": "l",
                          "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "ı": "i", "²": "2", "³": "3"})
_APOSTROPHES = re.compile(r"['’‘`´]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")

#: Legal forms dropped at either end of a name (Belgian, Dutch, French, German and English ones).
LEGAL_FORMS = frozenset((
    "nv", "sa", "bv", "bvba", "sprl", "srl", "vzw", "asbl", "ivzw", "aisbl", "cv", "cvba", "scrl", "scs", "comm", "v",
    "ebvba", "ltd", "limited", "inc", "incorporated", "corp", "corporation", "llc", "plc", "gmbh", "ag", "kg", "se",
    "spa", "sas", "sarl", "oy", "ab",
))


def fold(text: str) -> str:
    """Lower case without accents, ``&`` as ``and``, apostrophes dropped, other punctuation as spaces."""
    text = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _APOSTROPHES.sub("", text.replace("&", " and "))
    return " ".join(_NOT_WORD.sub(" ", text).split())


def normalise(text: str) -> str:
    """:func:`fold`, without a legal form at the start or the end (a name is never left empty)."""
    words = fold(text).split()
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    while len(words) > 1 and words[0] in LEGAL_FORMS:
        words.pop(0)
    return " ".join(words)


def compact(text: str) -> str:
    """:func:`normalise` without spaces: ``K.U. Leuven`` and ``KU Leuven`` are both ``kuleuven``."""
    return normalise(text).replace(" ", "")


def trigrams(normalised: str) -> set[str]:
    """The character trigrams of a normalised name, padded so that short names and word starts count."""
    padded = f"  {normalised} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


_ROR = re.compile(r"(?:https?://)?(?:www\.)?(?:ror\.org/)?(0[a-hj-km-np-tv-z0-9]{6}[0-9]{2})/?")
_QID = re.compile(r"(?:https?://(?:www\.|m\.)?wikidata\.org/(?:entity|wiki)/)?(q[1-9][0-9]*)/?")
_KBO = re.compile(r"(?:be)?[0-9][0-9. ]{7,12}[0-9]")
_HOST = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:www\.)?([^/?#:]+)")


def ror_id(text: str) -> str | None:
    """The 9-character ROR id in ``https://ror.org/05f950310``, ``ror.org/05f950310`` or ``05f950310``."""
    found = _ROR.fullmatch(text.strip().lower())
    return found.group(1) if found else None


def wikidata_qid(text: str) -> str | None:
    """``Q833670`` from ``Q833670``, ``q833670`` or a Wikidata entity or page URL."""
    found = _QID.fullmatch(text.strip().lower())
    return found.group(1).upper() if found else None


def kbo_number(text: str) -> str | None:
    """An enterprise number as ``0123.456.789`` from ``0123456789``, ``BE 0123.456.789`` or ``123456789``."""
    candidate = text.strip().lower().replace(" ", "")
    if not _KBO.fullmatch(candidate):
        return None
    digits = re.sub(r"[^0-9]", "", candidate)
    if len(digits) == 9 and digits[0] != "0":  # written without its leading zero
        digits = "0" + digits
    if len(digits) != 10 or digits[0] not in "01":
        return None
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def website_host(text: str) -> str | None:
    """The host of a website address, lower case and without ``www.``: ``kuleuven.be``."""
    found = _HOST.match(text.strip().lower())
    host = found.group(1).strip(".") if found else ""
    return host if "." in host and " " not in host else None
