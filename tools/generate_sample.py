"""Deterministic sample submissions for 2025-Q2 and 2025-Q3 (`data/sample/`).

    .venv/bin/python tools/generate_sample.py [--out data/sample/inbox]

Writes `<out>/<period>/` (the inbox of each period) and, beside `<out>`, `README.md`
(what each file is meant to trigger), `expected.json` (the expected outcome per file,
computed here from what was written, not by the ingest) and `contacts.txt` (every
contact name and e-mail used, so tests can check no published output contains them),
and `resubmit/2025-Q2/` beside `<out>` (a corrected file for a second 2025-Q2 run).
Files already in `<out>/<period>/` are removed first.

One fixed seed and no clock: running it twice gives byte-identical files. Headers,
codes and synonyms come from `ingest.schema`; this module only picks among them.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ingest import schema  # noqa: E402
from ingest.periods import peildatum as period_end  # noqa: E402

SEED = 20250930
CREATED = dt.datetime(2025, 10, 1, 9, 0, 0)  # document date of every generated workbook
PERIODS = ("2025-Q2", "2025-Q3")
MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
             "september", "oktober", "november", "december")
ORG_KEY = {name: key[:1].upper() + key[1:] for key, name in schema.ORG_KEYS.items()}  # org_code -> Organisatiecode

# ----------------------------------------------------------------------------- catalogue

@dataclass(frozen=True)
class Offer:
    """A cloud service offering that organisations use (before per-organisation detail)."""

    name: str
    vendors: tuple[str, ...]  # aliases as organisations write them
    model: str
    cloud: str = "public"
    location: str = "eea"
    countries: tuple[str, ...] = ("NL; IE",)
    providers: tuple[str, ...] = ("",)


MS = ("Microsoft", "MS", "Microsoft Corporation", "Microsoft Ireland Operations Ltd", "MSFT", "Microsoft Nederland")
AZURE = ("Azure", "Microsoft Azure")
AWS = ("AWS", "Amazon Web Services", "Amazon Web Services EMEA SARL", "Amazon")
GCP = ("Google Cloud Platform", "GCP", "Google Cloud", "Google")
US_HOSTS = ("Microsoft Azure", "Azure", "AWS", "Amazon Web Services", "Google Cloud", "Google Cloud Platform")

CATALOGUE = (
    Offer("Microsoft 365", ("Microsoft 365", "M365", "Office 365") + MS, "saas", countries=("NL; IE", "Nederland, Ierland", "NL/IE", "IE NL")),
    Offer("Microsoft Teams", MS, "saas", countries=("NL; IE", "Ierland Nederland")),
    Offer("SharePoint Online", MS, "saas"),
    Offer("Power BI", MS, "saas", countries=("NL; IE", "IE")),
    Offer("Azure landingszone", AZURE, "iaas", countries=("NL", "NL; IE")),
    Offer("Azure Kubernetes Service", AZURE, "paas", countries=("NL; IE",)),
    Offer("Dynamics 365", ("Microsoft Dynamics 365",) + MS, "saas"),
    Offer("GitHub Enterprise", ("GitHub", "GitHub Inc"), "saas", location="non_eea", countries=("US", "Verenigde Staten")),
    Offer("LinkedIn Learning", ("LinkedIn",), "saas", location="non_eea", countries=("US; IE",)),
    Offer("AWS dataplatform", AWS, "paas", countries=("DE; IE", "Duitsland / Ierland", "IE")),
    Offer("Amazon S3 archief", AWS, "iaas", countries=("DE",)),
    Offer("Google Workspace (pilot)", ("Google Workspace", "Google"), "saas", location="non_eea", countries=("US; NL",)),
    Offer("BigQuery analyse", GCP, "paas", countries=("NL", "NL; BE", "Belgium, Netherlands")),
    Offer("Oracle Cloud HCM", ("Oracle", "Oracle Cloud"), "saas", countries=("NL; DE",)),
    Offer("Oracle database (OCI)", ("OCI", "Oracle Cloud"), "paas", countries=("NL",)),
    Offer("Salesforce Service Cloud", ("Salesforce", "Salesforce.com"), "saas", location="non_eea", countries=("US; DE", "Verenigde Staten, Duitsland")),
    Offer("Slack", ("Slack",), "saas", location="non_eea", countries=("US",)),
    Offer("ServiceNow ITSM", ("ServiceNow",), "saas", countries=("NL; IE",)),
    Offer("Workday HR", ("Workday",), "saas", countries=("IE; NL",)),
    Offer("Adobe Acrobat Sign", ("Adobe", "Adobe Systems"), "saas", location="non_eea", countries=("US; DE",)),
    Offer("Zoom", ("Zoom", "Zoom Video Communications"), "saas", location="non_eea", countries=("US",)),
    Offer("Webex", ("Cisco Webex", "Webex", "Cisco"), "saas", countries=("NL; DE",)),
    Offer("Jira en Confluence", ("Atlassian", "Jira Cloud"), "saas", countries=("DE; IE",)),
    Offer("Zendesk klantenservice", ("Zendesk",), "saas", location="non_eea", countries=("US",)),
    Offer("Qualtrics enquêtes", ("Qualtrics",), "saas", countries=("IE", "Ierland")),
    Offer("DocuSign", ("DocuSign",), "saas", countries=("NL; DE; FR",)),
    Offer("Dropbox", ("Dropbox",), "saas", location="non_eea", countries=("US",)),
    Offer("Okta identity", ("Okta",), "saas", countries=("DE; IE",)),
    Offer("Cloudflare CDN", ("Cloudflare",), "saas", location="non_eea", countries=("US; NL; DE",)),
    Offer("Akamai webhosting", ("Akamai",), "saas", location="unknown", countries=("",)),
    Offer("Snowflake datawarehouse", ("Snowflake",), "paas", countries=("NL; DE",)),
    Offer("Databricks", ("Databricks",), "paas", countries=("NL; IE",)),
    Offer("Elastic zoekdienst", ("Elastic", "Elastic Cloud"), "paas", countries=("BE",)),
    Offer("SAP SuccessFactors", ("SAP", "SAP SE", "SAP Nederland"), "saas", countries=("DE", "Duitsland")),
    Offer("Object storage", ("OVHcloud", "OVH"), "iaas", countries=("FR",)),
    Offer("Scaleway compute", ("Scaleway",), "iaas", countries=("FR; NL",)),
    Offer("Hetzner servers", ("Hetzner", "Hetzner Online"), "iaas", countries=("DE; FI",)),
    Offer("IONOS hosting", ("IONOS", "1&1 IONOS"), "iaas", countries=("DE",)),
    Offer("Open Telekom Cloud", ("Open Telekom Cloud", "T-Systems"), "iaas", countries=("DE; NL",)),
    Offer("STACKIT", ("STACKIT",), "paas", countries=("DE; AT",)),
    Offer("Nextcloud samenwerken", ("Nextcloud", "Nextcloud GmbH"), "saas", cloud="private", location="nl", countries=("NL",)),
    Offer("Mendix apps", ("Mendix",), "paas", providers=("AWS", "Amazon Web Services"), countries=("DE; IE",)),
    Offer("Capgemini beheer", ("Capgemini",), "iaas", cloud="private", location="eea", countries=("NL; FR",)),
    Offer("Atos hosting", ("Atos",), "iaas", cloud="hybrid", location="eea", countries=("NL; FR",)),
    Offer("Visma Raet Youforce", ("Visma",), "saas", providers=("Microsoft Azure", "Azure"), location="nl", countries=("NL",)),
    Offer("Proton Mail", ("Proton", "Proton AG"), "saas", location="non_eea", countries=("CH", "Zwitserland")),
    Offer("TOPdesk", ("TOPdesk",), "saas", providers=("Microsoft Azure", "Azure"), location="nl", countries=("NL",)),
    Offer("AFAS Profit", ("AFAS", "AFAS Software"), "saas", providers=("Microsoft Azure",), location="nl", countries=("NL",)),
    Offer("Exact Online", ("Exact", "Exact Online"), "saas", providers=("AWS", "Amazon Web Services"), countries=("DE; IE",)),
    Offer("Centric zaaksysteem", ("Centric",), "saas", providers=("Microsoft Azure", "Google Cloud"), location="nl", countries=("NL",)),
    Offer("KPN cloud werkplek", ("KPN",), "saas", cloud="private", location="nl", countries=("NL",)),
    Offer("Leaseweb hosting", ("Leaseweb",), "iaas", location="nl", countries=("NL",)),
    Offer("Previder private cloud", ("Previder",), "iaas", cloud="private", location="nl", countries=("NL",)),
    Offer("Conclusion hosting", ("Conclusion",), "iaas", cloud="hybrid", location="nl", countries=("NL",)),
    Offer("Rijkscloud", ("Rijkscloud", "SSC-ICT"), "iaas", cloud="government", location="nl", countries=("NL", "Nederland")),
    Offer("Logius Standaard Platform", ("Logius",), "paas", cloud="government", location="nl", countries=("NL",)),
    Offer("ODC-Noord hosting", ("ODC-Noord",), "iaas", cloud="community", location="nl", countries=("NL",)),
    Offer("Zaakwijzer", ("Zaakwijzer B.V.",), "saas", providers=("Google Cloud",), location="nl", countries=("NL",)),
    Offer("Nordic Data Vault", ("Nordic Data Vault AB",), "saas", countries=("SE", "Zweden")),
    Offer("Acme Analytics", ("Acme Analytics Inc.",), "saas", location="non_eea", countries=("US",)),
    Offer("Cloudberry forms", ("Cloudberry Solutions Ltd",), "saas", location="unknown", countries=("",)),
    Offer("Alibaba Cloud vertaaldienst", ("Alibaba Cloud",), "saas", location="non_eea", countries=("CN",)),
)
DOMAINS = ("HR", "financiën", "inkoop", "communicatie", "juridische zaken", "klantcontact", "toezicht",
           "handhaving", "vergunningen", "datateam", "beleid", "ICT-beheer", "archief", "facilitair",
           "subsidies", "inspectie", "website", "intranet", "analyse", "ontwikkelstraat")
REMARKS = ("", "", "", "Rijksbrede overeenkomst", "Contract loopt tot 2027", "DPIA uitgevoerd",
           "Pilot", "Exitplan in voorbereiding", "Via SSC-ICT afgenomen", "Gegevens versleuteld opgeslagen")


@dataclass
class Service:
    """One service of one organisation, in codes (the truth; a file renders it messily)."""

    service_id: str
    name: str
    vendor: str
    provider: str
    model: str
    cloud: str
    process: str
    location: str
    countries: str
    personal: str
    bbn: int
    status: str
    reconsidered: str | None
    start: object  # dt.date | ("year", y) | ("quarter", y, q) | None
    exit: bool
    fallback: bool
    risk: dt.date | None
    cost: float | None
    remarks: str = ""


def _rand_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _service(rng: random.Random, sid: str, offer: Offer, **over) -> Service:
    status = rng.choices(("in_use", "migrating", "planned", "intended", "ended"), (80, 6, 6, 4, 4))[0]
    if status in ("planned", "intended"):
        start = rng.choice((
            _rand_date(rng, dt.date(2025, 7, 1), dt.date(2026, 12, 31)),
            ("quarter", rng.choice((2025, 2026)), rng.randint(1, 4)),
            ("year", 2026),
        ))
        if isinstance(start, tuple) and start[0] == "quarter" and start[1] == 2025:
            start = ("quarter", 2025, 3)  # becomes in use in Q3
    else:
        start = _rand_date(rng, dt.date(2014, 1, 1), dt.date(2025, 5, 31)) if rng.random() < 0.8 else None
    reconsidered = None if rng.random() < 0.5 else "no"
    if status in ("planned", "intended") and rng.random() < 0.3:
        reconsidered = rng.choice(("continued", "adjusted", "stopped"))
    elif status == "ended" and rng.random() < 0.3:
        reconsidered = "stopped"
    cost = None
    if rng.random() < 0.8:
        low, high = rng.choices(((500, 9000), (9000, 150000), (150000, 2500000)), (4, 5, 1))[0]
        cost = float(rng.randrange(low, high))
        if rng.random() < 0.3:
            cost += rng.randrange(1, 100) / 100
    svc = Service(
        service_id=sid,
        name=offer.name + ("" if rng.random() < 0.5 else f" {rng.choice(DOMAINS)}"),
        vendor=rng.choice(offer.vendors),
        provider=rng.choice(offer.providers),
        model=offer.model,
        cloud=offer.cloud if rng.random() < 0.9 else rng.choice(("hybrid", "private", "unknown")),
        process="primary" if rng.random() < 0.35 else "supporting",
        location=offer.location,
        countries=rng.choice(offer.countries) if rng.random() < 0.85 else "",
        personal=rng.choices(("none", "regular", "special"), (40, 45, 15))[0],
        bbn=rng.choices((1, 2, 3), (25, 60, 15))[0],
        status=status,
        reconsidered=reconsidered,
        start=start,
        exit=rng.random() < 0.45,
        fallback=rng.random() < 0.55,
        risk=_rand_date(rng, dt.date(2021, 1, 1), dt.date(2025, 6, 15)) if rng.random() < 0.7 else None,
        cost=cost,
        remarks=rng.choice(REMARKS),
    )
    if svc.location == "unknown" or not svc.countries:
        svc.countries = ""
    for key, value in over.items():
        setattr(svc, key, value)
    return svc


UNKNOWN_VENDORS = ("Zaakwijzer", "Nordic Data Vault", "Acme Analytics", "Cloudberry forms")
_WEIGHTS = [0.15 if o.name in UNKNOWN_VENDORS else 1.0 for o in CATALOGUE]


def _pick_offer(rng: random.Random) -> Offer:
    """A catalogue offer; the few vendors missing from vendor_aliases.csv are rare."""
    return rng.choices(CATALOGUE, _WEIGHTS)[0]


def _offer(name: str) -> Offer:
    return next(o for o in CATALOGUE if o.name == name)


# ----------------------------------------------------------------------------- organisations

# org_code -> number of services in 2025-Q2 (special organisations add their own on top)
SIZES = {
    "BD": 150, "UWV": 110, "SVB": 30, "SZW": 4, "DEF": 70, "DUO": 80, "IENW": 40, "CJIB": 25,
    "RDW": 55, "DJI": 30, "RIVM": 35, "CBS": 60, "KADASTER": 45, "KVK": 40, "LOGIUS": 55,
    "SSCICT": 65, "DICTU": 60, "IND": 45, "RWS": 90, "RVO": 50, "AP": 0, "BZ": 30, "EZ": 20,
    "JENV": 25, "ACM": 12, "DNB": 35, "BZK": 20, "AENM": 15, "AFM": 18, "NLA": 15, "FIN": 25,
    "VWS": 20, "OCW": 25, "NVWA": 12, "VRO": 10, "NZA": 15, "LVVN": 22,
}
CONTACTS = (
    "J. de Vries", "A. Jansen", "M. Bakker", "S. el Amrani", "P. van Dijk", "K. Visser", "R. Smit",
    "L. Meijer", "H. de Boer", "E. Mulder", "T. de Groot", "N. Bos", "F. Vos", "D. Peters",
    "W. Hendriks", "B. van Leeuwen", "C. Dekker", "I. Brouwer", "G. de Wit", "Y. Dijkstra",
    "O. Smits", "M. de Graaf", "A. van der Meer", "R. van den Berg", "S. Kok", "J. Jacobs",
    "H. de Haan", "K. Vermeulen", "L. van den Heuvel", "P. van der Veen", "E. van den Broek",
    "T. de Bruijn", "N. Yilmaz", "F. Schouten", "D. Willems", "W. Koster", "B. Prins",
)


def _email(name: str) -> str:
    initial, _, surname = name.partition(". ")
    return f"{initial.lower()}.{surname.replace(' ', '').lower()}@example.nl"


def _special_services(org: str, rng: random.Random) -> list[Service]:
    """What SZW, UWV and SVB told Parliament in September 2025, as services."""
    out: list[Service] = []

    def add(offer: str, **over) -> None:
        over.setdefault("status", "in_use")
        over.setdefault("reconsidered", None)
        out.append(_service(rng, f"{org}-{len(out) + 1:04d}", _offer(offer), **over))

    if org == "SZW":  # nothing directly in US public cloud; Dutch/EU SaaS hosted on US clouds
        for offer, name, host in (
            ("AFAS Profit", "AFAS Profit HRM", "Microsoft Azure"),
            ("TOPdesk", "TOPdesk servicedesk", "Azure"),
            ("Visma Raet Youforce", "Youforce salarisadministratie", "Microsoft Azure"),
            ("Centric zaaksysteem", "Centric subsidieregistratie", "Google Cloud"),
            ("Exact Online", "Exact Online projectadministratie", "AWS"),
            ("Mendix apps", "Mendix regelingenportaal", "Amazon Web Services"),
            ("Zaakwijzer", "Zaakwijzer klachtafhandeling", "Google Cloud Platform"),
            ("TOPdesk", "TOPdesk facilitair", "Microsoft Azure"),
            ("AFAS Profit", "AFAS Insite", "Microsoft Azure"),
            ("Nordic Data Vault", "Nordic Data Vault archivering", "AWS"),
        ):
            add(offer, name=name, provider=host, cloud="public", location="eea", countries="NL; DE")
    elif org == "UWV":  # Rijk agreement for office automation; CRM migration; ERP tender
        for name in ("Microsoft 365 kantoorautomatisering", "Microsoft Teams", "SharePoint Online",
                     "Exchange Online", "OneDrive", "Intune apparaatbeheer", "Entra ID"):
            add("Microsoft 365", name=name, process="supporting", cloud="public", location="eea",
                countries="NL; IE", remarks="Rijksbrede overeenkomst Microsoft", personal="regular")
        add("Dynamics 365", name="Klantcontact CRM (Dynamics 365)", status="migrating", process="primary",
            start=dt.date(2025, 3, 1), personal="special", remarks="Vervangt het oude CRM-systeem")
        add("Zaakwijzer", name="ERP financiën en inkoop", vendor="Nog niet gegund", provider="",
            status="intended", start=("quarter", 2026, 1), process="supporting", location="unknown",
            countries="", cost=None, remarks="Aanbesteding gestart met cloud als uitgangspunt")
    elif org == "SVB":  # core systems outside the cloud; M365 and Azure in EU data centres
        add("Microsoft 365", name="Microsoft 365", vendor="Microsoft", process="supporting",
            location="eea", countries="NL; IE", personal="regular")
        add("Azure landingszone", name="Azure platform", vendor="Azure", process="supporting",
            location="eea", countries="NL; IE", personal="regular")
        add("Azure landingszone", name="Uitwijkomgeving V&O-regeling", vendor="Microsoft Azure",
            process="primary", location="eea", countries="NL; IE", personal="regular", fallback=True,
            remarks="Azure als uitwijkvoorziening voor de kleine V&O-regeling")
        add("Rijkscloud", name="AOW-uitvoering (kernsysteem)", cloud="government", process="primary",
            personal="special")
        add("Previder private cloud", name="Kinderbijslag kernsysteem", cloud="private",
            process="primary", personal="special")
    return out


def _us_vendors() -> set[str]:
    """Aliases (folded) of vendors whose country is US, from the reference data."""
    with (ROOT / "seeds" / "vendors.csv").open(encoding="utf-8", newline="") as fh:
        us = {r["vendor"] for r in csv.DictReader(fh) if r["country"] == "US"}
    with (ROOT / "seeds" / "vendor_aliases.csv").open(encoding="utf-8", newline="") as fh:
        return {schema.fold(r["alias"]) for r in csv.DictReader(fh) if r["vendor"] in us}


US_VENDORS = _us_vendors()


def alias_key(text: str | None) -> str:
    """The key the alias seed is matched on (macro `alias_key`): lower case, white space
    collapsed, trailing '.' and ',' stripped."""
    return " ".join((text or "").replace("\u00a0", " ").lower().split()).rstrip(".,")


def _canonical_vendors() -> dict[str, str]:
    """Alias key -> canonical vendor, from seeds/vendor_aliases.csv."""
    with (ROOT / "seeds" / "vendor_aliases.csv").open(encoding="utf-8", newline="") as fh:
        return {alias_key(r["alias"]): r["vendor"] for r in csv.DictReader(fh)}


CANONICAL = _canonical_vendors()
SWITCH_TO = ("Salesforce", "ServiceNow")  # a deliberate vendor change takes the first that is another vendor


def _new_service(org: str, sid: str, rng: random.Random) -> Service:
    """A filler service that fits what the organisation told Parliament."""
    while True:
        svc = _service(rng, sid, _pick_offer(rng))
        us = schema.fold(svc.vendor) in US_VENDORS
        if org == "SZW" and us:
            continue  # SZW: nothing directly at a US vendor
        if org == "SVB" and us and svc.cloud == "public" and svc.personal == "special":
            svc.personal = "regular"  # SVB: no special personal data in US public cloud
        if org in ("IENW", "DUO") and sid.endswith(("0", "5")):
            svc.location, svc.countries = "unknown", ""  # they do not know where some data goes
        return svc


def build_q2(org: str, rng: random.Random) -> list[Service]:
    services = _special_services(org, rng)
    prefix = {"DEF": "DEF-IV", "KADASTER": "KAD", "LOGIUS": "LGS", "SSCICT": "SSC"}.get(org, org)
    for _ in range(SIZES.get(org, 10)):
        services.append(_new_service(org, f"{prefix}-{len(services) + 1:04d}", rng))
    return services


def evolve(services: list[Service], org: str, rng: random.Random) -> list[Service]:
    """2025-Q3 from 2025-Q2: mostly stable, some ended, plans realised, a few new."""
    out = []
    for old in services:
        svc = Service(**vars(old))
        if svc.status == "ended":
            continue  # reported as ended last quarter; no longer listed
        start = svc.start
        start_day = (dt.date(start[1], 3 * start[2] - 2, 1) if isinstance(start, tuple) and start[0] == "quarter"
                     else dt.date(start[1], 1, 1) if isinstance(start, tuple) else start)
        if svc.status == "planned" and start_day and start_day <= period_end("2025-Q3"):
            if svc.reconsidered != "stopped":
                svc.status = "in_use"
        elif svc.status == "migrating" and "CRM" not in svc.name and rng.random() < 0.3:
            svc.status = "in_use"  # migration finished (UWV's CRM is still being implemented)
        elif svc.status == "in_use" and rng.random() < 0.04:
            svc.status = "ended"
        if svc.cost and rng.random() < 0.15:
            svc.cost = round(svc.cost * rng.uniform(0.9, 1.2), 2)
        if rng.random() < 0.1:
            svc.risk = _rand_date(rng, dt.date(2025, 7, 1), dt.date(2025, 9, 20))
        out.append(svc)
    if out:
        prefix = out[-1].service_id.rsplit("-", 1)[0]
        last = max(int(s.service_id.rsplit("-", 1)[1]) for s in services)
        for i in range(rng.randint(1, 2 + len(services) // 25)):
            out.append(_new_service(org, f"{prefix}-{last + i + 1:04d}", rng))
    return out


# ----------------------------------------------------------------------------- rendering

@dataclass
class Style:
    """How one file writes its values (every variant is one the spec accepts)."""

    fmt: str = "xlsx"  # xlsx | ods | xls | csv
    version: str = "2025.1"
    codes: str = "label"  # label | mixed (cycle through every synonym, vary case)
    yes_no: tuple[str, str] | None = ("Ja", "Nee")  # None = cycle through every synonym
    dates: str = "cell"  # cell | serial | iso | dmy | dmy0 | slash | dutch | mixed
    amounts: str = "number"  # number | plain | dots | nl | euro | en | mixed
    headers: str = "template"  # template (with *) | plain | upper | lower | breaks | mixed
    title_rows: tuple[str, ...] = ()
    shuffle: bool = False
    extra_column: str | None = None
    totals_row: bool = False
    empty_rows: int = 0
    padding: bool = False  # NBSP / spaces around some values
    bbn_numbers: bool = False  # BBN-niveau as numeric cells 1/2/3
    # csv only
    sep: str = ";"
    encoding: str = "utf-8"
    decimal_comma: bool = True
    # Organisatie sheet
    org_keys: str = "all"  # all | peildatum_only | no_version
    org_code_case: str = "upper"
    peildatum_text: bool = False
    period: str | None = None  # wrong period on purpose
    sheet_name: str = schema.SHEET_SERVICES  # another name on purpose: file rejected


@dataclass
class Row:
    cells: dict[str, object]  # column name -> cell (str | float | int | date | None)
    outcome: str = "accepted"  # accepted | rejected | skipped
    notes: list[str] = field(default_factory=list)
    service: Service | None = None  # the service the row renders (None: empty or totals row)


class Renderer:
    """Turns services into cells for one file, recording every input form used."""

    def __init__(self, style: Style, rng: random.Random, coverage: dict):
        self.style, self.rng, self.coverage = style, rng, coverage
        self.cycle: dict[tuple, int] = {}
        self.columns = {c.name: c for c in schema.COLUMNS[style.version]}

    def _next(self, key: tuple, n: int) -> int:
        i = self.cycle.get(key, 0)
        self.cycle[key] = i + 1
        return i % n

    def _note(self, kind: str, value: str) -> None:
        self.coverage.setdefault(kind, set()).add(value)

    def code(self, col: str, code: str) -> str:
        column = self.columns[col]
        inputs = column.codes.synonyms[code]
        if column.kind == "bool" and self.style.yes_no is not None:
            text = self.style.yes_no[0 if code == "true" else 1]
        elif self.style.codes == "mixed" or (column.kind == "bool" and self.style.yes_no is None):
            text = inputs[self._next((col, code), len(inputs))]
            case = self._next((col, "case"), 5)
            text = text.upper() if case == 3 else text.lower() if case == 4 else text
        else:
            text = inputs[0]
        self._note(f"{self.style.version}:{col}", schema.fold(text))
        return self.pad(text)

    def pad(self, text: str) -> str:
        if self.style.padding and self.rng.random() < 0.3:
            return self.rng.choice(("\u00a0", " ", "  ")) + text + self.rng.choice(("", " ", "\u00a0"))
        return text

    def date(self, value):
        if value is None:
            return None
        if isinstance(value, tuple):  # ('year', 2026) / ('quarter', 2026, 1)
            if value[0] == "year":
                form, text = "year", str(value[1])
            else:
                form = ("quarter", "year-quarter")[self._next(("qform",), 2)]
                text = f"Q{value[2]} {value[1]}" if form == "quarter" else f"{value[1]}-Q{value[2]}"
            self._note("dates", form)
            return text
        forms = ("cell", "serial", "iso", "dmy", "dmy0", "slash", "dutch")
        form = self.style.dates if self.style.dates != "mixed" else forms[self._next(("date",), len(forms))]
        if self.style.fmt == "csv" and form in ("cell", "serial"):
            form = "iso"
        self._note("dates", form)
        d = value
        return {
            "cell": d,
            "serial": (d - dt.date(1899, 12, 30)).days,
            "iso": d.isoformat(),
            "dmy": f"{d.day}-{d.month}-{d.year}",
            "dmy0": f"{d.day:02d}-{d.month:02d}-{d.year}",
            "slash": f"{d.day}/{d.month}/{d.year}",
            "dutch": f"{d.day} {MONTHS_NL[d.month - 1]} {d.year}",
        }[form]

    def amount(self, value: float | None):
        if value is None:
            return None
        forms = ("number", "plain", "dots", "nl", "euro", "en")
        form = self.style.amounts if self.style.amounts != "mixed" else forms[self._next(("amount",), len(forms))]
        whole = value == int(value)
        if form in ("dots", "euro", "plain") and not whole:
            form = "nl"
        if self.style.fmt == "csv" and form == "number":
            form = "plain"
        if self.style.fmt == "csv" and self.style.sep == "," and form != "plain":
            form = "plain"  # a ','-separated file writes amounts without separators
        self._note("amounts", form)
        grouped = f"{int(value):,}".replace(",", ".")
        cents = f"{value:.2f}".split(".")[1]
        if form == "number":
            return value
        if form == "plain":
            if whole:
                return str(int(value))
            return f"{value:.2f}".replace(".", ",") if self.style.decimal_comma else f"{value:.2f}"
        if form == "dots":
            return grouped
        if form == "nl":
            return f"{grouped},{cents}"
        if form == "euro":
            return f"€ {grouped},-"
        return f"{int(value):,}.{cents}"  # en: 12,500.50

    def row(self, svc: Service) -> Row:
        v2024 = self.style.version == "2024.1"
        cells: dict[str, object] = {
            "service_id": self.pad(svc.service_id),
            "service_name": svc.name,
            "vendor_raw": self.pad(svc.vendor),
            "service_model": self.code("service_model", svc.model),
            "cloud_type": self.code("cloud_type", svc.cloud),
            "process": self.code("process", svc.process),
            "location_declared": self.code("location_declared", svc.location),
            "personal_data": self.code("personal_data", svc.personal),
            "bbn": svc.bbn if self.style.bbn_numbers else self.code("bbn", str(svc.bbn)),
            "status": self.code("status", svc.status),
            "start_date": self.date(svc.start),
            "exit_strategy": self.code("exit_strategy", "true" if svc.exit else "false"),
            "fallback": self.code("fallback", "true" if svc.fallback else "false"),
            "last_risk_assessment": self.date(svc.risk),
            "remarks": svc.remarks or None,
        }
        if self.style.bbn_numbers:
            self._note(f"{self.style.version}:bbn", str(svc.bbn))
        if not v2024:
            cells["provider_raw"] = svc.provider or None
            cells["countries"] = svc.countries or None
            cells["reconsidered"] = self.code("reconsidered", svc.reconsidered) if svc.reconsidered else None
            cells["annual_cost_eur"] = self.amount(svc.cost)
        return Row(cells, service=svc)

    def header(self, col: schema.Column, i: int) -> str:
        text = col.header
        mode = self.style.headers
        if mode == "mixed":
            mode = ("template", "plain", "upper", "lower", "breaks")[i % 5]
        if mode == "template":
            return text + ("*" if col.required else "")
        if mode == "upper":
            return text.upper()
        if mode == "lower":
            return text.lower() + (" *" if col.required else "")
        if mode == "breaks":
            return text.replace(" ", "\n", 1) + (" (verplicht)" if col.required else "")
        return text


@dataclass
class Sheet:
    """The Clouddiensten sheet as written: title rows, header, data rows (in column order)."""

    title_rows: list[list]
    header: list[str]
    rows: list[Row]
    order: list[str]  # column names in sheet order ('' = the extra column)

    def data_cells(self, row: Row) -> list:
        return [row.cells.get(name) for name in self.order]

    def first_row_number(self) -> int:
        return len(self.title_rows) + 2  # 1-based, after the header


def make_sheet(services: list[Service], style: Style, rng: random.Random, coverage: dict) -> Sheet:
    renderer = Renderer(style, rng, coverage)
    columns = list(schema.COLUMNS[style.version])
    if style.shuffle:
        rng.shuffle(columns)
    order = [c.name for c in columns]
    header = [renderer.header(c, i) for i, c in enumerate(columns)]
    if style.extra_column:
        order.insert(len(order) // 2, "extra")
        header.insert(len(header) // 2, style.extra_column)
    rows = []
    for svc in services:
        row = renderer.row(svc)
        if style.extra_column:
            row.cells["extra"] = f"CN-{rng.randrange(10000, 99999)}"
        rows.append(row)
    width = len(order)
    titles = [[t] + [None] * (width - 1) if t else [None] * width for t in style.title_rows]
    return Sheet(titles, header, rows, order)


def finish_sheet(sheet: Sheet, style: Style, rng: random.Random) -> None:
    """Add the skipped rows the style asks for (empty rows in between, a totals row)."""
    for _ in range(style.empty_rows):
        pos = rng.randrange(1, max(2, len(sheet.rows) - 1))
        sheet.rows.insert(pos, Row({}, "skipped", ["fully empty row: skipped with a warning"]))
    if style.totals_row:
        first = sheet.order[0]
        cells = {first: "Totaal"}
        if "annual_cost_eur" in sheet.order and first != "annual_cost_eur":
            total = sum(r.cells["annual_cost_eur"] for r in sheet.rows
                        if isinstance(r.cells.get("annual_cost_eur"), float))
            cells["annual_cost_eur"] = round(total, 2)
        sheet.rows.append(Row(cells, "skipped", ["totals row (first cell Totaal): skipped with a warning"]))


# ----------------------------------------------------------------------------- writers

def _org_pairs(org: str, name: str, period: str, style: Style, rng: random.Random,
               contact: str | None) -> list[tuple[str, object]]:
    code = org.lower() if style.org_code_case == "lower" else org.capitalize() if style.org_code_case == "title" else org
    peil = period_end(style.period or period)
    pairs: list[tuple[str, object]] = [(ORG_KEY["org_code"], code), (ORG_KEY["org_name"], name)]
    if style.org_keys != "peildatum_only":
        pairs.append((ORG_KEY["period"], style.period or period))
    pairs.append((ORG_KEY["peildatum"], f"{peil.day}-{peil.month}-{peil.year}" if style.peildatum_text else peil))
    if style.org_keys == "all":
        pairs.append((ORG_KEY["template_version"], style.version))
    if contact:
        pairs += [(ORG_KEY["contact_name"], contact), (ORG_KEY["contact_email"], _email(contact))]
    if rng.random() < 0.4:  # keys in any row order, any case
        rng.shuffle(pairs)
        pairs = [(k.lower() if i % 2 else k, v) for i, (k, v) in enumerate(pairs)]
    return pairs


def _all_rows(sheet: Sheet) -> list[list]:
    return sheet.title_rows + [sheet.header] + [sheet.data_cells(r) for r in sheet.rows]


def write_xlsx(path: Path, pairs, sheet: Sheet, style: Style) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": CREATED, "author": "CIO Rijk uitvraag"})
    date_fmt = wb.add_format({"num_format": "dd-mm-yyyy"})
    bold = wb.add_format({"bold": True})

    def put(ws, r, c, value, fmt=None):
        if value is None:
            return
        if isinstance(value, dt.date):
            ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_fmt)
        elif isinstance(value, (int, float)):
            ws.write_number(r, c, value)
        else:
            ws.write_string(r, c, value, fmt)

    if pairs is not None:
        ws = wb.add_worksheet(schema.SHEET_ORG)
        ws.set_column(0, 1, 24)
        for r, (k, v) in enumerate(pairs):
            put(ws, r, 0, k, bold)
            put(ws, r, 1, v)
    ws = wb.add_worksheet(style.sheet_name)
    ws.set_column(0, len(sheet.order), 18)
    for r, cells in enumerate(_all_rows(sheet)):
        for c, value in enumerate(cells):
            put(ws, r, c, value, bold if r == len(sheet.title_rows) else None)
    wb.close()


def write_xls(path: Path, pairs, sheet: Sheet, style: Style) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    date_fmt = xlwt.easyxf(num_format_str="DD-MM-YYYY")

    def put(ws, r, c, value):
        if value is None:
            return
        if isinstance(value, dt.date):
            ws.write(r, c, value, date_fmt)
        else:
            ws.write(r, c, value)

    ws = wb.add_sheet(schema.SHEET_ORG)
    for r, (k, v) in enumerate(pairs):
        put(ws, r, 0, k)
        put(ws, r, 1, v)
    ws = wb.add_sheet(style.sheet_name)
    for r, cells in enumerate(_all_rows(sheet)):
        for c, value in enumerate(cells):
            put(ws, r, c, value)
    wb.save(str(path))


def write_ods(path: Path, pairs, sheet: Sheet, style: Style) -> None:
    from odf.element import Element

    # odfpy declares every namespace any document of the process used (a class-level dict):
    # start from none, so the bytes do not depend on what was written before.
    saved = dict(Element.namespaces)
    Element.namespaces.clear()
    try:
        _write_ods(path, pairs, sheet, style)
    finally:
        Element.namespaces.update(saved)


def _write_ods(path: Path, pairs, sheet: Sheet, style: Style) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()

    def cell(value):
        if value is None:
            return TableCell()
        if isinstance(value, dt.date):
            c = TableCell(valuetype="date", datevalue=value.isoformat())
            c.addElement(P(text=f"{value.day:02d}-{value.month:02d}-{value.year}"))
        elif isinstance(value, (int, float)):
            c = TableCell(valuetype="float", value=repr(value))
            c.addElement(P(text=str(value)))
        else:
            c = TableCell(valuetype="string")
            c.addElement(P(text=value))
        return c

    def table(name, rows):
        t = Table(name=name)
        for cells in rows:
            tr = TableRow()
            for value in (cells or [None]):
                tr.addElement(cell(value))
            t.addElement(tr)
        doc.spreadsheet.addElement(t)

    table(schema.SHEET_ORG, [list(p) for p in pairs])
    table(style.sheet_name, _all_rows(sheet))
    buf = io.BytesIO()
    doc.write(buf)
    path.write_bytes(_fixed_zip_times(buf.getvalue()))


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite a zip with a fixed time on every entry (odfpy stamps the clock)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, CREATED.timetuple()[:6])
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def write_csv(path: Path, sheet: Sheet, style: Style) -> None:
    def text(value) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            s = f"{value:.2f}" if value != int(value) else str(int(value))
            return s.replace(".", ",") if style.decimal_comma else s
        return str(value)

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=style.sep, lineterminator="\r\n")
    for cells in _all_rows(sheet):
        if all(v is None for v in cells):
            buf.write("\r\n")  # an empty line, as spreadsheet programs write an empty row
        else:
            writer.writerow([text(v) for v in cells])
    path.write_bytes(buf.getvalue().encode(style.encoding))


def write_docx(path: Path) -> None:
    """A minimal Word document (a cover letter someone dropped in the inbox)."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "word/document.xml": '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Aanbiedingsbrief uitvraag clouddiensten</w:t></w:r></w:p></w:body></w:document>',
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts.items():
            z.writestr(zipfile.ZipInfo(name, CREATED.timetuple()[:6]), content)
    path.write_bytes(buf.getvalue())


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


