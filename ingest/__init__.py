"""Spreadsheets -> DuckDB (raw and audit tables). Entry point: `ingest.load.ingest_inbox`."""
