"""The W3C SPARQL 1.1 Protocol and Service Description tests against the live server.

Every query test must pass as the manifest says. Every update request must be refused with a
4xx, because the endpoint is read-only; the requests of an update test that check the update's
effect are then not applicable and are skipped (counted in the summary test).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from w3c.manifest import ProtocolTest, load_protocol_tests, load_service_description_tests
from w3c.support import LiveServer, build_store, serving

from ecograph.store.embedded import prune_generations

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
TESTS = load_protocol_tests()
RESULTS: dict[str, str] = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    with serving(tmp_path_factory, "w3c", b"") as live:
        yield live, Path(live.settings.store)


def load_test_data(root: Path, test: ProtocolTest) -> None:
    """Publish a generation holding exactly the test's graph data."""
    lines = []
    for file, graph in test.graph_data:
        for line in file.read_text().splitlines():
            if line.strip():
                lines.append(line.rstrip().removesuffix(".").rstrip() + f" <{graph}> .")
    build_store(root, ("\n".join(lines) + "\n").encode())
    prune_generations(root, keep=1)


def endpoint_path(path: str) -> str:
    """The manifest's /sparql/ prefix, mapped onto this endpoint."""
    assert path.startswith("/sparql/")
    return "/sparql" + path[len("/sparql/"):]


def check_format(response: httpx.Response, expected: str, boolean: bool | None) -> None:
    ctype = response.headers["content-type"].split(";")[0]
    if expected == "boolean":
        if ctype == "application/sparql-results+json":
            value = json.loads(response.content)["boolean"]
        else:
            assert ctype == "application/sparql-results+xml", ctype
            ns = "{http://www.w3.org/2005/sparql-results#}"
            value = ET.fromstring(response.content).find(f"{ns}boolean").text == "true"
        if boolean is not None:
            assert value is boolean
    elif expected == "tabular":
        assert ctype in ("application/sparql-results+json", "application/sparql-results+xml",
                         "text/csv", "text/tab-separated-values"), ctype
        if ctype == "application/sparql-results+json":
            assert "bindings" in json.loads(response.content)["results"]
    elif expected == "RDF":
        rdflib_formats = {"application/rdf+xml": "xml", "text/turtle": "turtle",
                          "application/n-triples": "nt"}
        assert ctype in rdflib_formats, ctype
        Graph().parse(data=response.content, format=rdflib_formats[ctype])
    else:
        raise AssertionError(f"unknown expected format {expected}")


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_protocol(server: tuple[LiveServer, Path], test: ProtocolTest) -> None:
    live, root = server
    load_test_data(root, test)
    refused_update = False
    with httpx.Client(base_url=live.url, timeout=30) as client:
        for request in test.requests:
            if refused_update:
                RESULTS[test.name] = "refused"
                break  # this request checks the effect of an update that was refused
            response = client.request(request.method, endpoint_path(request.path),
                                      headers=request.headers, content=request.body)
            if request.is_update:
                assert 400 <= response.status_code < 500, (response.status_code, response.text)
                assert response.text.strip(), "a refusal says why"
                refused_update = True
                RESULTS[test.name] = "refused"
                continue
            assert response.status_code // 100 in request.statuses, (response.status_code, response.text)
            if 400 <= response.status_code < 500:
                assert response.text.strip(), "an error says why"
            if request.expected_format:
                check_format(response, request.expected_format, request.expected_boolean)
            RESULTS.setdefault(test.name, "passed")


def test_protocol_summary() -> None:
    """Every query test passed and every update test was refused (printed with -s)."""
    if len(RESULTS) != len(TESTS):
        pytest.skip("run with the whole module")
    passed = sorted(k for k, v in RESULTS.items() if v == "passed")
    refused = sorted(k for k, v in RESULTS.items() if v == "refused")
    print(f"\nW3C protocol: {len(passed)} passed, {len(refused)} refused (update), of {len(TESTS)}")
    assert all(not t.startswith("query_") for t in refused)
    assert all(t.startswith(("update_", "bad_")) for t in refused)