# ----------------------------------------------------------------------------- deliberate defects

# kind -> (outcome of the row, what the spec says happens)
DEFECTS = {
    "status_actief": ("rejected", "Status 'Actief' is no valid value: row rejected"),
    "missing_vendor": ("rejected", "required Leverancier empty: row rejected"),
    "missing_bbn": ("rejected", "required BBN-niveau empty: row rejected"),
    "missing_personal": ("rejected", "required Persoonsgegevens empty: row rejected"),
    "invalid_model": ("rejected", "Servicemodel 'SaaS/PaaS' is no valid value: row rejected"),
    "dup_id": ("rejected", "Dienst-ID occurs twice (differs only in case and a trailing space): both rows rejected"),
    "ntb_date": ("accepted", "Ingangsdatum 'n.t.b.': value blanked with a warning"),
    "negative_amount": ("accepted", "negative Jaarlijkse kosten: value blanked with a warning"),
    "ambiguous_amount": ("accepted", "Jaarlijkse kosten '12,500' is ambiguous: warning"),
    "countries_disagree": ("accepted", "Landen 'IE' while Verwerkingslocatie says Nederland: warning"),
    "unknown_country": ("accepted", "Landen holds 'Europa', no known country: warning (treated as outside the EER)"),
    "planned_no_date": ("accepted", "Gepland without Ingangsdatum: warning"),
    "stopped_in_use": ("accepted", "Heroverwogen Stopgezet while In gebruik: warning"),
    "bad_reconsidered": ("accepted", "Heroverwogen 'Misschien' outside its list: value blanked with a warning"),
    "formula_name": ("accepted", "service name starts with '=': stored as text, never evaluated in outputs"),
    "markup_name": ("accepted", "service name with '<', '>' and '|': escaped in every output format"),
    "vendor_change": ("accepted", "Leverancier was {old!r} in 2025-Q2, now {new!r} (another vendor) under the "
                      "same Dienst-ID: quality warning (vendor changed)"),
}


