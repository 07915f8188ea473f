"""The benchmark: `python -m bench.run --size small|medium|national` (or `bash bench/run`).

For one size it generates (once; files are reused when present) deterministic sets under
`bench/out/<size>/`:
- `run-<files>orgs/`: the national shape of one quarter, `files` organisations each sending
  one submission of `rows` data rows, for the side-by-side read comparison: (a) the
  project's ingest, (b) the calamine floor, (c) pandas + openpyxl, each in its own process
  on the same files. More organisations than the register's 39 means a register with
  synthetic ones (`register-<files>/`, see `generate.write_register`), used through
  `WOLKENKAART_REFERENCE_DIR` by the project's ingest and by every run.
- `run/`: the same number of rows as one quarter of the 39 organisations, for the full
  `wolkenkaart run` (wall time, peak memory, the split per step from manifest.json), then a
  resubmission of one organisation (one file changed: only it may be parsed again), and
  the fixed cost of a run on an inbox with one nil return. With `--orgs N` the rows are
  spread over N organisations instead (`run-<N>orgs/`, the read comparison's set for N = files).
- `read/` (only with `--history N`): the 39 organisations over consecutive quarters; one
  quarter is run on warehouses holding 0, N/2 and N earlier quarters.
Prints a report and writes `results.json` (and with `--markdown`, a table for
docs/performance.md). No figure is asserted: this measures, it does not judge.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench import generate, readers
from ingest.reference import ENV as REFERENCE_ENV

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
PERIOD = "2025-Q3"
RUN_ORGS = len(generate.org_codes())


@dataclass(frozen=True)
class Size:
    files: int  # files of the read comparison
    rows: int  # data rows per file of the read comparison

    @property
    def total(self) -> int:
        return self.files * self.rows


SIZES = {
    "tiny": Size(3, 20),
    "small": Size(40, 400),
    "medium": Size(400, 400),
    "national": Size(1500, 400),
}


# ---- measuring one reader in its own process --------------------------------------------

def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    """CPU seconds of this process and its finished children (robust when the machine is shared)."""
    import resource

    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


def read_once(kind: str, inboxes: list[Path], workers: int, scratch: Path) -> dict:
    """Run one reader here (in this process) and return rows, seconds and peak memory."""
    kwargs: dict = {}
    if kind in ("floor", "project"):
        kwargs["workers"] = workers
    if kind in ("project", "baseline"):
        kwargs["database"] = scratch / f"{kind}.duckdb"
    import importlib

    for module in readers.IMPORTS[kind]:
        importlib.import_module(module)
    start, cpu = time.perf_counter(), _cpu_s()
    rows = readers.READERS[kind](inboxes, **kwargs)
    seconds = time.perf_counter() - start
    return {"reader": kind, "rows": int(rows), "seconds": seconds, "cpu_s": _cpu_s() - cpu,
            "rows_per_s": rows / seconds if seconds else 0.0,
            "peak_rss_mb": _peak_rss_mb(), "workers": workers if "workers" in kwargs else 1}


def measure_reader(kind: str, inboxes: list[Path], workers: int, scratch: Path,
                   env: dict[str, str] | None = None) -> dict:
    """`read_once` in a fresh interpreter, so no reader profits from another's imports or caches."""
    scratch.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "bench.run", "--read", kind, "--workers", str(workers),
           "--scratch", str(scratch), *map(str, inboxes)]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})})
    if done.returncode != 0:
        return {"reader": kind, "error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare_readers(inboxes: list[Path], workers: int, scratch: Path, kinds=("floor", "project", "baseline"),
                    env: dict[str, str] | None = None) -> dict:
    """(a) project, (b) floor, (c) baseline on the same files, and the ratios (`env`: e.g. the
    register that knows the organisations, for the project's ingest)."""
    results = {k: measure_reader(k, inboxes, workers, scratch, env) for k in kinds}
    secs = {k: r.get("seconds") for k, r in results.items()}
    ratios = {}
    if secs.get("project") and secs.get("floor"):
        ratios["project_over_floor"] = secs["project"] / secs["floor"]
    if secs.get("project") and secs.get("baseline"):
        ratios["baseline_over_project"] = secs["baseline"] / secs["project"]
    return {"readers": results, "ratios": ratios}


