"""IRIs of our ontology and of the vocabularies we reuse, in one place.

Every module builds IRIs from these constants so a typo fails at import time
(``ECO.Univeristy`` raises ``AttributeError``) instead of silently minting a new term.
"""

from __future__ import annotations


class _Namespace:
    """A closed namespace: only the listed local names exist."""

    def __init__(self, base: str, terms: str) -> None:
        self._base = base
        self._terms = frozenset(terms.split())

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._terms:
            raise AttributeError(f"{name!r} is not a term of <{self._base}>")
        return self._base + name

    def __getitem__(self, name: str) -> str:
        return self.__getattr__(name)

    def __str__(self) -> str:
        return self._base

    @property
    def base(self) -> str:
        return self._base

    @property
    def terms(self) -> frozenset[str]:
        return self._terms


ONTOLOGY_IRI = "https://w3id.org/ecograph/ontology"

ECO = _Namespace(
    ONTOLOGY_IRI + "#",
    """
    University UniversityCollege ResearchCentre Hospital Company StartUp GovernmentBody
    BusinessAssociation IncubatorOrSciencePark InvestorOrFund NetworkOrPlatform OtherOrganisation
    KnowledgeInstitution Capability RelationStatement Municipality Arrondissement Province Region
    Sector Stage Megatrend
    organisation sector stage hasCapability derivationRule activeIn locatedIn placeDerivation
    ror wikidata kboNumber nutsCode nuts hasMunicipality naceCode stageOrder nextStage answeredBy stageNotApplicable
    spinOffOf hasSpinOff partnerOf acquiredBy acquired fundedBy funds collaboratesWith
    locatedInPark hostsOrganisation year weight
    checksum rowsRead rowsRejected
    matchEvidence legalForm legalStatus startDate mainActivity participatesIn ecContribution totalCost
    activityType frameworkProgramme
    refSector refStage refMegatrend organisationCount soleOrganisation
    refOrganisation missingSector missingStage missingPlace missingSource clusterCount companyCount
    knowledgeInstitutionCount governmentBodyCount otherCount tiedCompanyCount listPosition
    """,
)

ORG = _Namespace(
    "http://www.w3.org/ns/org#",
    """Organization FormalOrganization Site memberOf hasMember subOrganizationOf
    hasSubOrganization classification""",
)
SKOS = _Namespace(
    "http://www.w3.org/2004/02/skos/core#",
    """Concept ConceptScheme inScheme hasTopConcept topConceptOf prefLabel altLabel notation
    broader narrower broaderTransitive narrowerTransitive exactMatch closeMatch relatedMatch
    broadMatch narrowMatch definition scopeNote note""",
)
PROV = _Namespace(
    "http://www.w3.org/ns/prov#",
    "Entity Activity wasDerivedFrom generatedAtTime wasGeneratedBy startedAtTime endedAtTime",
)
SCHEMA = _Namespace(
    "https://schema.org/",
    "name alternateName foundingDate url location address addressCountry postalCode startDate endDate",
)
WGS = _Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#", "lat long Point")
DCTERMS = _Namespace(
    "http://purl.org/dc/terms/",
    """title description source license publisher issued modified created identifier
    conformsTo spatial temporal rights""",
)
RDF = _Namespace(
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "type subject predicate object Statement",
)
RDFS = _Namespace(
    "http://www.w3.org/2000/01/rdf-schema#",
    "label comment subClassOf subPropertyOf seeAlso domain range Class",
)
OWL = _Namespace(
    "http://www.w3.org/2002/07/owl#",
    """Ontology Class ObjectProperty DatatypeProperty SymmetricProperty inverseOf sameAs
    versionIRI versionInfo""",
)
XSD = _Namespace(
    "http://www.w3.org/2001/XMLSchema#",
    "string integer decimal gYear date dateTime boolean",
)
VOID = _Namespace(
    "http://rdfs.org/ns/void#",
    "Dataset triples entities dataDump sparqlEndpoint uriSpace vocabulary subset",
)

PREFIXES: dict[str, str] = {
    "eco": ECO.base,
    "org": ORG.base,
    "skos": SKOS.base,
    "prov": PROV.base,
    "schema": SCHEMA.base,
    "wgs": WGS.base,
    "dcterms": DCTERMS.base,
    "rdf": RDF.base,
    "rdfs": RDFS.base,
    "owl": OWL.base,
    "xsd": XSD.base,
    "void": VOID.base,
    "dcat": "http://www.w3.org/ns/dcat#",
    "qb": "http://purl.org/linked-data/cube#",
}


def sparql_prefixes() -> str:
    """The PREFIX block for hand-written queries."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
