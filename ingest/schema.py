"""The submission contract of ../shared/spec/submission.md as data.

One place for: the columns of the `Clouddiensten` sheet per template version, their
Dutch headers, which are required, and the accepted input values (synonyms) of every
coded column with the code the warehouse stores. The readers, the row validation, the
template writer and the sample generator all read from here; nothing else spells a
header or a synonym.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TEMPLATE_VERSIONS = ("2024.1", "2025.1")
CURRENT_TEMPLATE = "2025.1"

SHEET_ORG = "Organisatie"
SHEET_SERVICES = "Clouddiensten"
SHEET_INSTRUCTIONS = "Toelichting"

# Keys of the Organisatie sheet (column A) -> internal name.
ORG_KEYS = {
    "organisatiecode": "org_code",
    "organisatie": "org_name",
    "periode": "period",
    "peildatum": "peildatum",
    "templateversie": "template_version",
    "contactpersoon": "contact_name",
    "e-mail": "contact_email",
}


@dataclass(frozen=True)
class Codes:
    """A coded column: stored code -> accepted inputs (matched case-insensitively after trim).

    `labels` is the Dutch label shown in the template's drop-down list and in reports
    (the first accepted input of each code).
    """

    name: str
    synonyms: dict[str, tuple[str, ...]]

    @property
    def labels(self) -> dict[str, str]:
        return {code: inputs[0] for code, inputs in self.synonyms.items()}

    @property
    def lookup(self) -> dict[str, str]:
        return {fold(text): code for code, inputs in self.synonyms.items() for text in inputs}

    def allowed_text(self) -> str:
        """The Dutch 'kies uit' list for messages: the labels, in order."""
        return ", ".join(self.labels.values())


SERVICE_MODEL = Codes("service_model", {"saas": ("SaaS",), "paas": ("PaaS",), "iaas": ("IaaS",)})
CLOUD_TYPE = Codes(
    "cloud_type",
    {
        "public": ("Public", "Publiek", "Publieke cloud"),
        "private": ("Private", "Privé", "Private cloud"),
        "hybrid": ("Hybride", "Hybrid"),
        "community": ("Community",),
        "government": ("Overheidscloud", "Rijkscloud"),
        "unknown": ("Onbekend",),
    },
)
PROCESS = Codes("process", {"primary": ("Primair",), "supporting": ("Ondersteunend", "Secundair")})
LOCATION = Codes(
    "location_declared",
    {
        "nl": ("Nederland", "NL"),
        "eea": ("EER", "EU", "EEA"),
        "non_eea": ("Buiten EER", "Buiten EU", "Non-EER"),
        "unknown": ("Onbekend", "?"),
    },
)
# Template 2024.1 asked the location with other labels; the same codes.
LOCATION_2024 = Codes(
    "location_declared",
    {
        "nl": ("NL", "Nederland"),
        "eea": ("EU", "EER", "EEA"),
        "non_eea": ("Buiten EU", "Buiten EER", "Non-EER"),
        "unknown": ("Onbekend", "?"),
    },
)
PERSONAL_DATA = Codes(
    "personal_data",
    {
        "none": ("Geen", "Nee"),
        "regular": ("Gewoon", "Ja"),
        "special": ("Bijzonder", "Bijzondere persoonsgegevens"),
    },
)
BBN = Codes("bbn", {"1": ("BBN1", "1"), "2": ("BBN2", "2"), "3": ("BBN3", "3")})
STATUS = Codes(
    "status",
    {
        "in_use": ("In gebruik",),
        "migrating": ("In migratie",),
        "planned": ("Gepland",),
        "intended": ("Voorgenomen",),
        "ended": ("Beëindigd", "Beeindigd"),
    },
)
RECONSIDERED = Codes(
    "reconsidered",
    {"no": ("Nee",), "continued": ("Doorgezet",), "adjusted": ("Aangepast",), "stopped": ("Stopgezet",)},
)
YES_NO = Codes(
    "yes_no",
    {
        "true": ("Ja", "J", "Yes", "Y", "X", "1", "WAAR", "TRUE"),
        "false": ("Nee", "N", "No", "0", "ONWAAR", "FALSE"),
    },
)
# 2024.1 'Primair proces' is a yes/no question that becomes `process`.
PRIMARY_PROCESS_2024 = Codes(
    "process",
    {"primary": YES_NO.synonyms["true"], "supporting": YES_NO.synonyms["false"]},
)


@dataclass(frozen=True)
class Column:
    """One column of the Clouddiensten sheet in one template version."""

    name: str  # the warehouse column it fills
    header: str  # the header as the template writes it
    required: bool
    kind: str  # text | code | bool | date | amount | countries
    codes: Codes | None = None
    aliases: tuple[str, ...] = field(default=())  # other header spellings accepted


def _cols_2025() -> tuple[Column, ...]:
    return (
        Column("service_id", "Dienst-ID", True, "text"),
        Column("service_name", "Naam dienst", True, "text"),
        Column("vendor_raw", "Leverancier", True, "text"),
        Column("provider_raw", "Cloudaanbieder", False, "text"),
        Column("service_model", "Servicemodel", True, "code", SERVICE_MODEL),
        Column("cloud_type", "Cloudtype", True, "code", CLOUD_TYPE),
        Column("process", "Proces", True, "code", PROCESS),
        Column("location_declared", "Verwerkingslocatie", True, "code", LOCATION),
        Column("countries", "Landen", False, "countries"),
        Column("personal_data", "Persoonsgegevens", True, "code", PERSONAL_DATA),
        Column("bbn", "BBN-niveau", True, "code", BBN),
        Column("status", "Status", True, "code", STATUS),
        Column("reconsidered", "Heroverwogen", False, "code", RECONSIDERED),
        Column("start_date", "Ingangsdatum", False, "date"),
        Column("exit_strategy", "Exitstrategie", True, "bool", YES_NO),
        Column("fallback", "Uitwijkvoorziening", True, "bool", YES_NO),
        Column("last_risk_assessment", "Laatste risicoanalyse", False, "date"),
        Column("annual_cost_eur", "Jaarlijkse kosten (EUR)", False, "amount"),
        Column("remarks", "Toelichting", False, "text"),
    )


def _cols_2024() -> tuple[Column, ...]:
    dropped = {"provider_raw", "countries", "reconsidered", "annual_cost_eur"}
    out = []
    for col in _cols_2025():
        if col.name in dropped:
            continue
        if col.name == "service_name":
            col = Column("service_name", "Dienst", True, "text")
        elif col.name == "process":
            col = Column("process", "Primair proces", True, "code", PRIMARY_PROCESS_2024)
        elif col.name == "location_declared":
            col = Column("location_declared", "Locatie dataverwerking", True, "code", LOCATION_2024)
        out.append(col)
    return tuple(out)


COLUMNS: dict[str, tuple[Column, ...]] = {"2025.1": _cols_2025(), "2024.1": _cols_2024()}

# Every warehouse column of a normalised service row, in order (2024.1 leaves some NULL).
SERVICE_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS["2025.1"])


def fold(text: str) -> str:
    """Case-insensitive comparison key for an input value: trimmed (NBSP too), casefolded."""
    return text.replace("\u00a0", " ").strip().casefold()


_PARENS = re.compile(r"\([^)]*\)")
_SPACE = re.compile(r"\s+")


def header_key(text: str) -> str:
    """Comparison key for a header: case-insensitive, surrounding white space, line
    breaks, a trailing `*` and text in parentheses ignored."""
    text = _PARENS.sub(" ", text.replace("\u00a0", " "))
    text = _SPACE.sub(" ", text).strip()
    text = text.rstrip("*").strip()
    return text.casefold()


def header_index(version: str) -> dict[str, Column]:
    """header_key -> Column for one template version."""
    index: dict[str, Column] = {}
    for col in COLUMNS[version]:
        for h in (col.header, *col.aliases):
            index[header_key(h)] = col
    return index


def required_header_keys(version: str) -> frozenset[str]:
    return frozenset(header_key(c.header) for c in COLUMNS[version] if c.required)
