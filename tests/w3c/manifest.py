"""Read the W3C SPARQL 1.1 Protocol test manifest into plain requests and expectations.

Each ``mf:ProtocolTest`` has ``ut:graphData`` (an N-Triples file loaded as a named graph, named by
its ``rdfs:label``) and a list of ``ht:Request`` with method, path, headers, a body in a given
character encoding, and the expected status class, result format and boolean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")

W3C_ROOT = Path(__file__).resolve().parents[3] / "shared" / "w3c-sparql11" / "sparql" / "sparql11"
PROTOCOL = W3C_ROOT / "protocol"
SERVICE_DESCRIPTION = W3C_ROOT / "service-description"


@dataclass
class HttpRequest:
    method: str
    path: str  # as in the manifest, starting with /sparql/
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]  # expected status classes: 2, 3, 4
    expected_format: str | None  # boolean, tabular, RDF
    expected_boolean: bool | None

    @property
    def is_update(self) -> bool:
        """An update operation (the endpoint is read-only and must refuse it)."""
        ctype = self.headers.get("content-type", "")
        text = (self.body or b"").decode("utf-8", errors="replace")
        return (
            ctype.startswith("application/sparql-update")
            or text.startswith("update=")
            or "update=" in self.path
            or "using-graph-uri=" in self.path
            or "using-named-graph-uri=" in self.path
        )


@dataclass
class ProtocolTest:
    name: str  # local name, e.g. query_post_form
    title: str
    graph_data: list[tuple[Path, str]] = field(default_factory=list)  # file, graph IRI
    requests: list[HttpRequest] = field(default_factory=list)


def _status_classes(graph: Graph, response: URIRef) -> set[int]:
    classes = set()
    for code in graph.objects(response, MF.expectedStatus):
        local = str(code).rsplit("#", 1)[-1]  # StatusCode2xx
        classes.add(int(local[len("StatusCode")]))
    return classes


def load_protocol_tests(folder: Path = PROTOCOL) -> list[ProtocolTest]:
    manifest = folder / "manifest.ttl"
    graph = Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
    root = next(graph.subjects(RDF.type, MF.Manifest))
    tests: list[ProtocolTest] = []
    for entry in Collection(graph, graph.value(root, MF.entries)):
        name = str(entry).rsplit("#", 1)[-1]
        test = ProtocolTest(name, str(graph.value(entry, MF.name)))
        for data in graph.objects(entry, UT.graphData):
            file = Path(str(graph.value(data, UT.graph)).removeprefix("file://"))
            test.graph_data.append((file, str(graph.value(data, RDFS.label))))
        connection = graph.value(entry, MF.action)
        for req in Collection(graph, graph.value(connection, HT.requests)):
            headers = {}
            for header in Collection(graph, graph.value(req, HT.headers)) if graph.value(req, HT.headers) else []:
                headers[str(graph.value(header, HT.fieldName)).lower()] = str(graph.value(header, HT.fieldValue))
            body_node = graph.value(req, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding)
            resp = graph.value(req, HT.resp)
            boolean = graph.value(resp, MF.expectedBoolean)
            fmt = graph.value(resp, MF.expectedFormat)
            test.requests.append(HttpRequest(
                method=str(graph.value(req, HT.methodName)),
                path=str(graph.value(req, HT.absolutePath)),
                headers=headers,
                body=body,
                statuses=_status_classes(graph, resp),
                expected_format=str(fmt) if fmt is not None else None,
                expected_boolean=bool(boolean.toPython()) if boolean is not None else None,
            ))
        tests.append(test)
    return tests


def load_service_description_tests(folder: Path = SERVICE_DESCRIPTION) -> list[tuple[str, str]]:
    """(local name, title) of each service-description test; the tests are described in prose."""
    manifest = folder / "manifest.ttl"
    graph = Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
    root = next(graph.subjects(RDF.type, MF.Manifest))
    return [(str(e).rsplit("#", 1)[-1], str(graph.value(e, MF.name)))
            for e in Collection(graph, graph.value(root, MF.entries))]