def apply_defect(sheet: Sheet, kind: str, index: int) -> None:
    row = sheet.rows[index]
    c = row.cells
    if kind == "status_actief":
        c["status"] = "Actief"
    elif kind == "missing_vendor":
        c["vendor_raw"] = None
    elif kind == "missing_bbn":
        c["bbn"] = None
    elif kind == "missing_personal":
        c["personal_data"] = None
    elif kind == "invalid_model":
        c["service_model"] = "SaaS/PaaS"
    elif kind == "dup_id":  # the next row takes this row's ID
        other = sheet.rows[index + 1]
        other.cells["service_id"] = str(c["service_id"]).strip().lower() + " "
        other.outcome = "rejected"
        other.notes.append(DEFECTS[kind][1])
    elif kind == "ntb_date":
        c["start_date"] = "n.t.b."
    elif kind == "negative_amount":
        c["annual_cost_eur"] = -1500.0
    elif kind == "ambiguous_amount":
        c["annual_cost_eur"] = "12,500"
    elif kind == "countries_disagree":
        c["location_declared"] = schema.LOCATION.labels["nl"]
        c["countries"] = "IE"
    elif kind == "unknown_country":
        c["countries"] = "NL; Europa"
    elif kind == "planned_no_date":
        c["status"] = schema.STATUS.labels["planned"]
        c["start_date"] = None
    elif kind == "stopped_in_use":
        c["status"] = schema.STATUS.labels["in_use"]
        c["reconsidered"] = schema.RECONSIDERED.labels["stopped"]
    elif kind == "bad_reconsidered":
        c["reconsidered"] = "Misschien"
    elif kind == "formula_name":
        c["service_name"] = "=Dashboard bezetting"
    elif kind == "markup_name":
        c["service_name"] = "Portaal <Mijn Dossier> | intern"
    outcome, what = DEFECTS[kind]
    if kind == "vendor_change":  # only on rows whose vendor is in the alias seed
        old = str(c["vendor_raw"]).strip()
        new = next(v for v in SWITCH_TO if CANONICAL[alias_key(v)] != CANONICAL[alias_key(old)])
        c["vendor_raw"] = new
        what = what.format(old=old, new=new)
    if row.outcome != "rejected":
        row.outcome = outcome
    row.notes.append(what)


