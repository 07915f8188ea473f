"""The column-major helpers of the read path give what the per-column polars expressions give
(`read._finish`: trailing empty rows, cell lists; `rows._first_cells`: the first non-empty cell)."""

from __future__ import annotations

import random

import polars as pl
import pytest

from ingest import read, rows

CELLS = [None, "", " ", "\u00a0", "\u2003", "\u200b", "\ufeff", "\t\n", "x", " a ", "Totaal:", "é", "\u00a0b\u00a0"]


def _frames(seed: int, n_frames: int = 150):
    rnd = random.Random(seed)
    yield pl.DataFrame()
    yield pl.DataFrame({"a": [None, None]}, schema={"a": pl.Null})
    yield pl.DataFrame({"a": [], "b": []}, schema={"a": pl.Utf8, "b": pl.Utf8})
    for _ in range(n_frames):
        w, n = rnd.randint(1, 6), rnd.randint(0, 25)
        yield pl.DataFrame({f"x{j}": [rnd.choice(CELLS) for _ in range(n)] for j in range(w)},
                           schema={f"x{j}": pl.Utf8 for j in range(w)})


def _finish_reference(df: pl.DataFrame) -> tuple[pl.DataFrame, list]:
    df = df.rename({old: f"c{i}" for i, old in enumerate(df.columns)}).with_columns(pl.all().cast(pl.Utf8))
    df = df.with_row_index(read.ROW, offset=1).with_columns(pl.col(read.ROW).cast(pl.Int32))
    cells = [c for c in df.columns if c != read.ROW]
    if not cells:
        return df.head(0), []
    filled = pl.any_horizontal([pl.col(c).str.replace_all("\u00a0", " ").str.strip_chars() != "" for c in cells])
    last = df.select(pl.when(filled.fill_null(False)).then(pl.col(read.ROW)).max()).item()
    df = df.filter(pl.col(read.ROW) <= (last or 0)).select(read.ROW, *cells)
    lists = df.select(pl.concat_list([pl.col(c).fill_null("") for c in cells])).to_series().to_list()
    return df, lists


@pytest.mark.parametrize("seed", [1, 2])
def test_finish_matches_per_column_expressions(seed):
    for df in _frames(seed):
        want, want_lists = _finish_reference(df)
        got, got_lists = read._finish(df)
        assert got.equals(want) and got.schema == want.schema, df
        assert got_lists.dtype == pl.List(pl.Utf8) and got_lists.to_list() == want_lists, df
        assert len(got_lists) == got.height


@pytest.mark.parametrize("seed", [3, 4])
def test_first_cells_matches_coalesce(seed):
    for df in _frames(seed):
        if not df.width:
            continue
        cells = df.columns
        want = df.select(first=pl.coalesce([rows._clean(c) for c in cells])).to_series()
        got = rows._first_cells(df, cells)
        assert got.to_list() == want.to_list() and got.dtype == pl.Utf8, df
