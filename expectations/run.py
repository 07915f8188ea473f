"""Run the Great Expectations suites (`expectations/suites/*.json`) on the warehouse.

Each expectation names its dataset (`meta.dataset`, built by `expectations.datasets`), its
severity (`blocking` refuses publication, `warning` is reported) and a Dutch description.
GX 1.x has no DuckDB dialect, so every dataset is read into pandas and validated with an
ephemeral context's pandas datasource. `great_expectations` is imported only inside
`run_checks` (it takes seconds).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import numbers
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from expectations import datasets
from ingest.schema import COLUMNS, CURRENT_TEMPLATE

SUITES_DIR = Path(__file__).parent / "suites"
SUITE_NAMES = ("submission_rows", "marts")
SEVERITIES = ("blocking", "warning")


@dataclass
class CheckResult:
    suite: str
    expectation: str  # the stable id (meta.id)
    severity: str  # blocking | warning
    success: bool
    description_nl: str
    failing_values: list = field(default_factory=list)
    failing_rows: list[dict] = field(default_factory=list)
    todo_nl: str = ""  # what the sender should change (for the feedback files)
    column: str | None = None  # the warehouse column it is about (submission rows)


@dataclass
class QualityReport:
    period: str | None
    results: list[CheckResult]
    completeness: pd.DataFrame
    restatements: list[dict]

    @property
    def blocking_failures(self) -> list[CheckResult]:
        return [r for r in self.results if r.severity == "blocking" and not r.success]

    @property
    def warnings(self) -> list[CheckResult]:
        return [r for r in self.results if r.severity == "warning" and not r.success]


# --- suites ---------------------------------------------------------------------------------

_COLUMNS = {c.name: c for c in COLUMNS[CURRENT_TEMPLATE]}
_PLACEHOLDER = re.compile(r"\{(header|allowed|label):([a-z_]+)(?::([a-z_]+))?\}")


def nl_text(template: str) -> str:
    """Fill `{header:col}`, `{allowed:col}`, `{label:col:code}` from ingest.schema, so no
    header or label is spelled in the suite files."""

    def sub(m: re.Match) -> str:
        kind, col, code = m.groups()
        column = _COLUMNS[col]
        if kind == "header":
            return column.header
        if kind == "allowed":
            return column.codes.allowed_text()
        return column.codes.labels[code]

    return _PLACEHOLDER.sub(sub, template)


def load_suite(name: str) -> dict:
    """The suite JSON as a dict (GX ExpectationSuite format plus our meta)."""
    suite = json.loads((SUITES_DIR / f"{name}.json").read_text(encoding="utf-8"))
    for exp in suite["expectations"]:
        meta = exp["meta"]
        if meta.get("severity") not in SEVERITIES:
            raise ValueError(f"suite {name}: expectation {meta.get('id')} has no valid severity")
        if meta.get("dataset") not in datasets.DATASETS and meta.get("dataset") != "restatements":
            raise ValueError(f"suite {name}: expectation {meta.get('id')} names unknown dataset {meta.get('dataset')}")
    return suite


def suite_parameters(change_threshold: float) -> dict:
    """Values the suites refer to as `{"$PARAMETER": name}`: the accepted codes of every
    coded column (from ingest.schema) and the configured change threshold."""
    params: dict = {"change_threshold": float(change_threshold)}
    for col in _COLUMNS.values():
        if col.codes is not None:
            codes = sorted(col.codes.synonyms)
            params[f"codes_{col.name}"] = [int(c) for c in codes] if all(c.isdigit() for c in codes) else codes
    return params


# --- JSON-safe values -------------------------------------------------------------------------


def plain(value):
    """A pandas/numpy/duckdb value as a plain JSON-able Python value (deterministic)."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()
        if isinstance(value, list):
            return [plain(v) for v in value]
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() else round(value, 6)
    return value


_NATIVE = (str, int, bool)  # plain() returns these unchanged


def _records(df: pd.DataFrame) -> list[dict]:
    """The rows of `df` as dicts of plain values: `plain` of every value of
    `df.to_dict("records")`, built column by column (a failing check can list 300,000 rows)."""
    columns = list(df.columns)
    if not columns:
        return [{} for _ in range(len(df))]
    values = []
    for i in range(len(columns)):
        column = df.iloc[:, i].tolist()
        values.append([v if type(v) in _NATIVE else plain(v) for v in column])
    return [dict(zip(columns, row)) for row in zip(*values)]