# ----------------------------------------------------------------------------- the plan

@dataclass
class Plan:
    """One file in one inbox."""

    org: str | None
    name: str
    style: Style = field(default_factory=Style)
    defects: tuple[tuple[str, int], ...] = ()
    special: str | None = None  # corrupt | empty | pdf | docx | all_rejected | drop_one | resubmit
    what: str = "regular submission"
    rejected: str | None = None  # why the whole file is rejected (None = accepted)
    variant: int = 0  # a second, different file of the same organisation


T2024 = "2024.1"
CSV = dict(fmt="csv")


def plans(period: str) -> list[Plan]:
    q = period
    if q == "2025-Q2":
        return [
            Plan("BD", f"BD_{q}.xlsx", Style(codes="mixed", title_rows=("Uitvraag clouddiensten 2025 - Belastingdienst", "Peildatum 30 juni 2025", ""), totals_row=True),
                 (("missing_vendor", 7), ("formula_name", 20)),
                 what="title rows above the header, every synonym of the coded columns, a totals row"),
            Plan("UWV", f"UWV_{q}.xlsx", Style(amounts="number"), (("markup_name", 5),),
                 what="M365 under the Rijk agreement; CRM In migratie; ERP Voorgenomen from Q1 2026"),
            Plan("SVB", f"SVB_{q}.xlsx", Style(), what="M365 and Azure in EU data centres; Azure as uitwijkvoorziening V&O"),
            Plan("SZW", f"SZW_{q}.xlsx", Style(headers="mixed"),
                 what="SaaS of Dutch/EU vendors hosted on US clouds (us_indirect); headers in every case, line breaks, trailing *"),
            Plan("DEF", f"DEF_{q}.xlsx", Style(dates="serial"), what="Defensie (shown separately); dates as Excel serial numbers"),
            Plan("DUO", f"DUO_{q}.xlsx", Style(version=T2024, codes="mixed", yes_no=("J", "N")), (("dup_id", 11),),
                 what="template 2024.1; yes/no as J/N; a duplicated Dienst-ID"),
            Plan("IENW", f"IENW_{q}.xlsx", Style(version=T2024, codes="mixed", yes_no=None, org_keys="no_version", dates="mixed"),
                 what="template 2024.1 without Templateversie (detected from headers); every 2024.1 synonym"),
            Plan("CJIB", f"CJIB_{q}.csv", Style(version=T2024, encoding="utf-8-sig", dates="dmy0", **CSV),
                 what="CSV template 2024.1, ';', UTF-8 with BOM"),
            Plan("RDW", f"RDW_{q}.csv", Style(encoding="cp1252", amounts="euro", dates="dutch", codes="mixed", **CSV),
                 (("stopped_in_use", 3),), what="CSV ';' + decimal comma, Windows-1252, amounts '€ 12.500,-', dates '1 juli 2025'"),
            Plan("DJI", f"DJI_{q}.csv", Style(sep="\t", dates="slash", amounts="nl", **CSV),
                 what="tab-separated CSV, dates 1/7/2025, amounts 12.500,50"),
            Plan("RIVM", f"RIVM_{q}.csv", Style(sep=",", decimal_comma=False, dates="iso", yes_no=("Yes", "No"), **CSV),
                 what="','-separated CSV with decimal point; yes/no as Yes/No"),
            Plan("CBS", f"CBS_{q}.ods", Style(fmt="ods", amounts="mixed"), (("negative_amount", 4),),
                 what="ODS workbook; a negative amount"),
            Plan("KADASTER", f"KADASTER_{q}.xls", Style(fmt="xls", bbn_numbers=True, yes_no=("X", "N")),
                 what="legacy .xls (xlwt); BBN-niveau as numbers; yes/no as X/N"),
            Plan("KVK", f"KVK_{q}.xlsx", Style(shuffle=True), (("ntb_date", 2),),
                 what="columns in another order; 'n.t.b.' as Ingangsdatum"),
            Plan("LOGIUS", f"LOGIUS_{q}.xlsx", Style(extra_column="Contractnummer"), (("unknown_country", 6),),
                 what="an unknown extra column; unknown country token 'Europa'"),
            Plan("SSCICT", f"SSCICT_{q}.xlsx", Style(empty_rows=3), (("countries_disagree", 9),),
                 what="empty rows in between; Landen disagreeing with Verwerkingslocatie"),
            Plan("DICTU", f"DICTU_{q}.xlsx", Style(dates="mixed", amounts="mixed", headers="upper"),
                 what="dates and amounts in every accepted form; headers in upper case"),
            Plan("IND", f"IND_{q}.xlsx", Style(), (("planned_no_date", 8),), what="Gepland without Ingangsdatum"),
            Plan("RWS", f"RWS_{q}.xlsx", Style(padding=True, amounts="dots"), (("ambiguous_amount", 12),),
                 what="NBSP and spaces around values; amounts '12.500'; ambiguous '12,500'"),
            Plan("RVO", f"RVO_{q}.xlsx", Style(org_keys="peildatum_only", org_code_case="lower"),
                 what="only Peildatum (no Periode); Organisatiecode in lower case"),
            Plan("AP", f"AP_{q}.xlsx", Style(), what="nil return: header, no rows (0 services)"),
            Plan("BZ", "BZ_2025-Q1.xlsx", Style(headers="lower"),
                 what="file name says 2025-Q1, sheet says 2025-Q2: accepted with a warning"),
            Plan("EZ", f"EZ_{q}.xlsx", Style(yes_no=("WAAR", "ONWAAR")), what="yes/no as WAAR/ONWAAR"),
            Plan("JENV", f"JENV_{q}.xlsx", Style(yes_no=("1", "0")), (("bad_reconsidered", 2), ("invalid_model", 5)),
                 what="yes/no as 1/0; Heroverwogen outside its list; invalid Servicemodel"),
            Plan("ACM", f"ACM_{q}.ods", Style(fmt="ods", peildatum_text=True), what="ODS; Peildatum as text"),
            Plan("DNB", f"DNB_{q}.xlsx", Style(headers="breaks"), what="headers with line breaks and '(verplicht)'"),
            Plan("BZK", f"BZK_{q}.xlsx", Style(org_code_case="title")),
            Plan("AENM", f"AENM_{q}.xlsx", Style()),
            Plan("AFM", f"AFM_{q}.xlsx", Style(dates="iso")),
            Plan("LVVN", f"LVVN_{q}.xlsx", Style(dates="dmy")),
            Plan("NLA", f"Clouddiensten NLA {q}.csv", Style(**CSV), what="CSV whose name is not <ORGCODE>_<YYYY>-Q<n>.csv",
                 rejected="CSV file name does not follow <ORGCODE>_<YYYY>-Q<n>.csv"),
            Plan("FIN", f"FIN_{q}.xlsx", Style(period="2025-Q1"), what="Organisatie sheet says Periode 2025-Q1",
                 rejected="period 2025-Q1 is not the batch's period"),
            Plan("VWS", f"VWS_{q}.xlsx", special="corrupt", what="random bytes with an .xlsx name",
                 rejected="not a readable spreadsheet"),
            Plan("NZA", f"NZA_{q}.xlsx", special="empty", what="empty file (0 bytes)", rejected="not a readable spreadsheet"),
            Plan("OCW", f"OCW_{q}.xlsx", Style(sheet_name="Diensten"), what="workbook without a Clouddiensten sheet",
                 rejected="no Clouddiensten sheet"),
            Plan("NVWA", f"NVWA_{q}.xlsx", Style(), special="all_rejected", what="every data row has Status 'Actief'",
                 rejected="data rows present, but every one rejected"),
            Plan(None, "Toelichting bij uitvraag.pdf", special="pdf", what="a PDF in the inbox",
                 rejected="not a readable spreadsheet (wrong extension)"),
        ]
    return [
        Plan("BD", f"BD_{q}.xlsx", Style(codes="mixed", title_rows=("Uitvraag clouddiensten 2025 - Belastingdienst", ""), totals_row=True, empty_rows=1),
             (("formula_name", 20),), what="title rows, every synonym, an empty row and a totals row"),
        Plan("UWV", f"UWV_{q}.xlsx", Style(), (("status_actief", 12),),
             what="row 14 has Status 'Actief' (the spec's example message)"),
        Plan("SVB", f"SVB_{q}_v2.xlsx", Style(), what="free file name SVB_2025-Q3_v2.xlsx"),
        Plan("SZW", f"SZW_{q}.xlsx", Style(headers="mixed")),
        Plan("DEF", f"DEF_{q}.xlsx", Style(dates="serial")),
        Plan("DUO", f"DUO_{q}.xlsx", Style(yes_no=("J", "N")), what="switched from template 2024.1 to 2025.1; new contact"),
        Plan("IENW", f"IENW_{q}.xlsx", Style(codes="mixed", yes_no=None, dates="mixed"),
             what="switched from template 2024.1 to 2025.1; every synonym"),
        Plan("CJIB", f"CJIB_{q}.csv", Style(encoding="utf-8-sig", **CSV), what="CSV, now template 2025.1"),
        Plan("RDW", f"RDW_{q}.csv", Style(encoding="cp1252", amounts="euro", title_rows=("Clouddiensten RDW",), **CSV),
             what="CSV Windows-1252 with a title row above the header"),
        Plan("DJI", f"DJI_{q}.csv", Style(sep="\t", amounts="nl", **CSV)),
        Plan("RIVM", f"RIVM_{q}.csv", Style(sep=",", decimal_comma=False, **CSV)),
        Plan("CBS", f"CBS_{q}.ods", Style(fmt="ods", amounts="mixed")),
        Plan("KADASTER", f"KADASTER_{q}.xls", Style(fmt="xls", bbn_numbers=True)),
        Plan("KVK", f"KVK_{q}.xlsx", Style(shuffle=True), special="drop_one",
             what="one service disappears without status Beëindigd (quality warning)"),
        Plan("LOGIUS", f"LOGIUS_{q}.xlsx", Style(extra_column="Contractnummer")),
        Plan("SSCICT", f"SSCICT_{q}.xlsx", Style(empty_rows=2)),
        Plan("DICTU", f"DICTU_{q}.xlsx", Style(dates="mixed", amounts="mixed")),
        Plan("IND", f"IND_{q}.xlsx", Style(), (("vendor_change", 9),),
             what="a service changes vendor under the same Dienst-ID"),
        Plan("RWS", f"RWS_{q}.xlsx", Style(padding=True), (("missing_bbn", 4),), what="a row without BBN-niveau"),
        Plan("RVO", f"RVO_{q}.xlsx", Style(org_keys="peildatum_only", peildatum_text=True),
             what="only Peildatum, written as text '30-9-2025'"),
        Plan("AP", f"AP_{q}.xlsx", Style(), what="nil return again"),
        Plan("BZ", f"BZ_{q}.xlsx", Style()),
        Plan("EZ", f"EZ_{q}.xlsx", Style(yes_no=("WAAR", "ONWAAR"))),
        Plan("JENV", f"JENV_{q}.xlsx", Style(yes_no=("1", "0"))),
        Plan("DNB", f"DNB_{q}.xlsx", Style(headers="breaks")),
        Plan("BZK", f"BZK_{q}.xlsx", Style(), (("vendor_change", 3),),
             what="a service changes vendor under the same Dienst-ID"),
        Plan("AENM", f"AENM_{q}.xlsx", Style()),
        Plan("AFM", f"AFM_{q}.xlsx", Style()),
        Plan("LVVN", f"LVVN_{q}.xlsx", Style()),
        Plan("NLA", f"NLA_{q}.csv", Style(**CSV), what="CSV, now correctly named"),
        Plan("FIN", f"FIN_{q}.xlsx", Style(), what="first accepted submission"),
        Plan("VWS", f"VWS_{q}.xlsx", Style(), what="first accepted submission"),
        Plan("OCW", f"OCW_{q}.xlsx", Style(), what="first accepted submission"),
        Plan("NVWA", f"NVWA_{q}.xlsx", Style(), what="first accepted submission"),
        Plan("VRO", f"VRO_{q}.xlsx", Style(), what="new submitter"),
        Plan("ACM", f"ACM_{q}.xlsx", Style(), what="ACM sends two different files",
             rejected="two different files for the same organisation and period"),
        Plan("ACM", f"ACM_{q}_correctie.xlsx", Style(), variant=1, what="ACM's second, different file",
             rejected="two different files for the same organisation and period"),
        Plan(None, "Aanbiedingsbrief IENW.docx", special="docx", what="a Word document in the inbox",
             rejected="not a readable spreadsheet (wrong extension)"),
    ]


