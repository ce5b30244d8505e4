"""Hostile SPARQL requests derived from the SPARQL 1.1 grammar, and a loopback listener to catch leaks.

Each case is a query *template* with a hole for one graph pattern: filled with a ``SERVICE``
pattern it must be refused, filled with the same group without ``SERVICE`` it must run. The
templates spell the text around the hole in every way the grammar allows that a lexer could read
differently: each escape of a prefixed name's local part (PN_LOCAL_ESC) and of a string (ECHAR)
in the four string terminals, comments and each white-space character between tokens, codepoint
escapes (``\\u``, ``\\U``) of each letter of the keyword, glued punctuation, every graph-pattern
position a SERVICE may take and every kind of target.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass

PN_LOCAL_ESC = "_~.-!$&'()*+,;=/?#@%"  # SPARQL 1.1 grammar [173]
ECHAR = "tbnrf\"'\\"  # [160]
STRING_QUOTES = ("'", '"', "'''", '"""')  # [156]–[159]
WS = (" ", "\t", "\r", "\n")  # [162]


@dataclass(frozen=True)
class Case:
    name: str
    template: str  # "{block}" marks the hole; braces of the query are doubled

    def hostile(self, url: str) -> str:
        return self.template.format(block=f"SERVICE <{url}> {{ ?x ?y ?z }}", url=url)

    def benign(self, url: str) -> str:
        return self.template.format(block="{ ?x ?y ?z }", url=url)


@dataclass(frozen=True)
class Spelled:
    """A case whose SERVICE keyword or target itself is spelled oddly (no benign twin)."""

    name: str
    template: str  # "{url}" marks the listener

    def hostile(self, url: str) -> str:
        return self.template.format(url=url)


def cases() -> list[Case]:
    out = [
        Case("reported-dot-word", "SELECT * WHERE {{ VALUES ?v {{1}} .{block} }}"),
        Case("reported-pname-quote",
             "PREFIX ex: <http://e/> SELECT * WHERE {{ OPTIONAL {{ ?s ex:a\\' ?o }} {block} }} #'"),
        Case("reported-pname-hash",
             "PREFIX ex: <http://e/> SELECT * WHERE {{ OPTIONAL {{ ?s ex:a\\# ?o }} {block} }} #'"),
    ]
    for i, c in enumerate(PN_LOCAL_ESC):
        out.append(Case(f"pn-local-esc-{i}", "PREFIX ex: <http://e/> SELECT * WHERE {{ ?s ex:a\\" + c.replace("{", "{{")
                        + "41b ?o OPTIONAL {{ {block} }} }} #" + c))  # "41": "\\%41" is a valid IRI
    for q in STRING_QUOTES:
        for i, e in enumerate(ECHAR):
            lit = f"{q}a\\{e}b{q}".replace("{", "{{").replace("}", "}}")
            kind = "double" if q[0] == '"' else "single"
            out.append(Case(f"echar-{kind}{len(q)}-{i}",
                            f"SELECT * WHERE {{{{ BIND({lit} AS ?q) {{block}} }}}}"))
        if len(q) == 3:  # quotes inside a long string
            out.append(Case(f"long-string-quotes-{q[0]}", f"SELECT * WHERE {{{{ BIND({q}x{q[0]}{q[0]}y{q} AS ?q) "
                            "{block} }}"))
    out += [
        Case("iri-with-quote-and-hash", "SELECT * WHERE {{ ?s <http://e/a'b#c> ?o OPTIONAL {{ {block} }} }}"),
        Case("comment-with-quote", "SELECT * WHERE {{ # it's\n {block} }}"),
        Case("string-with-hash", "SELECT * WHERE {{ BIND('#' AS ?h) {block} }}"),
        Case("string-with-brace", "SELECT * WHERE {{ BIND('}}' AS ?h) {block} }}"),
        Case("lang-and-datatype", "SELECT * WHERE {{ BIND('a'@en-BE AS ?l) "
                                  "BIND('1'^^<http://www.w3.org/2001/XMLSchema#int> AS ?d) {block} }}"),
        Case("numbers-glued", "SELECT * WHERE {{ ?s ?p 1.{block} }}"),
        Case("after-filter", "SELECT * WHERE {{ FILTER(1+-1<2)\n{block} }}"),
        Case("optional", "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ {block} }} }}"),
        Case("union", "SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ {block} }} }}"),
        Case("minus", "SELECT * WHERE {{ ?s ?p ?o MINUS {{ {block} }} }}"),
        Case("graph", "SELECT * WHERE {{ GRAPH ?g {{ {block} }} }}"),
        Case("exists", "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ {block} }} }}"),
        Case("not-exists", "SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ {block} }} }}"),
        Case("bind-exists", "SELECT * WHERE {{ BIND(EXISTS {{ {block} }} AS ?e) }}"),
        Case("sub-select", "SELECT * WHERE {{ {{ SELECT * WHERE {{ {block} }} }} }}"),
        Case("having-exists", "SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} HAVING (EXISTS {{ {block} }})"),
        Case("ask", "ASK {{ {block} }}"),
        Case("construct", "CONSTRUCT {{ ?x ?y ?z }} WHERE {{ {block} }}"),
        Case("describe", "DESCRIBE ?x WHERE {{ {block} }}"),
        Case("glued-brace", "SELECT * WHERE {{{block}}}"),
        Case("values-after", "SELECT * WHERE {{ {block} }} VALUES ?x {{ UNDEF }}"),
    ]
    return out