def _sort_key(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


# --- validation -------------------------------------------------------------------------------


def _typed_kwargs(kwargs: dict, df: pd.DataFrame) -> dict:
    """Date bounds are written as ISO text in the suite files; GX compares them with the
    column's values, so a date column gets Timestamp bounds."""
    column = kwargs.get("column")
    if column not in df.columns or not pd.api.types.is_datetime64_any_dtype(df[column]):
        return kwargs
    return {k: pd.Timestamp(v) if k in ("min_value", "max_value") and isinstance(v, str) else v for k, v in kwargs.items()}


_COLUMN_KWARGS = ("column", "column_A", "column_B")


def _needed_columns(df: pd.DataFrame, expectations: list[dict]) -> pd.DataFrame:
    """`df` with only the columns the expectations refer to, in `df`'s order (its first
    column when none is named, e.g. a row count)."""
    named = set()
    for e in expectations:
        kwargs = e["kwargs"]
        if kwargs.get("row_condition"):  # a condition can name any column
            return df
        named.update(kwargs[k] for k in _COLUMN_KWARGS if isinstance(kwargs.get(k), str))
        named.update(c for c in kwargs.get("column_list") or [] if isinstance(c, str))
    keep = [c for c in df.columns if c in named] or list(df.columns[:1])
    out = df if len(keep) == len(df.columns) else df[keep]
    # GX compares datetime64[ns] columns vectorised, other units value by value (DuckDB gives µs)
    wider = {}
    for c in keep:
        dtype = out[c].dtype
        if pd.api.types.is_datetime64_dtype(dtype) and not pd.api.types.is_datetime64_ns_dtype(dtype):
            try:
                wider[c] = out[c].astype("datetime64[ns]")
            except (OverflowError, ValueError):  # a date outside 1677-2262 stays as it is
                pass
    return out.assign(**wider) if wider else out


def _validate(batch_def, suite_name: str, dataset: str, df: pd.DataFrame, expectations: list[dict], params: dict):
    from great_expectations.core.expectation_suite import ExpectationSuite
    from great_expectations.validator.v1_validator import Validator as V1Validator

    df = df.reset_index(drop=True)
    # GX gets only the columns its expectations name (it hashes every column of the frame it is
    # given, and evaluates the full frame); the failing rows are taken from the whole frame below.
    gx_suite = ExpectationSuite(
        name=f"{suite_name}.{dataset}",
        expectations=[{"type": e["type"], "kwargs": _typed_kwargs(e["kwargs"], df), "meta": e["meta"]} for e in expectations],
    )
    # What `batch_def.get_batch(...).validate(...)` does, without getting (and hashing) the batch twice.
    validator = V1Validator(
        batch_definition=batch_def,
        batch_parameters={"dataframe": _needed_columns(df, expectations)},
        result_format={"result_format": "COMPLETE"},
    )
    validation = validator.validate_expectation_suite(gx_suite, expectation_parameters=params)
    by_id = {r.expectation_config.meta["id"]: r for r in validation.results}
    out = []
    for exp in expectations:
        meta = exp["meta"]
        res = by_id[meta["id"]]
        info = res.exception_info or {}
        if info.get("raised_exception") or any(
            isinstance(v, dict) and v.get("raised_exception") for v in info.values()
        ):
            raise RuntimeError(f"expectation {suite_name}.{meta['id']} could not be evaluated on dataset {dataset}: {info}")
        result = res.result or {}
        if res.success:
            values, rows = [], []
        elif "unexpected_index_list" in result:
            index = [int(i) for i in result["unexpected_index_list"] if isinstance(i, numbers.Integral)]
            rows = _records(df.loc[sorted(set(index))])
            values = sorted({_sort_key(plain(v)): plain(v) for v in result.get("unexpected_list", [])}.items())
            values = [v for _, v in values]
        else:  # a table-level expectation: every row of the dataset is a finding
            rows = _records(df)
            values = [plain(result.get("observed_value"))]
        column = exp["kwargs"].get("column") or meta.get("column")
        out.append(
            CheckResult(
                suite=suite_name,
                expectation=meta["id"],
                severity=meta["severity"],
                success=bool(res.success),
                description_nl=nl_text(meta["description_nl"]),
                failing_values=values,
                failing_rows=rows,
                todo_nl=nl_text(meta.get("todo_nl", "")),
                column=column,
            )
        )
    return out


def _gx_batch_definition():
    """One ephemeral context with one pandas datasource; every dataset is passed to it as a
    batch parameter (adding a datasource per dataset costs a config save each time)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("wolkenkaart")
    return source.add_dataframe_asset("dataset").add_batch_definition_whole_dataframe("whole")


def run_checks(con, period: str | None = None, previous_con=None, *, change_threshold: float = 0.30) -> QualityReport:
    """Validate the warehouse on `con` (the new build) with both suites.

    `period`: the batch period (per-period checks look at it alone; reconciliation looks
    at every period). `previous_con`: the previously published warehouse, for restatements
    (None when there is none). Results come in suite-file order."""
    frames: dict[str, pd.DataFrame] = {}
    restated = datasets.restatements(previous_con, con, period)
    frames["restatements"] = restated
    params = suite_parameters(change_threshold)
    batch_def = _gx_batch_definition()
    results: list[CheckResult] = []
    for suite_name in SUITE_NAMES:
        suite = load_suite(suite_name)
        groups: dict[str, list[dict]] = {}
        for exp in suite["expectations"]:
            groups.setdefault(exp["meta"]["dataset"], []).append(exp)
        by_id: dict[str, CheckResult] = {}
        for dataset, expectations in groups.items():
            if dataset not in frames:
                frames[dataset] = datasets.DATASETS[dataset](con, period)
            for r in _validate(batch_def, suite_name, dataset, frames[dataset], expectations, params):
                by_id[r.expectation] = r
        results += [by_id[e["meta"]["id"]] for e in suite["expectations"]]
    completeness = frames.get("completeness")
    if completeness is None:
        completeness = datasets.completeness(con, period)
    return QualityReport(
        period=period,
        results=results,
        completeness=completeness,
        restatements=_records(restated),
    )