def resubmission_plans() -> list[Plan]:
    """A later run for 2025-Q2: KVK resubmits a corrected file (replaces its earlier one)."""
    return [Plan("KVK", "KVK_2025-Q2.xlsx", Style(), special="resubmit",
                 what="KVK's corrected 2025-Q2 file: the 'n.t.b.' fixed and one forgotten service added "
                 "(the one 2025-Q3 lists as new)")]


# ----------------------------------------------------------------------------- generation

def _organisations() -> dict[str, str]:
    with (ROOT / "seeds" / "organisations.csv").open(encoding="utf-8", newline="") as fh:
        return {r["org_code"]: r["org_name"] for r in csv.DictReader(fh)}


def _write_file(path: Path, plan: Plan, services: list[Service], period: str, org_name: str,
                contact: str | None, rng: random.Random, coverage: dict) -> dict:
    """Write one file; return its expected outcome."""
    entry: dict = {"org_code": plan.org, "what": plan.what}
    if plan.special in ("corrupt", "empty", "pdf", "docx"):
        if plan.special == "corrupt":
            path.write_bytes(b"PK\x03\x04" + rng.randbytes(3000))
        elif plan.special == "empty":
            path.write_bytes(b"")
        elif plan.special == "pdf":
            path.write_bytes(PDF)
        else:
            write_docx(path)
        entry.update(status="rejected", reason=plan.rejected, format=path.suffix.lstrip("."))
        return entry
    style = plan.style
    sheet = make_sheet(services, style, rng, coverage)
    for kind, index in plan.defects:
        apply_defect(sheet, kind, index)
    if plan.special == "all_rejected":
        for i in range(len(sheet.rows)):
            apply_defect(sheet, "status_actief", i)
    finish_sheet(sheet, style, rng)
    if style.fmt == "csv":
        write_csv(path, sheet, style)
    else:
        pairs = _org_pairs(plan.org, org_name, period, style, rng, contact)
        {"xlsx": write_xlsx, "xls": write_xls, "ods": write_ods}[style.fmt](path, pairs, sheet, style)
    counts = {k: sum(r.outcome == k for r in sheet.rows) for k in ("accepted", "rejected", "skipped")}
    entry.update(
        status="rejected" if plan.rejected else "accepted",
        format=style.fmt,
        template_version=style.version,
        rows_total=len(sheet.rows),
        rows_accepted=counts["accepted"],
        rows_rejected=counts["rejected"],
        rows_skipped=counts["skipped"],
        rows=[{"row": sheet.first_row_number() + i, "outcome": r.outcome, "what": "; ".join(r.notes)}
              for i, r in enumerate(sheet.rows) if r.notes],
    )
    # what the quality checks across quarters see (taken out again before expected.json is written)
    entry["_services"] = {
        str(r.cells["service_id"]).strip().lower(): (str(r.cells["service_id"]).strip(),
                                                     CANONICAL.get(alias_key(r.cells["vendor_raw"])), r.service.status)
        for r in sheet.rows if r.outcome == "accepted" and r.service is not None}
    entry["_rejected"] = {str(r.cells.get("service_id")).strip().lower() for r in sheet.rows if r.outcome == "rejected"}
    if plan.rejected:
        entry["reason"] = plan.rejected
        if plan.special != "all_rejected":
            for key in ("rows_total", "rows_accepted", "rows_rejected", "rows_skipped", "rows"):
                entry.pop(key)
    return entry


