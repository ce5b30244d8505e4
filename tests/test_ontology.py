"""The OWL ontology and the SKOS schemes: DL-consistency (HermiT), documentation, contract."""

from __future__ import annotations

import shutil
from itertools import pairwise
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ecograph.model.history import CHG
from ecograph.model.namespaces import ECO, ONTOLOGY_IRI
from ecograph.model.schemes import ontology_dir

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
NACE_NT = SHARED / "data" / "belgif-nacebel" / "nace2008.nt"
BASE = "http://localhost:8000"
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
ECON = Namespace(ECO.base)
# A plain Namespace: rdflib's closed XSD class warns when pytest inspects module globals.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
# the eco: terms the code uses: the graph's (model.namespaces) and those of the changes graph (model.history)
ECO_TERMS = ECO.terms | CHG.terms

SECTOR_KEYS = {
    "health": {"pharma_biotech": {"21"}, "medtech": {"26.6", "32.5"}, "care": {"86", "87", "88"}},
    "high_tech": {
        "electronics": {"26", "27"},
        "software": {"58.2", "62", "63"},
        "manufacturing": {"25", "28", "29", "30", "33"},
        "materials": {"20", "22", "23", "24"},
        "engineering_rd": {"71.2", "72.1"},
    },
    "creativity": {"media": {"58.1", "59", "60"}, "design": {"71.1", "74.1"}, "arts": {"90", "91", "93"}},
    "other": {
        "food": {"01", "10", "11"},
        "energy": {"35"},
        "logistics": {"49", "50", "51", "52", "53"},
        "public": {"84", "85"},
        "finance": {"64", "65", "66"},
    },
}
STAGES = ["research", "prototyping", "production", "market"]
OWL_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
# Datatypes an OWL 2 DL reasoner accepts in a range (the OWL 2 datatype map, the ones we use).
OWL2_DATATYPES = {XSD.string, XSD.integer, XSD.decimal, XSD.dateTime, XSD.boolean, RDFS.Literal}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ontology_dir() / "ecograph.ttl", format="turtle")


@pytest.fixture(scope="module")
def schemes() -> Graph:
    graph = Graph()
    for name in ("sectors.ttl", "stages.ttl"):
        graph.parse(ontology_dir() / "schemes" / name, format="turtle", publicID=BASE + "/id/")
    return graph


def _eco_terms(graph: Graph) -> dict[str, set[URIRef]]:
    """eco: IRIs declared as a class or property, by local name."""
    out: dict[str, set[URIRef]] = {}
    for kind in OWL_KINDS:
        for subject in graph.subjects(RDF.type, kind):
            if isinstance(subject, URIRef) and str(subject).startswith(ECO.base):
                out.setdefault(str(subject)[len(ECO.base) :], set()).add(kind)
    return out


def test_ontology_header(onto: Graph) -> None:
    ont = URIRef(ONTOLOGY_IRI)
    assert (ont, RDF.type, OWL.Ontology) in onto
    assert (ont, OWL.versionIRI, URIRef(ONTOLOGY_IRI + "/0.1.0")) in onto
    assert onto.value(ont, OWL.versionInfo) is not None
    assert (ont, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in onto
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.creator):
        assert onto.value(ont, prop) is not None, prop
    langs = {o.language for o in onto.objects(ont, RDFS.label) if isinstance(o, Literal)}
    assert {"en", "nl"} <= langs


def test_every_namespace_term_is_declared_and_vice_versa(onto: Graph) -> None:
    declared = _eco_terms(onto)
    assert set(declared) == set(ECO_TERMS)


def test_each_term_has_one_owl_kind(onto: Graph) -> None:
    """No punning: an IRI is a class, an object, a datatype or an annotation property, not two."""
    kinds: dict[URIRef, set[URIRef]] = {}
    for kind in OWL_KINDS:
        for subject in onto.subjects(RDF.type, kind):
            if isinstance(subject, URIRef):
                kinds.setdefault(subject, set()).add(kind)
    assert {s: k for s, k in kinds.items() if len(k) > 1} == {}