def spelled() -> list[Spelled]:
    keyword = "SERVICE"
    out = [Spelled(f"case-{k}", f"SELECT * WHERE {{{{ {k} <{{url}}> {{{{ ?x ?y ?z }}}} }}}}")
           for k in ("service", "Service", "sErViCe")]
    for i, letter in enumerate(keyword):
        for style, esc in (("u", f"\\u{ord(letter):04X}"), ("U", f"\\U{ord(letter):08x}")):
            k = keyword[:i] + esc + keyword[i + 1:]
            out.append(Spelled(f"codepoint-{style}-{i}", f"SELECT * WHERE {{{{ {k} <{{url}}> {{{{ ?x ?y ?z }}}} }}}}"))
    for i, ws in enumerate(WS):
        text = f"SELECT * WHERE{ws}{{{{{ws}SERVICE{ws}<{{url}}>{ws}{{{{{ws}?x ?y ?z{ws}}}}}{ws}}}}}"
        out.append(Spelled(f"ws-{i}", text))
    out += [
        Spelled("comments-between", "SELECT * WHERE {{#c\nSERVICE#c\n<{url}>#c\n{{ ?x ?y ?z }}#c\n}}"),
        Spelled("no-space", "SELECT * WHERE{{SERVICE<{url}>{{?x ?y ?z}}}}"),
        Spelled("silent", "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?x ?y ?z }} }}"),
        Spelled("prefixed-target", "PREFIX r: <{url}> SELECT * WHERE {{ SERVICE r: {{ ?x ?y ?z }} }}"),
        Spelled("base-relative-target", "BASE <{url}> SELECT * WHERE {{ SERVICE <> {{ ?x ?y ?z }} }}"),
        Spelled("variable-target-bind", "SELECT * WHERE {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?x ?y ?z }} }}"),
        Spelled("variable-target-values", "SELECT * WHERE {{ VALUES ?u {{ <{url}> }} SERVICE $u {{ ?x ?y ?z }} }}"),
        Spelled("codepoint-iri", "SELECT * WHERE {{ SERVICE \\u003C{url}\\u003E {{ ?x ?y ?z }} }}"),
        Spelled("codepoint-brace", "SELECT * WHERE \\u007B SERVICE <{url}> {{ ?x ?y ?z }} \\u007D"),
        Spelled("from-service", "SELECT * FROM <{url}> WHERE {{ ?x ?y ?z }}"),
        Spelled("from-named-service", "SELECT * FROM NAMED <{url}> WHERE {{ ?x ?y ?z }}"),
        Spelled("load", "LOAD <{url}>"),
        Spelled("load-into", "LOAD SILENT <{url}> INTO GRAPH <http://e/g>"),
        Spelled("update-after-query", "SELECT * {{}} ; LOAD <{url}>"),
        Spelled("update-codepoint", "\\u004COAD <{url}>"),
        Spelled("unbalanced", "SELECT * WHERE {{ SERVICE <{url}> {{ ?x ?y ?z }}"),
        Spelled("string-unterminated", "SELECT * WHERE {{ BIND('x AS ?a) SERVICE <{url}> {{ ?x ?y ?z }} }}"),
    ]
    return out


class Listener:
    """A loopback HTTP server that counts connections and answers like a SPARQL endpoint would."""

    ANSWER = (b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"LEAKED"}}]}}')

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            try:
                conn.settimeout(1)
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                             b"Content-Length: " + str(len(self.ANSWER)).encode() + b"\r\nConnection: close\r\n\r\n"
                             + self.ANSWER)
            except OSError:
                pass
            finally:
                conn.close()

    def close(self) -> None:
        self._stop = True
        self.thread.join(2)
        self.sock.close()