def generate(out: Path, seed: int = SEED) -> dict:
    """Write the sample inboxes under `out` and README/expected/contacts beside it.

    Returns the expected outcomes (the content of expected.json) plus, under
    `_coverage`, every input form used (for tests; not written)."""
    rng = random.Random(seed)
    names = _organisations()
    orgs = sorted(SIZES)
    contacts = {org: CONTACTS[i % len(CONTACTS)] for i, org in enumerate(orgs)}
    coverage: dict = {}
    q2 = {org: build_q2(org, random.Random(f"{seed}-{org}")) for org in orgs}
    q3 = {org: evolve(q2[org], org, random.Random(f"{seed}-{org}-q3")) for org in orgs}
    expected: dict = {"seed": seed, "periods": {}}

    for period, services in (("2025-Q2", q2), ("2025-Q3", q3)):
        inbox = out / period
        inbox.mkdir(parents=True, exist_ok=True)
        for old in inbox.iterdir():
            old.unlink()
        files = {}
        for plan in plans(period):
            svc = services.get(plan.org, []) if plan.org else []
            if plan.org == "AP":
                svc = []
            if plan.special == "drop_one":
                gone = svc[len(svc) // 2].service_id
                svc = [s for s in svc if s.service_id != gone]
                plan.what += f": {gone}"
            if plan.variant:
                svc = svc[:-1]
            contact = contacts.get(plan.org)
            if plan.org == "DUO" and period == "2025-Q3":
                contact = CONTACTS[-1]
            files[plan.name] = _write_file(inbox / plan.name, plan, svc, period, names.get(plan.org, ""),
                                           contact, random.Random(f"{seed}-{period}-{plan.name}"), coverage)
            if contact and plan.style.fmt != "csv" and plan.special not in ("corrupt", "empty", "pdf", "docx"):
                coverage.setdefault("contacts", set()).add(contact)
        accepted = sorted({f["org_code"] for f in files.values() if f["status"] == "accepted"})
        expected["periods"][period] = {
            "peildatum": period_end(period).isoformat(),
            "files": files,
            "organisations_with_submission": accepted,
            "organisations_without_submission": sorted({o for o in names} - set(accepted)),
        }

    expected["quality"] = {"2025-Q3": quality_across_quarters(expected["periods"]["2025-Q2"],
                                                              expected["periods"]["2025-Q3"])}
    for block in expected["periods"].values():
        for f in block["files"].values():
            f.pop("_services", None)
            f.pop("_rejected", None)

    resubmit = out.parent / "resubmit" / "2025-Q2"
    resubmit.mkdir(parents=True, exist_ok=True)
    files = {}
    for plan in resubmission_plans():
        svc = [Service(**vars(s)) for s in q2[plan.org]]
        # the added service is the one 2025-Q3 lists as new: same Dienst-ID, same vendor in both quarters
        forgotten = next(s for s in q3[plan.org] if s.service_id not in {o.service_id for o in svc})
        svc.append(Service(**vars(forgotten)))
        files[plan.name] = _write_file(resubmit / plan.name, plan, svc, "2025-Q2", names[plan.org],
                                       contacts[plan.org], random.Random(f"{seed}-resubmit-{plan.name}"), coverage)
        files[plan.name].pop("_services")
        files[plan.name].pop("_rejected")
    expected["resubmit"] = {"2025-Q2": {"files": files}}

    used = sorted(coverage.get("contacts", set()))
    (out.parent / "contacts.txt").write_text(
        "".join(f"{name}\n{_email(name)}\n" for name in used), encoding="utf-8")
    (out.parent / "expected.json").write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n",
                                              encoding="utf-8")
    (out.parent / "README.md").write_text(readme(expected), encoding="utf-8")
    expected["_coverage"] = coverage
    return expected