# ---- the whole batch ---------------------------------------------------------------------



STEPS = ("ingest", "dbt build", "checks", "quality report and feedback", "reports", "publish")
_STEP_DONE = re.compile(r"\b(" + "|".join(STEPS) + r") done in ([0-9.]+) s\b")


def _parse_time_v(text: str) -> dict:
    out: dict = {}
    for line in text.splitlines():
        key, _, value = line.strip().rpartition(": ")
        if key == "Maximum resident set size (kbytes)":
            out["peak_rss_mb"] = int(value) / 1024
        elif key in ("User time (seconds)", "System time (seconds)"):
            out["cpu_s"] = out.get("cpu_s", 0.0) + float(value)
        elif key.startswith("Elapsed (wall clock)"):
            parts = [float(p) for p in value.split(":")]
            out["wall_s"] = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    return out


def wolkenkaart_run(inbox: Path, warehouse: Path, out: Path, period: str = PERIOD,
                    formats: str | None = None, env: dict[str, str] | None = None) -> dict:
    """One `wolkenkaart run` under /usr/bin/time -v: wall time, peak memory, step split
    (`env`: variables added to this process's environment, e.g. WOLKENKAART_REFERENCE_DIR)."""
    exe = Path(sys.executable).with_name("wolkenkaart")
    cmd = [str(exe), "run", "--period", period, "--inbox", str(inbox), "--warehouse", str(warehouse),
           "--out", str(out)]
    if formats:
        cmd += ["--formats", formats]
    timer = shutil.which("time", path="/usr/bin")
    start = time.perf_counter()
    done = subprocess.run(([timer, "-v"] if timer else []) + cmd, cwd=REPO, capture_output=True, text=True,
                          check=False, env={**os.environ, **(env or {})})
    result: dict = {"exit": done.returncode, "wall_s": time.perf_counter() - start}
    result.update(_parse_time_v(done.stderr))
    # the step split: the CLI's log lines ("<step> done in X s"), also when the run stopped early
    result["steps_s"] = {m[1]: float(m[2]) for m in _STEP_DONE.finditer(done.stderr)}
    manifest = out / "manifest.json"
    if done.returncode == 0 and manifest.exists():
        result["steps_s"].update(json.loads(manifest.read_text(encoding="utf-8")).get("timings_s", {}))
    if done.returncode != 0:
        errors = [ln for ln in done.stderr.splitlines()
                  if ln.strip() and not ln.startswith(("\t", "Command exited", "Command terminated"))]
        result["error"] = errors[-1] if errors else "failed"
    return result


def run_statuses(warehouse: Path) -> dict:
    """Files of the latest run in audit.files, by status."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select status, count(*) from audit.files where run_id = (select max_by(run_id, file_id) "
            "from audit.files) group by status").fetchall()
    finally:
        con.close()
    return dict(rows)


def organisations_set(root: Path, n: int, rows: int, workers: int,
                      folder: str | None = None) -> tuple[generate.Generated, dict[str, str] | None]:
    """`n` organisations × `rows` rows, one file each, all in quarter PERIOD (`run-<n>orgs/`,
    or `folder`), and the environment that makes the ingest and dbt know them: more than the
    register's 39 means a register with synthetic ones (`register-<n>/`)."""
    codes, env = generate.org_codes()[:n], None
    if n > RUN_ORGS:
        register = root / f"register-{n}"
        codes = generate.write_register(register, n)
        env = {REFERENCE_ENV: str(register.resolve())}  # inside the project (bench/out/): see dbt_seed_path
    gen = _generated(root / (folder or f"run-{n}orgs"), files=n, rows=rows, workers=workers, orgs=codes)
    return gen, env


