"""Where the reference data (the dbt seeds) is read at run time: one place.

`WOLKENKAART_REFERENCE_DIR` (default: the repository's `seeds/`) names a folder holding the
four reference CSVs (`organisations`, `vendors`, `vendor_aliases`, `countries`) and
`_seeds.yml`; the ingest reads it here and dbt seeds from it (`dbt_project.yml` `seed-paths`,
given the project-relative form by `wolkenkaart.dbt`: the folder must lie inside the project).
The benchmark uses it for a register of 1,500 organisations.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV = "WOLKENKAART_REFERENCE_DIR"
DEFAULT = Path(__file__).resolve().parent.parent / "seeds"


def reference_dir() -> Path:
    """The reference-data folder: `$WOLKENKAART_REFERENCE_DIR`, else the repository's `seeds/`.
    A relative value is relative to the repository (as dbt reads it from the project dir)."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return DEFAULT
    path = Path(value).expanduser()
    return path if path.is_absolute() else DEFAULT.parent / path


def dbt_seed_path() -> str:
    """The reference folder as dbt's `seed-paths` must get it: relative to the project.

    dbt writes each seed's run output to `<target>/run/<project>/<seed path>/<file>`; with an
    absolute seed path that is the CSV itself (dbt overwrites the reference data) and the
    compiled tests of `_seeds.yml` cannot be written. So the folder must lie inside the
    project (e.g. under `bench/out/`); ValueError otherwise."""
    path, project = reference_dir().resolve(), DEFAULT.parent.resolve()
    if not path.is_relative_to(project):
        raise ValueError(f"{ENV}={path}: the reference folder must lie inside the project ({project}), "
                         "dbt would otherwise write into it")
    return str(path.relative_to(project))
