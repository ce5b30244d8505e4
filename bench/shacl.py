"""Benchmark: SHACL engines against pySHACL on the gate's own data graphs.

Every engine validates the same data graphs that the gate builds (``ecograph.build.gate``: the
staged source graph, the ontology, and the context the source refers to) against
``ontology/shapes.ttl``:

* every valid/invalid example of ``tests/data/shapes`` (+ ``published.ttl``, as the tests do);
* every source graph of a real build from the shared data (the other sources as context);
* the synthetic region of ``bench/ingest.py`` (curated graph, REFNIS as context).

Each case is written once as N-Triples; each engine then runs in its own process (peak memory is
its own ru_maxrss) and reports, per case, conforms and the set of (focus node, path) of its
violations about the source's own subjects. Agreement is with pySHACL's set. Times are the
median of ``--runs`` validations of the synthetic graph, parse of the N-Triples included; the
``gate`` row is the whole ``ShaclGate.check`` on the store (data extraction included).

    python bench/shacl.py [--orgs 36000] [--runs 3] [--keep DIR] [--engines pyshacl,turbo,...]

maplib 0.20.26 is not an engine here: its open build panics on ``Model.validate`` ("not
implemented: Contact Data Treehouse to try").
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
SHAPES = REPO / "ontology" / "shapes.ttl"
EXAMPLES = REPO / "tests" / "data" / "shapes"
BASE = "http://localhost:8000"
SOURCES = ("refnis", "nace", "megatrends", "euroscivoc", "ror", "curated")
Result = tuple[bool, list[tuple[str, str]]]  # conforms, sorted (focus, path)


# --- engines: N-Triples bytes → (conforms, sorted (focus, path)) about the staged subjects -------

def _from_report(report: object) -> list[tuple[str, str]]:
    import rdflib

    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert isinstance(report, rdflib.Graph)
    return [(str(report.value(r, sh.focusNode)), str(report.value(r, sh.resultPath) or ""))
            for r in report.subjects(rdflib.RDF.type, sh.ValidationResult)
            if report.value(r, sh.resultSeverity) == sh.Violation]


def engine_pyshacl() -> Callable[[bytes], Result]:
    import rdflib
    from pyshacl import validate

    shapes = rdflib.Graph().parse(SHAPES, format="turtle")

    def run(data: bytes) -> Result:
        graph = rdflib.Graph().parse(data=data, format="nt")
        conforms, report, _ = validate(graph, shacl_graph=shapes, inference="none", advanced=True,
                                       allow_warnings=True)
        return bool(conforms), _from_report(report)
    return run


def engine_turbo() -> Callable[[bytes], Result]:
    from pyshacl_turbo import CompiledShapes
    from pyshacl_turbo.rdf import Input

    shapes = CompiledShapes(str(SHAPES), advanced=True)

    def run(data: bytes) -> Result:
        conforms, report, _ = shapes.validate(Input(data.decode(), "nt", None, {}), allow_warnings=True)
        return bool(conforms), _from_report(report)
    return run


def engine_shifty() -> Callable[[bytes], Result]:
    import shifty

    def run(data: bytes) -> Result:
        conforms, report, _ = shifty.validate(data, SHAPES, graph_mode="data")
        return bool(conforms), _from_report(report)
    return run


def engine_rudof() -> Callable[[bytes], Result]:
    import pyrudof

    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_shacl(str(SHAPES))

    def run(data: bytes) -> Result:
        rudof.read_data(data.decode(), format=pyrudof.RDFFormat.NTriples)
        report = rudof.validate_shacl()
        return bool(report.conforms), [(e.focus_node.strip("<>"), (e.path or "").strip("<>"))
                                       for e in report.violations if e.severity == "Violation"]
    return run


ENGINES = {"pyshacl": engine_pyshacl, "turbo": engine_turbo, "shifty": engine_shifty, "rudof": engine_rudof}
LABELS = {"pyshacl": "pySHACL 0.40.1", "turbo": "pyshacl-turbo 0.6.5", "shifty": "pyshifty 0.5.1",
          "rudof": "pyrudof 0.3.35", "gate": "ShaclGate.check (store → verdict)"}


def _verdict(run: Callable[[bytes], Result], case: Path) -> Result:
    only = set(case.with_suffix(".subjects").read_text(encoding="utf-8").split())
    try:
        _, found = run(case.read_bytes())
    except Exception as exc:  # an engine that fails on a case disagrees on it
        return False, [("ERROR", f"{type(exc).__name__}: {str(exc)[:200]}")]
    ours = sorted({(focus, path) for focus, path in found if focus in only})
    return not ours, ours  # as the gate does: results about context nodes do not count


# --- phases (each in its own process) ---------------------------------------------------------

def phase_agree(engine: str, cases: Path) -> dict[str, object]:
    run = ENGINES[engine]()
    return {case.stem: _verdict(run, case) for case in sorted(cases.glob("*.nt")) if case.stem != "synthetic"}


def phase_time(engine: str, cases: Path, runs: int) -> dict[str, object]:
    case = cases / "synthetic.nt"
    seconds, verdict = [], None
    if engine == "gate":
        from ecograph.build.gate import ShaclGate
        from ecograph.store.embedded import EmbeddedStore

        gate = ShaclGate(SHAPES)
        store = EmbeddedStore(cases.parent / "synth" / "store").oxigraph
        graph = f"{BASE}/graph/curated"
        for _ in range(runs):
            t0 = time.perf_counter()
            v = gate.check(store, graph, [f"{BASE}/graph/refnis"], ontology=f"{BASE}/graph/ontology")
            seconds.append(time.perf_counter() - t0)
        verdict = (v.conforms, sorted({(m.split(" ", 1)[0], "") for m in v.messages}))
    else:
        run = ENGINES[engine]()
        for _ in range(runs):
            t0 = time.perf_counter()
            verdict = _verdict(run, case)
            seconds.append(time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": statistics.median(seconds), "peak_mb": peak, "verdict": verdict}


def phase_prepare(work: Path, orgs: int) -> dict[str, object]:
    """Build the real graph and the synthetic region, and write every case as N-Triples + subjects."""
    import pyoxigraph as ox

    from ecograph.build.fetch import fetch
    from ecograph.build.gate import data_graph, staged_subjects
    from ecograph.build.publish import build
    from ecograph.model.sources import get_source
    from ecograph.settings import Settings
    from ecograph.store.embedded import EmbeddedStore

    sys.path.insert(0, str(REPO / "bench"))
    from synthetic import write_region

    cases = work / "cases"
    cases.mkdir(parents=True, exist_ok=True)
    ont = f"{BASE}/graph/ontology"

    def write(name: str, store: ox.Store, graph: str, context: list[str]) -> None:
        (cases / f"{name}.nt").write_bytes(data_graph(store, graph, context, ont))
        (cases / f"{name}.subjects").write_text("\n".join(sorted(staged_subjects(store, graph))), encoding="utf-8")

    # the shape examples, loaded as tests/test_gate.py loads them
    src = f"{BASE}/graph/staged"
    for example in sorted(EXAMPLES.glob("*.ttl")):
        if example.name == "published.ttl":
            continue
        store = ox.Store()
        store.load(path=str(REPO / "ontology" / "ecograph.ttl"), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ont))
        for scheme in sorted((REPO / "ontology" / "schemes").glob("*.ttl")):
            store.load(path=str(scheme), format=ox.RdfFormat.TURTLE, base_iri=f"{BASE}/id/", to_graph=ox.NamedNode(ont))
        for path in (EXAMPLES / "published.ttl", example):
            store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(src))
        write(f"example-{example.stem}", store, src, [])

    def settings(name: str, data: Path) -> Settings:
        return Settings(base=BASE, store=work / name / "store", downloads=work / name / "downloads", data=data)

    real = settings("real", REPO / "data")
    fetch(real.downloads, mirror=SHARED_DATA, progress=lambda _m: None)
    t0 = time.perf_counter()
    report = build(real, progress=lambda _m: None)
    real_s = time.perf_counter() - t0
    assert report.ok, [(s.name, s.error) for s in report.sources]
    store = EmbeddedStore(real.store).oxigraph
    for source in SOURCES:
        write(f"real-{source}", store, real.graph(source), [real.graph(s) for s in SOURCES if s != source])
    del store

    data = work / "synth" / "data"
    shutil.copytree(REPO / "data", data, dirs_exist_ok=True)
    write_region(data / "curated", orgs, seed=1)
    synth = settings("synth", data)
    sources = (get_source("refnis"), get_source("curated"))
    fetch(synth.downloads, mirror=SHARED_DATA, sources=sources[:1], progress=lambda _m: None)
    t0 = time.perf_counter()
    report = build(synth, sources=sources, progress=lambda _m: None)
    synth_s = time.perf_counter() - t0
    assert report.ok, [(s.name, s.error) for s in report.sources]
    store = EmbeddedStore(synth.store).oxigraph
    t0 = time.perf_counter()
    write("synthetic", store, synth.graph("curated"), [synth.graph("refnis")])
    extract_s = time.perf_counter() - t0
    triples = sum(1 for _ in (cases / "synthetic.nt").open("rb"))
    return {"real_build_s": real_s, "synth_build_s": synth_s, "extract_s": extract_s, "triples": triples}


def _run(*args: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, __file__, *args], check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=36000, help="organisations in the synthetic region")
    parser.add_argument("--runs", type=int, default=3, help="timed validations per engine (the median is shown)")
    parser.add_argument("--engines", default="pyshacl,turbo,shifty,rudof,gate")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--phase", choices=["prepare", "agree", "time"], help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "prepare":
        print(json.dumps(phase_prepare(args.work, args.orgs)))
        return
    if args.phase == "agree":
        print(json.dumps(phase_agree(args.engine, args.work / "cases")))
        return
    if args.phase == "time":
        print(json.dumps(phase_time(args.engine, args.work / "cases", args.runs)))
        return

    engines = args.engines.split(",")
    work = args.keep or Path(tempfile.mkdtemp(prefix="ecograph-shacl-"))
    try:
        if not (work / "cases" / "synthetic.nt").exists():
            prep = _run("--phase", "prepare", "--work", str(work), "--orgs", str(args.orgs))
            print(f"real build {prep['real_build_s']:.1f} s, synthetic build ({args.orgs:,} orgs) "
                  f"{prep['synth_build_s']:.1f} s; synthetic gate data: {prep['triples']:,} triples, "
                  f"extracted from the store in {prep['extract_s']:.2f} s")
        agree = {e: _run("--phase", "agree", "--engine", e, "--work", str(work)) for e in engines if e in ENGINES}
        timed = {e: _run("--phase", "time", "--engine", e, "--work", str(work), "--runs", str(args.runs))
                 for e in engines}
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    _print(agree, timed, args.runs)


def _print(agree: dict[str, dict[str, object]], timed: dict[str, dict[str, object]], runs: int) -> None:
    reference = agree.get("pyshacl") or {}
    ref_time = timed.get("pyshacl")
    print(f"\n{'engine':<36}{'examples':>10}{'real':>7}{'synth':>7}{'s (median of ' + str(runs) + ')':>18}"
          f"{'× pySHACL':>11}{'peak MB':>9}{'× pySHACL':>11}")
    for engine, t in timed.items():
        verdicts = agree.get(engine, {})
        ex = [c for c in reference if c.startswith("example-")]
        real = [c for c in reference if c.startswith("real-")]
        ok_ex = sum(verdicts.get(c) == reference[c] for c in ex)
        ok_real = sum(verdicts.get(c) == reference[c] for c in real)
        synth = "yes" if ref_time and t["verdict"][0] == ref_time["verdict"][0] else "no"
        tr = f"{t['seconds'] / ref_time['seconds']:.3f}" if ref_time else "-"
        mr = f"{t['peak_mb'] / ref_time['peak_mb']:.2f}" if ref_time else "-"
        cells = (f"{ok_ex}/{len(ex)}", f"{ok_real}/{len(real)}") if verdicts else ("-", "-")
        print(f"{LABELS.get(engine, engine):<36}{cells[0]:>10}{cells[1]:>7}{synth:>7}{t['seconds']:>18.2f}{tr:>11}"
              f"{t['peak_mb']:>9.0f}{mr:>11}")
    for engine, verdicts in agree.items():
        for case, got in verdicts.items():
            if got != reference.get(case):
                print(f"  {engine} differs on {case}: {got} ≠ pySHACL {reference.get(case)}")


if __name__ == "__main__":
    main()
