"""The terminals of the SPARQL 1.1 grammar (https://www.w3.org/TR/sparql11-query/#sparqlGrammar).

Every token is recognised by the grammar's own definition of its terminal (§19.8), with the
grammar's white space (space, tab, CR, LF) and comments, after the codepoint escapes of §19.2
(``\\uXXXX`` / ``\\UXXXXXXXX``, which may stand anywhere in a query) have been replaced. A text
that is not a sequence of terminals is refused with the position of the first character that
starts none: there is no catch-all token, so nothing is ever read "as punctuation" when the
grammar reads it otherwise.

The scan is one left-to-right pass of one compiled pattern: linear in the text, whatever it holds.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

#: §19.8 PN_CHARS_BASE
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"  # PN_CHARS_U
_CHARS = _U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"  # PN_CHARS
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_PN_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_VARNAME = f"[{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"
_ECHAR = r"\\[tbnrf\\\"']"
_EXPONENT = r"[eE][+-]?[0-9]+"
_WS = "[ \t\r\n]"

_TERMINALS = [
    ("ws", f"{_WS}+"),
    ("comment", r"\#[^\r\n]*"),
    ("IRIREF", r"<[^<>\"{}|^`\\\x00-\x20]*>"),
    ("PNAME_LN", f"(?:{_PN_PREFIX})?:{_PN_LOCAL}"),
    ("PNAME_NS", f"(?:{_PN_PREFIX})?:"),
    ("BLANK_NODE_LABEL", f"_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?"),
    ("VAR", f"[?$]{_VARNAME}"),
    ("LANGTAG", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
    ("DOUBLE", f"[+-]?(?:[0-9]+\\.[0-9]*{_EXPONENT}|\\.[0-9]+{_EXPONENT}|[0-9]+{_EXPONENT})"),
    ("DECIMAL", r"[+-]?[0-9]*\.[0-9]+"),
    ("INTEGER", r"[+-]?[0-9]+"),
    ("STRING_LONG1", f"'''(?:(?:'|'')?(?:[^'\\\\]|{_ECHAR}))*'''"),
    ("STRING_LONG2", f'"""(?:(?:"|"")?(?:[^"\\\\]|{_ECHAR}))*"""'),
    ("STRING1", f"'(?:[^'\\\\\\n\\r]|{_ECHAR})*'"),
    ("STRING2", f'"(?:[^"\\\\\\n\\r]|{_ECHAR})*"'),
    ("NIL", f"\\({_WS}*\\)"),
    ("ANON", f"\\[{_WS}*\\]"),
    ("WORD", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("OP", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,.=<>!+\-*/|^?]"),
]
_SCAN = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _TERMINALS))
# The terminals each ASCII character can start, so that a position tries only those (in the
# grammar's order of precedence); other characters try them all.
_STARTS = {
    "ws": " \t\r\n", "comment": "#", "IRIREF": "<", "BLANK_NODE_LABEL": "_", "VAR": "?$", "LANGTAG": "@",
    "PNAME_LN": ":" + string.ascii_letters, "PNAME_NS": ":" + string.ascii_letters,
    "DOUBLE": "+-." + string.digits, "DECIMAL": "+-." + string.digits, "INTEGER": "+-" + string.digits,
    "STRING_LONG1": "'", "STRING_LONG2": '"', "STRING1": "'", "STRING2": '"', "NIL": "(", "ANON": "[",
    "WORD": "_" + string.ascii_letters, "OP": "^&|!<>=\x7b\x7d()[];,.+-*/?",
}
_BY_CHAR = {
    chr(c): re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _TERMINALS
                                if chr(c) in _STARTS[name]) or "(?!)")
    for c in range(128)
}
#: Longest token list accepted: a megabyte of single-character tokens is refused after this many.
MAX_TOKENS = 200_000
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

#: The keywords of the grammar (matched without regard to case, except ``a``).
KEYWORDS = frozenset((
    "BASE", "PREFIX", "SELECT", "DISTINCT", "REDUCED", "AS", "CONSTRUCT", "WHERE", "DESCRIBE", "ASK", "FROM",
    "NAMED", "GROUP", "BY", "HAVING", "ORDER", "ASC", "DESC", "LIMIT", "OFFSET", "VALUES", "LOAD", "SILENT",
    "INTO", "CLEAR", "DROP", "CREATE", "ADD", "TO", "MOVE", "COPY", "INSERT", "DATA", "DELETE", "WITH",
    "USING", "DEFAULT", "GRAPH", "ALL", "OPTIONAL", "SERVICE", "BIND", "UNDEF", "MINUS", "UNION", "FILTER",
    "IN", "NOT", "EXISTS", "TRUE", "FALSE", "STR", "LANG", "LANGMATCHES", "DATATYPE", "BOUND", "IRI", "URI",
    "BNODE", "RAND", "ABS", "CEIL", "FLOOR", "ROUND", "CONCAT", "STRLEN", "UCASE", "LCASE", "ENCODE_FOR_URI",
    "CONTAINS", "STRSTARTS", "STRENDS", "STRBEFORE", "STRAFTER", "YEAR", "MONTH", "DAY", "HOURS", "MINUTES",
    "SECONDS", "TIMEZONE", "TZ", "NOW", "UUID", "STRUUID", "MD5", "SHA1", "SHA256", "SHA384", "SHA512",
    "COALESCE", "IF", "STRLANG", "STRDT", "SAMETERM", "ISIRI", "ISURI", "ISBLANK", "ISLITERAL", "ISNUMERIC",
    "REGEX", "SUBSTR", "REPLACE", "COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT", "SEPARATOR",
))

STRING_KINDS = frozenset({"STRING1", "STRING2", "STRING_LONG1", "STRING_LONG2"})
NUMBER_KINDS = frozenset({"INTEGER", "DECIMAL", "DOUBLE"})
_UNESCAPE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", "\\": "\\", '"': '"', "'": "'"}


class LexError(SyntaxError):
    """The text is not a sequence of SPARQL terminals; ``line`` and ``column`` say where."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{message} (line {line}, column {column})")
        self.line = line
        self.column = column


