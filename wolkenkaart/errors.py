"""Errors a user can cause: the CLI prints their message as one line, never a traceback."""


class UsageError(Exception):
    """Bad period, missing inbox, busy warehouse, …: exit status 2."""

    exit_code = 2


class ChecksFailed(Exception):
    """Blocking data-quality checks failed, so nothing was published: exit status 1."""

    exit_code = 1


class BuildFailed(Exception):
    """dbt build or dbt tests failed: nothing was published (exit status 1)."""

    exit_code = 1