def test_every_used_term_is_declared(onto: Graph) -> None:
    """Every predicate and every class the ontology mentions is declared (OWL 2 DL typing)."""
    declared = {s for kind in OWL_KINDS for s in onto.subjects(RDF.type, kind)}
    builtin = (str(RDF), str(RDFS), str(OWL))
    predicates = {p for p in onto.predicates() if not str(p).startswith(builtin)}
    assert predicates - declared == set()
    classes = {
        o
        for p in (RDFS.subClassOf, RDFS.domain, RDFS.range)
        for o in onto.objects(None, p)
        if isinstance(o, URIRef) and not str(o).startswith(str(XSD)) and o != RDFS.Literal
    }
    classes |= {o for lst in onto.objects(None, OWL.members) for o in onto.items(lst)}
    assert classes - declared == set()


def test_datatype_ranges_are_owl2_datatypes(onto: Graph) -> None:
    for prop in onto.subjects(RDF.type, OWL.DatatypeProperty):
        for rng in onto.objects(prop, RDFS.range):
            assert rng in OWL2_DATATYPES, (prop, rng)


def test_labels_and_comments(onto: Graph) -> None:
    missing = []
    for name in sorted(ECO_TERMS):
        term = URIRef(ECO.base + name)
        label_langs = {o.language for o in onto.objects(term, RDFS.label) if isinstance(o, Literal)}
        comment_langs = {o.language for o in onto.objects(term, RDFS.comment) if isinstance(o, Literal)}
        if not {"en", "nl"} <= label_langs or "en" not in comment_langs:
            missing.append(name)
    assert missing == []


def test_model_axioms(onto: Graph) -> None:
    org = Namespace("http://www.w3.org/ns/org#")
    kinds = [
        "University", "UniversityCollege", "ResearchCentre", "Hospital", "Company",
        "GovernmentBody", "BusinessAssociation", "IncubatorOrSciencePark", "InvestorOrFund",
        "NetworkOrPlatform", "OtherOrganisation", "KnowledgeInstitution",
    ]  # fmt: skip
    for kind in kinds:
        assert (ECON[kind], RDFS.subClassOf, org.FormalOrganization) in onto, kind
    assert (ECON.StartUp, RDFS.subClassOf, ECON.Company) in onto
    assert (org.FormalOrganization, RDFS.subClassOf, org.Organization) in onto
    for kind in ("University", "UniversityCollege", "ResearchCentre", "Hospital"):
        assert (ECON[kind], RDFS.subClassOf, ECON.KnowledgeInstitution) in onto
    for kind in ("Municipality", "Arrondissement", "Province", "Sector", "Stage", "Megatrend"):
        assert (ECON[kind], RDFS.subClassOf, SKOS.Concept) in onto
    for a, b in [
        ("spinOffOf", "hasSpinOff"), ("acquiredBy", "acquired"), ("fundedBy", "funds"),
        ("locatedInPark", "hostsOrganisation"), ("organisation", "hasCapability"),
    ]:  # fmt: skip
        assert (ECON[a], OWL.inverseOf, ECON[b]) in onto
    for prop in ("partnerOf", "collaboratesWith"):
        assert (ECON[prop], RDF.type, OWL.SymmetricProperty) in onto


def _hermit(graph: Graph, tmp_path: Path) -> list[object]:
    """Runs HermiT through owlready2; returns the unsatisfiable classes.

    owlready2 reads N-Triples, not Turtle, so the graph goes through a temporary file.
    It raises OwlReadyInconsistentOntologyError when the ontology is inconsistent.
    """
    owlready2 = pytest.importorskip("owlready2")
    java = shutil.which("java")
    if java is None:
        pytest.skip("HermiT needs Java")
    owlready2.JAVA_EXE = java
    path = tmp_path / "ontology.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    ontology = world.get_ontology(path.as_uri()).load(format="ntriples")
    with ontology:
        owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    return list(world.inconsistent_classes())


def test_hermit_consistent(onto: Graph, tmp_path: Path) -> None:
    assert _hermit(onto, tmp_path) == []


def test_hermit_consistent_with_schemes(onto: Graph, schemes: Graph, tmp_path: Path) -> None:
    """The scheme individuals (typed, with stage orders) are consistent with the axioms."""
    assert _hermit(onto + schemes, tmp_path) == []