def full_run(root: Path, total_rows: int, formats: str | None, workers: int, orgs: int | None = None) -> dict:
    """Fixed cost, the full run at `total_rows` rows in one quarter, then one resubmission.
    The rows are spread over the register's 39 organisations, or over `orgs` organisations
    (one file each; more than 39: a register with synthetic ones, see module doc)."""
    n = min(orgs or RUN_ORGS, total_rows)
    gen, env = organisations_set(root, n, max(1, total_rows // n), workers, folder="run" if orgs is None else None)
    work = root / "work"
    shutil.rmtree(work, ignore_errors=True)
    (work / "empty").mkdir(parents=True)
    # the fixed cost: one organisation's nil return (an empty inbox is refused up front)
    generate.write_file(generate.FileSpec(work / "empty" / f"UWV_{PERIOD}.xlsx", "UWV", PERIOD, 0, 0))
    result: dict = {"rows": gen.rows, "files": len(gen.files), "organisations": n,
                    "register": env[REFERENCE_ENV] if env else "seeds"}
    # twice: the first build on a warehouse path may parse the whole dbt project (its own
    # target folder, see wolkenkaart.dbt.target_dir); every later quarter's run on it does not
    result["empty_inbox_first"] = wolkenkaart_run(work / "empty", work / "empty.duckdb", work / "out-empty",
                                                  formats=formats, env=env)
    result["empty_inbox"] = wolkenkaart_run(work / "empty", work / "empty.duckdb", work / "out-empty",
                                            formats=formats, env=env)
    warehouse = work / "warehouse.duckdb"
    result["first"] = wolkenkaart_run(gen.inbox(PERIOD), warehouse, work / "out-1", formats=formats, env=env)
    # resubmission: a new version of the first organisation's file, the others unchanged
    inbox = work / "resubmission"
    shutil.copytree(gen.inbox(PERIOD), inbox)
    changed = gen.files[0]
    generate.write_file(generate.FileSpec(inbox / changed.path.name, changed.org_code, changed.period,
                                          changed.rows, changed.seed + 1))
    result["resubmission"] = wolkenkaart_run(inbox, warehouse, work / "out-2", formats=formats, env=env)
    if warehouse.exists():
        result["resubmission"]["files_by_status"] = run_statuses(warehouse)
    return result


def wolkenkaart_ingest(inbox: Path, warehouse: Path, period: str) -> None:
    """`wolkenkaart ingest` of one quarter (set-up of a history; not measured)."""
    exe = Path(sys.executable).with_name("wolkenkaart")
    subprocess.run([str(exe), "-q", "ingest", "--period", period, "--inbox", str(inbox), "--warehouse", str(warehouse)],
                   cwd=REPO, check=True, capture_output=True)


def history_run(root: Path, spec: Size, quarters: int, formats: str | None, workers: int) -> dict:
    """How a run grows with the history in the warehouse: the same quarter (the last full one
    of the `read/` set: the register's organisations × `rows`) run on a warehouse that holds
    0, quarters/2 and `quarters` earlier quarters (ingested with `wolkenkaart ingest`)."""
    gen = _generated(root / "read", files=spec.files, rows=spec.rows, workers=workers)
    by_period = {p: [f for f in gen.files if f.period == p] for p in gen.periods}
    full = [p for p in gen.periods if len(by_period[p]) == RUN_ORGS]
    if not full:
        raise SystemExit(f"bench/run: the {root.name} set has no quarter with all {RUN_ORGS} organisations")
    period = full[-1]
    earlier = [p for p in gen.periods if p < period]
    if quarters > len(earlier):
        print(f"history: only {len(earlier)} earlier quarters in {root / 'read'}", file=sys.stderr)
        quarters = len(earlier)
    work = root / "work-history"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    result: dict = {"period": period, "rows": sum(f.rows for f in by_period[period]), "runs": []}
    for h in sorted({0, quarters // 2, quarters}):
        warehouse = work / f"history-{h}.duckdb"
        for p in earlier[len(earlier) - h:] if h else []:
            wolkenkaart_ingest(gen.inbox(p), warehouse, p)
        history_rows = sum(f.rows for p in earlier[len(earlier) - h:] if h for f in by_period[p])
        run = wolkenkaart_run(gen.inbox(period), warehouse, work / f"out-{h}", period=period, formats=formats)
        result["runs"].append({"quarters": h, "history_rows": history_rows, **run})
    return result


# ---- orchestration -----------------------------------------------------------------------

def _generated(root: Path, *, files: int, rows: int, workers: int,
               orgs: list[str] | None = None) -> generate.Generated:
    """The planned set, written only when some file is missing (generation is deterministic)."""
    gen = generate.plan(root, files=files, rows=rows, last_period=PERIOD, orgs=orgs)
    if not all(f.path.exists() for f in gen.files):
        start = time.perf_counter()
        shutil.rmtree(root, ignore_errors=True)
        gen = generate.generate(root, files=files, rows=rows, last_period=PERIOD, workers=workers, orgs=orgs)
        print(f"generated {len(gen.files)} files, {gen.rows:,} rows in {time.perf_counter() - start:.1f} s "
              f"-> {root}", file=sys.stderr)
    return gen


def machine() -> dict:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    mem_kb = next((int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines()
                   if ln.startswith("MemTotal")), 0)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem_kb / 2**20, 1),
            "python": platform.python_version(), "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")}


def benchmark(size: str, out: Path = OUT, *, workers: int | None = None, readers_only: bool = False,
              run_only: bool = False, formats: str | None = None,
              kinds: tuple[str, ...] = ("floor", "project", "baseline"), orgs: int | None = None,
              history: int | None = None) -> dict:
    """Everything for one size; the result dict (also written to `<out>/<size>/results.json`,
    merged with what an earlier invocation for the other part measured)."""
    spec = SIZES[size]
    workers = workers or readers.default_workers()
    root = out / size
    result: dict = {"size": size, "files": spec.files, "rows_per_file": spec.rows, "rows": spec.total,
                    "machine": machine()}
    if history is not None:
        result["history"] = history_run(root, spec, history, formats, workers)
    elif not run_only:  # the national shape: one quarter, one file per organisation
        gen, env = organisations_set(root, spec.files, spec.rows, workers)
        result["generated_rows"] = gen.rows
        result["compare"] = compare_readers([gen.inbox(PERIOD)], workers, root / "scratch", kinds, env)
    if not readers_only and history is None:
        result["run"] = full_run(root, spec.total, formats, workers, orgs)
    path = root / "results.json"
    if path.exists():  # keep the part of an earlier --readers-only / --run-only invocation
        earlier = json.loads(path.read_text(encoding="utf-8"))
        result = {**{k: v for k, v in earlier.items() if k in ("compare", "run", "history")}, **result}
    path.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    return result


def _f(value, fmt: str = ".1f") -> str:
    return "–" if value is None else format(value, fmt)


def report(result: dict) -> str:
    """A plain-text/markdown report of one result."""
    m = result["machine"]
    lines = [f"## {result['size']}: {result['rows']:,} rows ({result['files']} files × {result['rows_per_file']})",
             f"{m['cores']} cores, {m['cpu']}, {m['memory_gb']} GB, Python {m['python']}, {m['date']}", ""]
    if "compare" in result:
        names = {"project": "(a) project ingest", "floor": "(b) calamine floor", "baseline": "(c) pandas + openpyxl"}
        lines += ["| reader | rows | wall s | CPU s | rows/s (wall) | peak MB | processes |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for kind, r in result["compare"]["readers"].items():
            if "error" in r:
                lines.append(f"| {names[kind]} | – | – | – | – | – | error: {r['error']} |")
                continue
            lines.append(f"| {names[kind]} | {r['rows']:,} | {r['seconds']:.2f} | {_f(r.get('cpu_s'), '.2f')} | "
                         f"{r['rows_per_s']:,.0f} | "
                         f"{r['peak_rss_mb']:.0f} | {r['workers']} |")
        ratios = result["compare"]["ratios"]
        lines += ["", f"(a)/(b) = {_f(ratios.get('project_over_floor'), '.2f')} (target ≤ 1.5); "
                      f"(c)/(a) = {_f(ratios.get('baseline_over_project'), '.1f')} (target ≥ 5)", ""]
    if "run" in result:
        run = result["run"]
        lines += [f"`wolkenkaart run`, {run['rows']:,} rows in {run['files']} files of one quarter"
                  f" (register: {run.get('register', 'seeds')}):", "",
                  "| run | exit | wall s | CPU s | peak MB | ingest | dbt build | checks | quality+feedback | reports | publish "
                  "| rest (start-up, exit) |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for label, key in (("nil return, first on its warehouse", "empty_inbox_first"),
                           ("nil return again (fixed cost)", "empty_inbox"), ("full run", "first"),
                           ("resubmission of 1 org", "resubmission")):
            r = run.get(key, {})
            s = r.get("steps_s", {})
            lines.append(f"| {label} | {r.get('exit')} | {_f(r.get('wall_s'))} | {_f(r.get('cpu_s'))} | "
                         f"{_f(r.get('peak_rss_mb'), '.0f')} | "
                         + " | ".join(_f(s.get(k), ".1f") for k in STEPS)
                         + f" | {_f(r['wall_s'] - sum(s.values()) if 'wall_s' in r else None)} |")
            if r.get("error"):
                lines.append(f"|  ↳ error: {r['error'][:150]} |")
        statuses = run.get("resubmission", {}).get("files_by_status")
        if statuses:
            lines += ["", "resubmission, files by status: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))]
    if "history" in result:
        hist = result["history"]
        lines += ["", f"`wolkenkaart run` of {hist['period']} ({hist['rows']:,} rows) on a warehouse with history:", "",
                  "| earlier quarters | rows in history | exit | wall s | CPU s | peak MB | ingest | dbt build | checks "
                  "| quality+feedback | reports | publish |", "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in hist["runs"]:
            s = r.get("steps_s", {})
            lines.append(f"| {r['quarters']} | {r['history_rows']:,} | {r.get('exit')} | {_f(r.get('wall_s'))} | "
                         f"{_f(r.get('cpu_s'))} | {_f(r.get('peak_rss_mb'), '.0f')} | "
                         + " | ".join(_f(s.get(k), ".1f") for k in STEPS) + " |")
            if r.get("error"):
                lines.append(f"|  ↳ error: {r['error'][:150]} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", choices=list(SIZES), action="append",
                    help="repeatable; default: small, medium, national")
    ap.add_argument("--workers", type=int, default=None, help="processes/threads for floor, project and generator")
    ap.add_argument("--readers-only", action="store_true", help="only the (a)/(b)/(c) comparison")
    ap.add_argument("--run-only", action="store_true", help="only the full wolkenkaart run")
    ap.add_argument("--skip-baseline", action="store_true", help="leave out the slow pandas+openpyxl reader")
    ap.add_argument("--formats", default=None, help="Kamerbrief formats of the run (default: the CLI's)")
    ap.add_argument("--orgs", type=int, default=None,
                    help="full run: spread the rows over N organisations, one file each (N > 39: a register "
                         "with synthetic organisations via WOLKENKAART_REFERENCE_DIR; national: --orgs 1500)")
    ap.add_argument("--history", type=int, default=None, metavar="N",
                    help="instead: one quarter run on a warehouse holding 0, N/2 and N earlier quarters "
                         "(of the read set; national: --history 20)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--markdown", type=Path, default=None, help="also append the report to this file")
    ap.add_argument("--read", choices=list(readers.READERS), help=argparse.SUPPRESS)
    ap.add_argument("--scratch", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("inboxes", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.read:  # child process of measure_reader
        print(json.dumps(read_once(args.read, args.inboxes, args.workers or 1, args.scratch)))
        return 0
    kinds = ("floor", "project") if args.skip_baseline else ("floor", "project", "baseline")
    for size in args.size or ["small", "medium", "national"]:
        result = benchmark(size, args.out, workers=args.workers, readers_only=args.readers_only,
                           run_only=args.run_only, formats=args.formats, kinds=kinds, orgs=args.orgs,
                           history=args.history)
        text = report(result)
        print(text, flush=True)
        if args.markdown:
            with args.markdown.open("a", encoding="utf-8") as fh:
                fh.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