def quality_across_quarters(previous: dict, current: dict) -> dict:
    """The warnings the quarter-over-quarter checks give on `current` (organisations with an
    accepted file in both periods; accepted rows only): a Dienst-ID whose canonical vendor
    changed, and a service not `ended` before that is no longer in the current file. Each is
    deliberate; the file's `what` says so."""
    def accepted(block: dict) -> dict[str, tuple[str, dict]]:
        return {f["org_code"]: (name, f) for name, f in block["files"].items() if f["status"] == "accepted"}

    before, now = accepted(previous), accepted(current)
    changes, gone = [], []
    for org in sorted(before.keys() & now.keys()):
        (_, old), (name, new) = before[org], now[org]
        for key, (sid, vendor, status) in old["_services"].items():
            if key in new["_services"]:
                if new["_services"][key][1] != vendor:
                    changes.append({"org_code": org, "service_id": new["_services"][key][0], "file": name,
                                    "previous_vendor": vendor, "vendor": new["_services"][key][1]})
            elif status != "ended":
                how = "its row is rejected" if key in new["_rejected"] else "left out of the file"
                gone.append({"org_code": org, "service_id": sid, "file": name, "how": how})
                if how != "left out of the file":
                    new["what"] += (f"; {sid} therefore disappears without status Beëindigd ({how}): "
                                    "quality warning")
    return {"vendor_changes": changes, "silent_disappearances": gone}


