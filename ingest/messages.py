"""Every Dutch message ingest writes (audit.files.message, audit.rejected_rows, audit.warnings).

The location prefix is built in one place, `location`; row messages are polars expressions
so a whole sheet is described without a Python loop.
"""

from __future__ import annotations

import polars as pl


def location(file_name: str, sheet: str | None = None, row: int | pl.Expr | None = None,
             column: str | None = None) -> str | pl.Expr:
    """`UWV_2025-Q3.xlsx, blad Clouddiensten, rij 14, kolom 'Status'` (parts left out when None).

    With `row` a polars expression the result is an expression (one prefix per row)."""
    head = file_name + (f", blad {sheet}" if sheet else "")
    tail = f", kolom '{column}'" if column else ""
    if isinstance(row, pl.Expr):
        return pl.concat_str([pl.lit(f"{head}, rij "), row.cast(pl.Utf8), pl.lit(tail)])
    return head + (f", rij {row}" if row is not None else "") + tail


def row_location(head: pl.Expr, row: pl.Expr, column: pl.Expr | None = None) -> pl.Expr:
    """`location` with every part an expression (one prefix per row of several files): `head` is
    `location(file_name, sheet)` of the row's file, `column` the header as written (not null)."""
    tail = [pl.lit(", kolom '"), column, pl.lit("'")] if column is not None else []
    return pl.concat_str([head, pl.lit(", rij "), row.cast(pl.Utf8), *tail])


def at(prefix: str | pl.Expr, text: str | pl.Expr) -> str | pl.Expr:
    """`<location>: <text>`."""
    if isinstance(prefix, pl.Expr) or isinstance(text, pl.Expr):
        return pl.concat_str([_expr(prefix), pl.lit(": "), _expr(text)])
    return f"{prefix}: {text}"


def _expr(x: str | pl.Expr) -> pl.Expr:
    return x if isinstance(x, pl.Expr) else pl.lit(x)


def quoted(value: pl.Expr) -> pl.Expr:
    return pl.concat_str([pl.lit("'"), value, pl.lit("'")])


def _text(*parts: str | pl.Expr) -> pl.Expr:
    return pl.concat_str([_expr(p) for p in parts])


# ---- row level (expressions over a column `value`) -------------------------------------

def required_missing(allowed: str | None) -> str:
    hint = f"kies uit: {allowed}" if allowed else "vul dit veld in"
    return f"verplicht veld is leeg; de rij is niet verwerkt ({hint})"


def invalid_value(value: pl.Expr, allowed: str) -> pl.Expr:
    return _text(quoted(value), f" is geen geldige waarde (kies uit: {allowed})")


def duplicate_service_id(value: pl.Expr) -> pl.Expr:
    return _text("Dienst-ID ", quoted(value), " komt meer dan eens voor in deze aanlevering; "
                 "alle rijen met dit ID zijn niet verwerkt (geef elke dienst een eigen Dienst-ID)")


def invalid_optional(value: pl.Expr, allowed: str) -> pl.Expr:
    return _text(quoted(value), f" is geen geldige waarde; de cel is leeg gelaten (kies uit: {allowed})")


def unreadable_date(value: pl.Expr) -> pl.Expr:
    return _text(quoted(value), " is geen leesbare datum; de cel is leeg gelaten "
                 "(schrijf bijvoorbeeld 2025-07-01, 1-7-2025 of 1 juli 2025)")


def unreadable_amount(value: pl.Expr) -> pl.Expr:
    return _text(quoted(value), " is geen leesbaar bedrag; de cel is leeg gelaten "
                 "(schrijf bijvoorbeeld 12500 of 12.500,50)")


def negative_amount(value: pl.Expr) -> pl.Expr:
    return _text(quoted(value), " is een negatief bedrag; de cel is leeg gelaten (vul een bedrag van 0 of meer in)")


def ambiguous_amount(value: pl.Expr, read_as: pl.Expr) -> pl.Expr:
    return _text(quoted(value), " is dubbelzinnig (duizendtallen of decimalen?); gelezen als ", read_as,
                 " (schrijf 12500 voor twaalfduizend vijfhonderd of 12,50 voor twaalf euro vijftig)")


def unknown_vendor(value: pl.Expr, what: str) -> pl.Expr:
    return _text(quoted(value), f" staat niet in de lijst van bekende {what}; overgenomen zoals geschreven "
                 "(controleer de schrijfwijze of meld een nieuwe partij bij CIO Rijk)")


def unknown_country(tokens: pl.Expr) -> pl.Expr:
    return _text(quoted(tokens), " is geen bekend land; behandeld als buiten de EER "
                 "(gebruik een ISO-code zoals NL of DE, of een landnaam)")


def countries_mismatch(value: pl.Expr, location_header: str, declared: pl.Expr) -> pl.Expr:
    return _text(quoted(value), f" past niet bij {location_header} ", quoted(declared),
                 " (controleer beide kolommen)")


def planned_without_start(status: pl.Expr) -> pl.Expr:
    return _text("leeg terwijl de status ", quoted(status), " is (vul de geplande datum in)")


def stopped_while_in_use(status_header: str, status: pl.Expr) -> pl.Expr:
    return _text("'Stopgezet' terwijl ", status_header, " ", quoted(status), " is (controleer beide kolommen)")