# --- service description -------------------------------------------------------------------------

SD_TERMS = {
    "Service", "Feature", "Language", "Function", "Aggregate", "EntailmentRegime", "EntailmentProfile",
    "GraphCollection", "Dataset", "Graph", "NamedGraph", "endpoint", "feature", "defaultEntailmentRegime",
    "entailmentRegime", "defaultSupportedEntailmentProfile", "supportedEntailmentProfile",
    "extensionFunction", "extensionAggregate", "languageExtension", "supportedLanguage", "propertyFeature",
    "defaultDataset", "availableGraphs", "resultFormat", "inputFormat", "defaultGraph", "namedGraph",
    "name", "graph", "SPARQL10Query", "SPARQL11Query", "SPARQL11Update", "DereferencesURIs",
    "UnionDefaultGraph", "RequiresDataset", "EmptyGraphs", "BasicFederatedQuery",
}
SD_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
sd:ServiceShape a sh:NodeShape ; sh:targetClass sd:Service ;
  sh:property [ sh:path sd:endpoint ; sh:minCount 1 ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path sd:supportedLanguage ; sh:minCount 1 ;
                sh:in ( sd:SPARQL10Query sd:SPARQL11Query sd:SPARQL11Update ) ] ;
  sh:property [ sh:path sd:feature ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path sd:resultFormat ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path sd:defaultEntailmentRegime ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path sd:defaultDataset ; sh:class sd:Dataset ; sh:maxCount 1 ] .
sd:DatasetShape a sh:NodeShape ; sh:targetClass sd:Dataset ;
  sh:property [ sh:path sd:defaultGraph ; sh:class sd:Graph ; sh:maxCount 1 ] ;
  sh:property [ sh:path sd:namedGraph ; sh:class sd:NamedGraph ] .
sd:NamedGraphShape a sh:NodeShape ; sh:targetClass sd:NamedGraph ;
  sh:property [ sh:path sd:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path sd:graph ; sh:class sd:Graph ; sh:maxCount 1 ] .
"""


@pytest.mark.parametrize("name,title", load_service_description_tests())
def test_service_description(server: tuple[LiveServer, Path], name: str, title: str) -> None:
    live, root = server
    response = httpx.get(live.url + "/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    if name == "returns-rdf":
        assert len(graph) > 0
    elif name == "has-endpoint-triple":
        assert (None, SD.endpoint, URIRef(live.url + "/sparql")) in graph
    elif name == "conforms-to-schema":
        import pyshacl

        used = {str(t)[len(str(SD)):] for triple in graph for t in triple if str(t).startswith(str(SD))}
        assert used <= SD_TERMS, used - SD_TERMS
        conforms, _, report = pyshacl.validate(graph, shacl_graph=Graph().parse(data=SD_SHAPES, format="turtle"))
        assert conforms, report
        assert (None, RDF.type, SD.Service) in graph
    else:
        raise AssertionError(f"unknown service description test {name}: {title}")


def test_service_description_says_only_what_is_true(server: tuple[LiveServer, Path]) -> None:
    live, _ = server
    graph = Graph().parse(data=httpx.get(live.url + "/sparql", headers={"Accept": "text/turtle"}).text,
                          format="turtle")
    features = set(graph.objects(None, SD.feature))
    assert SD.BasicFederatedQuery not in features  # SERVICE is refused
    assert SD.DereferencesURIs not in features  # FROM never fetches
    assert SD.SPARQL11Update not in set(graph.objects(None, SD.supportedLanguage))
    assert SD.UnionDefaultGraph in features
    comment = " ".join(str(o) for o in graph.objects(None, URIRef("http://www.w3.org/2000/01/rdf-schema#comment")))
    assert "read-only" in comment.lower()
    assert isinstance(next(iter(graph.objects(None, SD.endpoint))), URIRef)
    assert Literal is not None