def readme(expected: dict) -> str:
    lines = [
        "# Sample data (generated — do not edit)",
        "",
        "Written by `.venv/bin/python tools/generate_sample.py` (fixed seed, byte-identical on every run).",
        "`inbox/<period>/` holds what organisations handed in for 2025-Q2 and 2025-Q3; `resubmit/2025-Q2/`",
        "holds a corrected file for a second 2025-Q2 run. `expected.json` is this table in machine-readable",
        "form (per file: status, and for files whose rows are read the expected accepted / rejected / skipped",
        "data-row counts, plus every deliberate row defect with its spreadsheet row number).",
        "`contacts.txt` lists every contact name and e-mail used: none may appear in a published output.",
        "",
    ]
    sections = [(f"inbox/{p}", v) for p, v in expected["periods"].items()]
    sections += [(f"resubmit/{p}", v) for p, v in expected["resubmit"].items()]
    for title, block in sections:
        lines += [f"## {title}", "", "| file | what | expected (spec) | rows acc/rej/skip |", "|---|---|---|---|"]
        for name, f in block["files"].items():
            outcome = f["status"] + (f": {f['reason']}" if f.get("reason") else "")
            counts = (f"{f['rows_accepted']}/{f['rows_rejected']}/{f['rows_skipped']}" if "rows_total" in f else "")
            what = f["what"]
            by_what: dict[str, list[int]] = {}
            for r in f.get("rows", []):
                by_what.setdefault(f"{r['what']} ({r['outcome']})", []).append(r["row"])
            for text, numbers in by_what.items():
                rows = (f"rows {numbers[0]}-{numbers[-1]}" if numbers == list(range(numbers[0], numbers[-1] + 1))
                        and len(numbers) > 2 else "row" + ("s " if len(numbers) > 1 else " ")
                        + ", ".join(map(str, numbers)))
                what += f"; {rows}: {text}"
            lines.append(f"| `{name}` | {what} | {outcome} | {counts} |")
        if "organisations_without_submission" in block:
            lines += ["", "Without an accepted submission (\"geen opgave\"): "
                      + ", ".join(block["organisations_without_submission"]) + "."]
        lines.append("")
    for period, q in expected["quality"].items():
        lines += [f"## Quarter-over-quarter warnings for {period}", "",
                  "A Dienst-ID keeps its vendor (the alias spelling may differ) and a service leaves only "
                  "with status Beëindigd, except for these deliberate cases (organisations with an accepted "
                  "file in both quarters, accepted rows only):", ""]
        lines += [f"- vendor changed: {c['org_code']} `{c['service_id']}` ({c['previous_vendor']} → {c['vendor']}), "
                  f"`{c['file']}`" for c in q["vendor_changes"]]
        lines += [f"- disappeared without status Beëindigd: {d['org_code']} `{d['service_id']}` ({d['how']}), "
                  f"`{d['file']}`" for d in q["silent_disappearances"]]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the deterministic sample submissions.")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "sample" / "inbox",
                        help="inbox root; one folder per period is written under it")
    parser.add_argument("--seed", type=int, default=SEED, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    expected = generate(args.out, args.seed)
    for period, block in expected["periods"].items():
        print(f"{period}: {len(block['files'])} files, "
              f"{len(block['organisations_with_submission'])} organisations with an accepted file")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
