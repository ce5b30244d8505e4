"""A synthetic region in the curated CSV format (organisations.csv + relations.csv).

``write_region(folder, n_orgs, seed)`` writes ``n_orgs`` organisations and about 1.5
relations per organisation, deterministic by seed, with the value distributions of the real
curated data: mostly companies, most of them in arrondissement Leuven (Leuven itself the
largest), one or two clusters, NACE divisions that fit the clusters, a sparse production
column, some rows without a place, stage or cluster. The benchmarks use it to build a graph of
a chosen size through the real ingesters (``bench/queries.py``, ``bench/ingest.py``).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

ORG_COLUMNS = [
    "id", "name", "alt_names", "org_type", "municipality_nis", "municipality_name",
    "founded_year", "website", "ror_id", "wikidata_qid", "clusters", "nace_division",
    "stages", "source_urls",
]
REL_COLUMNS = ["subject_id", "relation", "object_id", "year", "source_url"]

# REFNIS 2025 municipalities of Vlaams-Brabant (NIS code, Dutch name)
LEUVEN_ARR = [
    ("24001", "Aarschot"), ("24007", "Begijnendijk"), ("24008", "Bekkevoort"),
    ("24009", "Bertem"), ("24011", "Bierbeek"), ("24014", "Boortmeerbeek"),
    ("24016", "Boutersem"), ("24020", "Diest"), ("24028", "Geetbets"), ("24033", "Haacht"),
    ("24038", "Herent"), ("24041", "Hoegaarden"), ("24043", "Holsbeek"),
    ("24045", "Huldenberg"), ("24048", "Keerbergen"), ("24054", "Kortenaken"),
    ("24055", "Kortenberg"), ("24059", "Landen"), ("24062", "Leuven"), ("24066", "Lubbeek"),
    ("24086", "Oud-Heverlee"), ("24094", "Rotselaar"), ("24104", "Tervuren"),
    ("24107", "Tienen"), ("24109", "Tremelo"), ("24130", "Zoutleeuw"), ("24133", "Linter"),
    ("24134", "Scherpenheuvel-Zichem"), ("24135", "Tielt-Winge"), ("24137", "Glabbeek"),
]
HALLE_VILVOORDE = [
    ("23002", "Asse"), ("23003", "Beersel"), ("23016", "Dilbeek"), ("23025", "Grimbergen"),
    ("23027", "Halle"), ("23038", "Kampenhout"), ("23045", "Londerzeel"),
    ("23047", "Machelen"), ("23050", "Meise"), ("23062", "Overijse"),
    ("23077", "Sint-Pieters-Leeuw"), ("23081", "Steenokkerzeel"), ("23088", "Vilvoorde"),
    ("23094", "Zaventem"), ("23096", "Zemst"), ("23102", "Wemmel"),
]
ORG_TYPES = [  # (curated org_type, weight) close to the curated data's counts
    ("company", 223), ("startup_or_spinoff", 49), ("other", 49), ("research_centre", 29),
    ("network_or_platform", 27), ("investor_or_fund", 26), ("government", 18),
    ("incubator_or_science_park", 18), ("business_association", 12), ("hospital", 11),
    ("university_college", 5), ("university", 3),
]
NACE = {  # cluster → NACE divisions that fall in its sub-sectors
    "health": ["21", "26", "32", "86", "72"],
    "high_tech": ["26", "27", "62", "63", "28", "25", "20", "72"],
    "creativity": ["58", "59", "60", "90", "74", "71"],
    "other": ["10", "11", "01", "35", "49", "52", "84", "85", "64"],
}
CLUSTER_WEIGHTS = [("other", 188), ("high_tech", 147), ("health", 132), ("creativity", 88)]
STAGES = ["research", "prototyping", "production", "market"]
STAGE_P = {"research": 0.42, "prototyping": 0.15, "production": 0.40, "market": 0.48}
RELATIONS = [
    ("collaborates_with", 109), ("funded_by", 77), ("part_of", 71), ("partner_of", 65),
    ("located_in_park", 57), ("spin_off_of", 47), ("member_of", 36), ("acquired_by", 18),
]
_SYLLABLES = [
    "lu", "ve", "na", "tor", "bi", "ex", "a", "on", "gen", "ix",
    "med", "tra", "no", "vo", "sy", "ca", "pha", "ro", "qui", "te",
]


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _name(rng: random.Random, i: int) -> str:
    word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return f"{word} {rng.choice(['NV', 'BV', 'Labs', 'Group', 'Systems', 'vzw', 'Partners'])} {i}"


def organisations(n_orgs: int, seed: int = 0) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n_orgs):
        key = f"syn_{i:06d}"
        org_type = _pick(rng, ORG_TYPES)
        where = rng.random()
        if where < 0.45:
            nis, place = "24062", "Leuven"
        elif where < 0.78:
            nis, place = rng.choice(LEUVEN_ARR)
        elif where < 0.92:
            nis, place = rng.choice(HALLE_VILVOORDE)
        else:
            nis, place = "", ""
        clusters = sorted({_pick(rng, CLUSTER_WEIGHTS) for _ in range(rng.choice([1, 1, 1, 2]))})
        if rng.random() < 0.01:
            clusters = []
        nace = sorted({rng.choice(NACE[c]) for c in clusters}) if rng.random() < 0.75 else []
        stages = [s for s in STAGES if rng.random() < STAGE_P[s]] if rng.random() < 0.8 else []
        if org_type in ("university", "research_centre", "hospital", "university_college"):
            stages = sorted(set(stages) | {"research"}, key=STAGES.index)
        n_src = rng.randint(1, 3)
        rows.append(
            {
                "id": key,
                "name": _name(rng, i),
                "alt_names": f"SYN{i}" if rng.random() < 0.2 else "",
                "org_type": org_type,
                "municipality_nis": nis,
                "municipality_name": place,
                "founded_year": str(rng.randint(1950, 2024)) if rng.random() < 0.3 else "",
                "website": f"https://{key.replace('_', '-')}.example.org/" if rng.random() < 0.15 else "",
                "ror_id": "",
                "wikidata_qid": "",
                "clusters": ";".join(clusters),
                "nace_division": ";".join(nace),
                "stages": ";".join(stages),
                "source_urls": ";".join(
                    f"https://news.example.org/{seed}/{i}/{k}" for k in range(n_src)
                ),
            }
        )
    return rows


def relations(orgs: list[dict[str, str]], seed: int = 0) -> list[dict[str, str]]:
    """About 1.5 relations per organisation, no duplicates, no self-relations."""
    rng = random.Random(seed + 1)
    n = len(orgs)
    seen: set[tuple[str, str, str]] = set()
    rows = []
    # hubs (the university, big research centres, the city) attract many relations
    hubs = [o["id"] for o in orgs[: max(1, n // 200)]]
    for _ in range(int(n * 1.5)):
        a = orgs[rng.randrange(n)]["id"]
        b = rng.choice(hubs) if rng.random() < 0.3 else orgs[rng.randrange(n)]["id"]
        rel = _pick(rng, RELATIONS)
        if a == b or (a, rel, b) in seen:
            continue
        seen.add((a, rel, b))
        rows.append(
            {
                "subject_id": a,
                "relation": rel,
                "object_id": b,
                "year": str(rng.randint(1990, 2025)) if rng.random() < 0.4 else "",
                "source_url": f"https://news.example.org/rel/{seed}/{len(rows)}",
            }
        )
    return rows


def write_region(folder: Path, n_orgs: int, seed: int = 0) -> tuple[Path, Path]:
    """Write ``organisations.csv`` and ``relations.csv`` of a synthetic region into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    orgs = organisations(n_orgs, seed)
    paths = (folder / "organisations.csv", folder / "relations.csv")
    for path, columns, rows in (
        (paths[0], ORG_COLUMNS, orgs),
        (paths[1], REL_COLUMNS, relations(orgs, seed)),
    ):
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return paths
