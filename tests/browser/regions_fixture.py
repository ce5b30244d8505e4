"""The browser fixture plus what the REFNIS ingester adds for any-region questions: one region per
arrondissement and province (``<level>-<NIS>``) with its NUTS region (``eco:nuts``), Gent's arrondissement
(BE234) in another province, and a Gent company (medtech × market), so that two regions differ in known
ways: Leuven against Gent, medtech research and production are A only, medtech market B only.

Arrondissement Leuven (24000, BE242) = Leuven + Tienen; Halle-Vilvoorde (23000, BE241) = Vilvoorde, its
peer in province 20001 (BE24); arrondissement Gent (44000, BE234) = Gent, in province 40000 (BE23).
"""

from __future__ import annotations

from pathlib import Path

from browser.fixture import fixture_trig, publish_with_cube

NUTS = "http://data.europa.eu/nuts/code/"
EXTRA = f"""
<graph/refnis> {{
  <id/province/40000> a eco:Province ; skos:prefLabel "Provincie Oost-Vlaanderen"@nl .
  <id/arrondissement/44000> a eco:Arrondissement ; skos:prefLabel "Arrondissement Gent"@nl ;
     skos:broader <id/province/40000> .
  <id/municipality/44021> a eco:Municipality, skos:Concept ; skos:notation "44021" ;
     skos:prefLabel "Gent"@nl, "Gand"@fr ; skos:broader <id/arrondissement/44000> .
  <id/region/arrondissement-24000> a eco:Region ; rdfs:label "Arrondissement Leuven"@nl ; eco:nuts <{NUTS}BE242> ;
     eco:hasMunicipality <id/municipality/24062>, <id/municipality/24107> .
  <id/region/arrondissement-23000> a eco:Region ; rdfs:label "Arrondissement Halle-Vilvoorde"@nl ;
     eco:nuts <{NUTS}BE241> ;
     eco:hasMunicipality <id/municipality/23088> .
  <id/region/arrondissement-44000> a eco:Region ; rdfs:label "Arrondissement Gent"@nl ; eco:nuts <{NUTS}BE234> ;
     eco:hasMunicipality <id/municipality/44021> .
  <id/region/province-20001> a eco:Region ; rdfs:label "Provincie Vlaams-Brabant"@nl ; eco:nuts <{NUTS}BE24> ;
     eco:hasMunicipality <id/municipality/24062>, <id/municipality/24107>, <id/municipality/23088> .
  <id/region/province-40000> a eco:Region ; rdfs:label "Provincie Oost-Vlaanderen"@nl ; eco:nuts <{NUTS}BE23> ;
     eco:hasMunicipality <id/municipality/44021> .
}}
<graph/curated> {{
  <id/org/gent_med> a eco:Company ; rdfs:label "Gent Med" ; schema:name "Gent Med" ;
     eco:locatedIn <id/municipality/44021> ; eco:activeIn <id/sector/health> .
  <id/capability/gent_med.medtech.market> a eco:Capability ; eco:organisation <id/org/gent_med> ;
     eco:sector <id/sector/medtech> ; eco:stage <id/stage/market> ; dcterms:source <https://example.org/gent> .
}}
<graph/inferred> {{ <id/org/gent_med> a org:FormalOrganization, org:Organization . }}
"""


def regions_trig() -> str:
    """The browser fixture with the regions above (the prefixes are the fixture's own)."""
    return fixture_trig() + EXTRA


def build_regions_store(root: Path, base: str, trig: str | None = None) -> None:
    """Publish ``trig`` (default :func:`regions_trig`) with its coverage cube as a store at ``root``."""
    publish_with_cube(root, trig or regions_trig(), base)