def test_hermit_detects_inconsistency(onto: Graph, tmp_path: Path) -> None:
    """The check above can fail: a node that is both an organisation and a concept is refuted."""
    owlready2 = pytest.importorskip("owlready2")
    bad = onto + Graph()
    node = URIRef(BASE + "/id/org/bad")
    bad.add((node, RDF.type, ECON.Company))
    bad.add((node, RDF.type, ECON.Sector))
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _hermit(bad, tmp_path)


def test_stages_in_order(schemes: Graph) -> None:
    order = {}
    for node, value in schemes.subject_objects(ECON.stageOrder):
        assert isinstance(value, Literal) and value.datatype == XSD.integer
        order[str(node)] = int(value)
    assert order == {f"{BASE}/id/stage/{key}": i + 1 for i, key in enumerate(STAGES)}
    for here, there in pairwise(STAGES):
        stage = URIRef(f"{BASE}/id/stage/{here}")
        assert list(schemes.objects(stage, ECON.nextStage)) == [URIRef(f"{BASE}/id/stage/{there}")]
    assert list(schemes.objects(URIRef(f"{BASE}/id/stage/market"), ECON.nextStage)) == []
    scheme = URIRef(BASE + "/id/scheme/stages")
    for key in STAGES:
        stage = URIRef(f"{BASE}/id/stage/{key}")
        assert {(stage, RDF.type, ECON.Stage), (stage, RDF.type, SKOS.Concept)} <= set(schemes)
        assert (stage, SKOS.inScheme, scheme) in schemes
        _assert_documented(schemes, stage)


def _assert_documented(graph: Graph, node: URIRef) -> None:
    langs = [o.language for o in graph.objects(node, SKOS.prefLabel) if isinstance(o, Literal)]
    assert sorted(langs) == ["en", "nl"], node
    assert any(o.language == "en" for o in graph.objects(node, SKOS.definition)), node


def test_sector_keys_match_model(schemes: Graph) -> None:
    scheme = URIRef(BASE + "/id/scheme/sectors")
    prefix = BASE + "/id/sector/"
    found: dict[str, dict[str, set[str]]] = {}
    tops = {str(t)[len(prefix) :] for t in schemes.objects(scheme, SKOS.hasTopConcept)}
    assert tops == set(SECTOR_KEYS)
    for node in schemes.subjects(SKOS.inScheme, scheme):
        assert isinstance(node, URIRef) and str(node).startswith(prefix)
        assert {(node, RDF.type, ECON.Sector), (node, RDF.type, SKOS.Concept)} <= set(schemes)
        _assert_documented(schemes, node)
        key = str(node)[len(prefix) :]
        broader = list(schemes.objects(node, SKOS.broader))
        codes = {str(c) for c in schemes.objects(node, ECON.naceCode)}
        if key in SECTOR_KEYS:
            assert broader == [] and codes == set()
            assert (node, SKOS.topConceptOf, scheme) in schemes
            found.setdefault(key, {})
        else:
            assert len(broader) == 1
            found.setdefault(str(broader[0])[len(prefix) :], {})[key] = codes
    assert found == SECTOR_KEYS


def test_nace_matches_exist(schemes: Graph) -> None:
    if not NACE_NT.exists():
        pytest.skip(f"shared data not found: {NACE_NT}")
    nace = Graph().parse(NACE_NT, format="nt")
    concepts = set(nace.subjects(RDF.type, SKOS.Concept))
    for sector, code in schemes.subject_objects(ECON.naceCode):
        target = URIRef("http://vocab.belgif.be/auth/nace2008/" + str(code).replace(".", ""))
        assert (sector, SKOS.relatedMatch, target) in schemes
        assert target in concepts, target
        notation = nace.value(target, SKOS.notation)
        assert str(notation) == str(code).replace(".", "")
    matches = list(schemes.objects(None, SKOS.relatedMatch))
    assert matches and all(m in concepts for m in matches)
    assert len(matches) == len(list(schemes.objects(None, ECON.naceCode)))


def test_schemes_have_no_base_and_no_blank_concepts() -> None:
    for path in (ontology_dir() / "schemes").glob("*.ttl"):
        lines = path.read_text(encoding="utf-8").splitlines()
        directives = [ln for ln in lines if ln.lstrip().lower().startswith(("@base", "base "))]
        assert directives == [], path
        graph = Graph().parse(path, format="turtle", publicID=BASE + "/id/")
        assert not any(isinstance(s, BNode) for s in graph.subjects()), path