@dataclass(frozen=True, slots=True)
class Token:
    """One terminal: ``kind`` is its grammar name (keywords: ``KEYWORD`` with ``value`` upper-cased)."""

    kind: str
    text: str
    pos: int

    @property
    def value(self) -> str:
        return self.text.upper() if self.kind == "KEYWORD" else self.text


def unescape_codepoints(text: str) -> str:
    """§19.2: ``\\u``/``\\U`` escapes stand for their character anywhere in the query."""
    if "\\u" not in text and "\\U" not in text:
        return text

    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise LexError(f"\\u escape {match.group()} is not a character", *_where(text, match.start()))
        return chr(code)

    return _CODEPOINT.sub(char, text)


def _where(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def tokenize(text: str) -> list[Token]:
    """The significant terminals of an (already codepoint-unescaped) query text."""
    tokens: list[Token] = []
    pos, end = 0, len(text)
    by_char, scan = _BY_CHAR, _SCAN
    while pos < end:
        pattern = by_char.get(text[pos], scan)
        m = pattern.match(text, pos)
        if m is None:
            raise LexError(f"unexpected character {text[pos]!r}", *_where(text, pos))
        kind = m.lastgroup
        assert kind is not None
        if kind == "WORD":
            word = m.group()
            if word == "a":
                kind = "A"
            elif word.upper() in KEYWORDS:
                kind = "KEYWORD"
            else:
                raise LexError(f"unknown keyword {word!r}", *_where(text, pos))
        if kind not in ("ws", "comment"):
            tokens.append(Token(kind, m.group(), pos))
            if len(tokens) > MAX_TOKENS:
                raise LexError(f"more than {MAX_TOKENS} tokens", *_where(text, pos))
        pos = m.end()
    return tokens


def string_value(token: Token) -> str:
    """The characters a string terminal stands for (its escapes resolved)."""
    quote = 3 if token.kind in ("STRING_LONG1", "STRING_LONG2") else 1
    body = token.text[quote:-quote]
    if "\\" not in body:
        return body
    return re.sub(r"\\(.)", lambda m: _UNESCAPE[m.group(1)], body, flags=re.DOTALL)


def string_text(value: str) -> str:
    """A short string terminal for ``value``: only ``"``, ``\\``, CR and LF escaped."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def local_value(local: str) -> str:
    """The IRI characters of a prefixed name's local part (PN_LOCAL_ESC escapes removed)."""
    return re.sub(r"\\(.)", r"\1", local)
