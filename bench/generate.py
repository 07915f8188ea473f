"""Deterministic scale generator: realistic uitvraag workbooks (template 2025.1) at any size.

Writes one `.xlsx` per (organisation, period) with the sheets `Organisatie` and
`Clouddiensten` (headers from `ingest.schema.COLUMNS`, values from its `Codes` labels,
vendors from `seeds/vendor_aliases.csv`). The ingest accepts only the organisation codes of
its register (`seeds/organisations.csv`, 39 organisations), so a set of N files is laid out
as the real codes over as many consecutive quarters as needed:
`<dir>/<period>/<ORG>_<period>.xlsx` (file i is organisation i mod 39 in quarter i div 39).
Every file is a valid submission of its period.

For more organisations, `write_register` writes a reference-data folder (a copy of `seeds/`,
its `organisations.csv` extended by synthetic organisations `SYN0001` …) to be used through
`WOLKENKAART_REFERENCE_DIR`; `plan(..., orgs=codes)` then gives one file per organisation.

Same arguments, same bytes: every file's content depends only on (seed, org, period, rows);
xlsxwriter's document properties are pinned so the SHA-256 is stable too.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ingest import schema
from ingest.periods import parse_period, peildatum

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
FIXED_TIME = dt.datetime(2025, 1, 1)


@dataclass(frozen=True)
class FileSpec:
    path: Path
    org_code: str
    period: str
    rows: int
    seed: int


@dataclass(frozen=True)
class Generated:
    """What was written: the files, grouped by period, and the data rows in them."""

    root: Path
    files: tuple[FileSpec, ...]

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def periods(self) -> list[str]:
        return sorted({f.period for f in self.files})

    def inbox(self, period: str) -> Path:
        return self.root / period


def _seed_rows(name: str) -> list[dict[str, str]]:
    with (SEEDS / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def org_codes(register: Path = SEEDS) -> list[str]:
    """The organisations of a register folder (default: `seeds/`), in register order (the
    register keeps history: an organisation that moved to another ministry has two rows)."""
    with (register / "organisations.csv").open(encoding="utf-8", newline="") as fh:
        return list(dict.fromkeys(r["org_code"] for r in csv.DictReader(fh)))


# Synthetic organisations: existing kinds and ministries only (seeds/_seeds.yml accepts these
# org_types; Defensie, outside the rijksbrede totals, is left out).
SYNTHETIC_TYPES = ("agentschap", "zbo", "dienst")
SYNTHETIC_MINISTRIES = ("AZ", "BZ", "BZK", "EZ", "FIN", "IENW", "JENV", "LVVN", "OCW", "SZW", "VWS")


def synthetic_row(n: int) -> list[str]:
    """Register row of synthetic organisation n (1-based): `SYN0001`, valid since 1900."""
    kind = SYNTHETIC_TYPES[(n - 1) % len(SYNTHETIC_TYPES)]
    ministry = SYNTHETIC_MINISTRIES[(n - 1) % len(SYNTHETIC_MINISTRIES)]
    in_scope = "false" if kind == "zbo" else "true"
    return [f"SYN{n:04d}", f"Synthetische organisatie {n:04d}", kind, ministry, in_scope, "true", "1900-01-01", ""]


def write_register(dest: Path, orgs: int) -> list[str]:
    """A reference-data folder for `orgs` distinct organisations: a copy of `seeds/` (every
    CSV and `_seeds.yml`) whose `organisations.csv` also holds `orgs` − 39 synthetic ones.
    Deterministic; returns the first `orgs` organisation codes (the real ones first)."""
    real = org_codes()
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(SEEDS, dest)
    extra = max(0, orgs - len(real))
    if extra:
        with (dest / "organisations.csv").open("a", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(synthetic_row(n) for n in range(1, extra + 1))
    return org_codes(dest)[:orgs]


def add_quarters(period: str, n: int) -> str:
    year, q = parse_period(period)
    idx = year * 4 + (q - 1) + n
    return f"{idx // 4}-Q{idx % 4 + 1}"


def plan(root: Path, *, files: int, rows: int, last_period: str = "2025-Q3", seed: int = 0,
         orgs: list[str] | None = None) -> Generated:
    """The layout of `files` files of `rows` data rows each, ending in quarter `last_period`
    (organisations fill a quarter before the next, earlier, quarter is started)."""
    codes = orgs or org_codes()
    quarters = -(-files // len(codes))
    specs = []
    for i in range(files):
        period = add_quarters(last_period, -(quarters - 1) + i // len(codes))
        org = codes[i % len(codes)]
        specs.append(FileSpec(root / period / f"{org}_{period}.xlsx", org, period, rows, seed))
    return Generated(root, tuple(specs))


def generate(root: Path, *, files: int, rows: int, last_period: str = "2025-Q3", seed: int = 0,
             workers: int = 2, orgs: list[str] | None = None) -> Generated:
    """Plan and write the files (skipping none: existing files are overwritten)."""
    gen = plan(root, files=files, rows=rows, last_period=last_period, seed=seed, orgs=orgs)
    for p in gen.periods:
        gen.inbox(p).mkdir(parents=True, exist_ok=True)
    if workers > 1 and len(gen.files) > 1:
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(write_file, gen.files, chunksize=max(1, len(gen.files) // (workers * 8))))
    else:
        for spec in gen.files:
            write_file(spec)
    return gen


# ---- one workbook -----------------------------------------------------------------------

# Relative frequencies of the labels of a coded column (in the order of its Codes): most
# services are in use, in the Netherlands or the EER; planned moves abroad are rare. Real
# returns look like this, and the Kamerbrief tables that list single services (planned
# migrations abroad, reconsidered migrations) stay as short as they would be in reality.
WEIGHTS = {
    "status": [80, 4, 3, 2, 11],  # in gebruik, in migratie, gepland, voorgenomen, beëindigd
    "location_declared": [45, 40, 8, 7],  # Nederland, EER, Buiten EER, Onbekend
    "reconsidered": [90, 6, 3, 1],  # Nee, Doorgezet, Aangepast, Stopgezet
    "cloud_type": [55, 15, 10, 5, 10, 5],
    "service_model": [70, 20, 10],
}


class _Pools:
    """Value pools, built once per process."""

    def __init__(self) -> None:
        self.vendors = [r["alias"] for r in _seed_rows("vendor_aliases.csv")]
        self.countries = [r["name_nl"] for r in _seed_rows("countries.csv")]
        self.iso = [r["iso2"] for r in _seed_rows("countries.csv")]
        self.labels = {c.name: list(c.codes.labels.values()) for c in schema.COLUMNS[schema.CURRENT_TEMPLATE] if c.codes}
        self.words = ("Zaaksysteem Portaal Archief Analyse Beheer Registratie Planning Mail Kantoor "
                      "Samenwerking Monitoring Identiteit Opslag Backup Rapportage Financiën HR "
                      "Subsidies Vergunningen Inspectie Klantcontact").split()


_POOLS: _Pools | None = None


def _pools() -> _Pools:
    global _POOLS
    if _POOLS is None:
        _POOLS = _Pools()
    return _POOLS


def _row(rnd: random.Random, i: int, spec: FileSpec, p: _Pools) -> list[object]:
    """One realistic service row, in the order of COLUMNS['2025.1'] (mostly valid;
    a few percent carry what real submissions carry: synonyms, unknown vendors, text dates)."""
    lab = p.labels

    def pick(column: str) -> str:
        labels = lab[column]
        return rnd.choices(labels, WEIGHTS.get(column, [1] * len(labels)))[0]

    location = pick("location_declared")
    countries: str = ""
    if location != "Onbekend" and rnd.random() < 0.7:
        countries = "; ".join(rnd.sample(p.iso if rnd.random() < 0.5 else p.countries, rnd.randint(1, 3)))
    vendor = rnd.choice(p.vendors) if rnd.random() > 0.02 else f"Lokale leverancier {rnd.randint(1, 20)}"
    start = dt.date(2015, 1, 1) + dt.timedelta(days=rnd.randint(0, 3800))
    risk = dt.date(2020, 1, 1) + dt.timedelta(days=rnd.randint(0, 2000))
    cost: object = round(rnd.uniform(0, 2_000_000), 2)
    if rnd.random() < 0.1:
        cost = f"€ {int(cost):,}".replace(",", ".") + ",-"
    values = {
        "service_id": f"{spec.org_code}-{i:06d}",
        "service_name": f"{rnd.choice(p.words)} {rnd.choice(p.words).lower()} {i}",
        "vendor_raw": vendor,
        "provider_raw": rnd.choice(p.vendors) if rnd.random() < 0.3 else "",
        "service_model": pick("service_model"),
        "cloud_type": pick("cloud_type"),
        "process": pick("process"),
        "location_declared": location,
        "countries": countries,
        "personal_data": pick("personal_data"),
        "bbn": pick("bbn"),
        "status": pick("status"),
        "reconsidered": pick("reconsidered") if rnd.random() < 0.4 else "",
        "start_date": start if rnd.random() < 0.9 else f"{start.day}-{start.month}-{start.year}",
        "exit_strategy": rnd.choice(lab["exit_strategy"]),
        "fallback": rnd.choice(lab["fallback"]),
        "last_risk_assessment": risk if rnd.random() < 0.8 else "",
        "annual_cost_eur": cost,
        "remarks": "" if rnd.random() < 0.8 else "Contract loopt via categoriemanagement",
    }
    if rnd.random() < 0.005:  # a value the ingest rejects, as real submissions have
        values["status"] = "Actief"
    return [values[c.name] for c in schema.COLUMNS[schema.CURRENT_TEMPLATE]]


def write_file(spec: FileSpec) -> Path:
    """Write one submission (xlsxwriter, constant_memory: rows are streamed to disk)."""
    import xlsxwriter

    p = _pools()
    rnd = random.Random(f"{spec.seed}/{spec.org_code}/{spec.period}/{spec.rows}")
    spec.path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(spec.path), {"constant_memory": True, "tmpdir": str(spec.path.parent)})
    wb.set_properties({"created": FIXED_TIME})
    date_fmt = wb.add_format({"num_format": "dd-mm-yyyy"})
    org = wb.add_worksheet(schema.SHEET_ORG)
    key = {name: text.capitalize() for text, name in schema.ORG_KEYS.items()}
    org_rows = {"org_code": spec.org_code, "period": spec.period,
                "peildatum": peildatum(spec.period).isoformat(), "template_version": schema.CURRENT_TEMPLATE}
    for r, (name, value) in enumerate(org_rows.items()):
        org.write_string(r, 0, key[name])
        org.write_string(r, 1, value)
    ws = wb.add_worksheet(schema.SHEET_SERVICES)
    for c, col in enumerate(schema.COLUMNS[schema.CURRENT_TEMPLATE]):
        ws.write_string(0, c, col.header)
    for i in range(1, spec.rows + 1):
        for c, value in enumerate(_row(rnd, i, spec, p)):
            if isinstance(value, dt.date):
                ws.write_datetime(i, c, dt.datetime(value.year, value.month, value.day), date_fmt)
            elif isinstance(value, float):
                ws.write_number(i, c, value)
            elif value != "":
                ws.write_string(i, c, value)
    wb.close()
    return spec.path