ROW_SKIPPED_EMPTY = "lege rij overgeslagen"
ROW_SKIPPED_TOTAL = "totaalregel overgeslagen (totalen berekent CIO Rijk zelf)"


# ---- sheet and file level (plain strings) ----------------------------------------------

def unknown_column(header: str) -> str:
    return f"onbekende kolom '{header}'; de waarden zijn bewaard maar niet gebruikt (controleer de kolomnaam)"


def header_below_row_1(row: int) -> str:
    return f"kopregel gevonden op rij {row}; de rijen erboven zijn overgeslagen"


def name_mismatch(name_org: str, name_period: str, org: str, period: str) -> str:
    return (f"de bestandsnaam noemt {name_org} {name_period}, maar blad Organisatie zegt {org} {period}; "
            f"verwerkt als {org} {period} (pas de bestandsnaam aan)")


def unknown_template_version(value: str) -> str:
    return f"Templateversie '{value}' is onbekend; versie afgeleid uit de kolomkoppen (kies uit: 2024.1, 2025.1)"


# whole-file rejections: each returns the full audit.files.message
def file_too_large(name: str, size: int, limit: int) -> str:
    return f"{name}: bestand is te groot ({size / 2**20:.1f} MB; maximaal {limit / 2**20:.0f} MB)"


def unpacks_too_large(name: str, limit: int) -> str:
    return (f"{name}: bestand pakt uit tot meer dan {limit / 2**20:.0f} MB of is verdacht sterk "
            f"gecomprimeerd (zipbom); niet verwerkt (lever een gewone spreadsheet aan)")


def empty_file(name: str) -> str:
    return f"{name}: bestand is leeg (lever de ingevulde uitvraag opnieuw aan)"


def password_protected(name: str) -> str:
    return f"{name}: bestand is beveiligd met een wachtwoord (lever het aan zonder wachtwoord)"


def wrong_kind(name: str, suffix: str) -> str:
    kind = f"een {suffix}-bestand" if suffix else "een bestand zonder extensie"
    return f"{name}: {kind} is geen spreadsheet (lever .xlsx, .ods, .xls of .csv aan)"


def not_what_extension_says(name: str, suffix: str) -> str:
    return f"{name}: de inhoud is geen echt {suffix}-bestand (sla het opnieuw op als .xlsx en lever dat aan)"


def unreadable(name: str, detail: str) -> str:
    return f"{name}: onleesbaar bestand ({detail}); lever de uitvraag opnieuw aan als .xlsx"


def no_sheet(name: str, sheet: str, found: list[str]) -> str:
    return f"{name}: blad '{sheet}' ontbreekt (gevonden bladen: {', '.join(found) or 'geen'}; gebruik de uitvraag-template)"


def no_header_row(name: str, sheet: str, missing: list[str], best_row: int | None) -> str:
    where = f" (dichtstbij op rij {best_row})" if best_row else ""
    return (f"{name}, blad {sheet}: geen kopregel met de verplichte kolommen gevonden{where}; "
            f"ontbreekt: {', '.join(repr(m) for m in missing)} (gebruik de kolomkoppen van de uitvraag-template)")


def missing_org_code(name: str) -> str:
    return f"{name}, blad Organisatie: Organisatiecode ontbreekt (vul de code van uw organisatie in, bijv. UWV)"


def unknown_org_code(name: str, value: str, csv: bool = False) -> str:
    if csv:
        return (f"{name}: de bestandsnaam noemt Organisatiecode '{value}', die is onbekend "
                f"(noem het bestand <ORGANISATIECODE>_<JJJJ>-Q<n>.csv met de code uit de uitvraag, bijv. UWV_2025-Q3.csv)")
    return f"{name}, blad Organisatie: Organisatiecode '{value}' is onbekend (gebruik de code uit de uitvraag, bijv. UWV)"


def unreadable_period(name: str, key: str, value: str | None) -> str:
    if not value:
        return f"{name}, blad Organisatie: Periode en Peildatum ontbreken (vul de Peildatum in, bijv. 30-9-2025)"
    hint = "bijv. 2025-Q3" if key == "Periode" else "bijv. 30-9-2025"
    return f"{name}, blad Organisatie: {key} '{value}' is onleesbaar ({hint})"


def wrong_period(name: str, period: str, batch_period: str) -> str:
    return f"{name}: de aanlevering gaat over {period}, maar deze uitvraag gaat over {batch_period} (lever het bestand voor {batch_period} aan)"


def all_rows_rejected(name: str, n: int) -> str:
    return (f"{name}: alle {n} rijen met gegevens zijn afgewezen; het bestand is niet verwerkt "
            f"(zie de afgewezen rijen; een eerdere aanlevering blijft geldig)")


def conflicting_files(name: str, org: str, period: str, others: list[str]) -> str:
    return (f"{name}: meerdere verschillende bestanden voor {org} {period} in één aanlevering "
            f"(ook: {', '.join(others)}); geen ervan is verwerkt (lever één bestand aan)")


def bad_csv_name(name: str) -> str:
    return f"{name}: de naam van een .csv-bestand moet <ORGANISATIECODE>_<JJJJ>-Q<n>.csv zijn, bijv. UWV_2025-Q3.csv"


def duplicate_file(name: str, earlier_name: str, earlier_id: int) -> str:
    return f"{name}: zelfde inhoud als eerder ontvangen bestand '{earlier_name}' (nr. {earlier_id}); niet opnieuw verwerkt"
