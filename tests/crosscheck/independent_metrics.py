"""A second, independent computation of `marts.org_metrics` and `marts.scope_metrics`.

Written from ../shared/spec/metrics.md alone in plain Python (csv module, no SQL, no code
shared with the dbt models), over the rows ingest accepted. The crosscheck test asserts
that both computations agree on the sample data.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

COUNTS = [
    "active_services", "public_services", "materieel_services", "materieel_us_direct",
    "materieel_us_indirect", "materieel_us_without_fallback", "materieel_us_without_exit",
    "materieel_us_without_fallback_and_exit", "materieel_us_without_risk_assessment",
    "active_us_dependent", "personal_data_services", "personal_data_nl", "personal_data_eea",
    "personal_data_non_eea", "personal_data_unknown", "special_data_outside_eer", "bbn3_public",
    "private_or_hybrid_services", "unknown_type_services", "materieel_without_risk_assessment",
    "materieel_big_three", "public_eer_vendor", "foreign_migrations", "reconsidered_services",
]


def read_csv(name: str) -> list[dict]:
    with open(SEEDS / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def peildatum(period: str) -> dt.date:
    year, q = int(period[:4]), int(period[-1])
    month = 3 * q
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def valid_on(row: dict, day: dt.date) -> bool:
    start = dt.date.fromisoformat(row["valid_from"])
    end = dt.date.fromisoformat(row["valid_to"]) if row["valid_to"] else None
    return start <= day and (end is None or end > day)


def alias_key(name: str) -> str:
    key = re.sub(r"\s+", " ", name).strip().lower()
    while key and key[-1] in ".,":
        key = key[:-1].rstrip()
    return key


class Reference:
    def __init__(self) -> None:
        self.aliases = {alias_key(r["alias"]): r["vendor"] for r in read_csv("vendor_aliases.csv")}
        self.vendors = read_csv("vendors.csv")
        self.orgs = read_csv("organisations.csv")
        self.in_eer = {r["iso2"]: r["in_eer"] == "true" for r in read_csv("countries.csv")}

    def vendor_row(self, vendor: str | None, day: dt.date) -> dict | None:
        for r in self.vendors:
            if r["vendor"] == vendor and valid_on(r, day):
                return r
        return None

    def org_row(self, org_code: str, day: dt.date) -> dict | None:
        for r in self.orgs:
            if r["org_code"] == org_code and valid_on(r, day):
                return r
        return None


def location(declared: str, countries: list[str] | None, unknown: list[str] | None, ref: Reference) -> str:
    countries, unknown = countries or [], unknown or []
    if not countries and not unknown:
        return declared
    if unknown or any(not ref.in_eer.get(c, False) for c in countries):
        from_countries = "non_eea"
    elif any(c != "NL" for c in countries):
        from_countries = "eea"
    else:
        from_countries = "nl"
    if declared == "unknown":
        return from_countries
    order = ["nl", "eea", "non_eea"]
    return max(declared, from_countries, key=order.index)


def flags(row: dict, day: dt.date, ref: Reference) -> dict:
    vendor = ref.aliases.get(alias_key(row["vendor_raw"]))
    vrow = ref.vendor_row(vendor, day)
    if row["provider_raw"]:
        prow = ref.vendor_row(ref.aliases.get(alias_key(row["provider_raw"])), day)
    else:
        prow = vrow
    vendor_country = vrow["country"] if vrow else None
    provider_country = prow["country"] if prow else None
    loc = location(row["location_declared"], row["countries"], row["countries_unknown"], ref)
    active = row["status"] in ("in_use", "migrating")
    public = row["cloud_type"] == "public"
    materieel = active and public and row["process"] == "primary"
    us_direct = vendor_country == "US"
    us_indirect = not us_direct and provider_country == "US"
    return {
        "active": active, "public": public, "materieel": materieel,
        "us_direct": us_direct, "us_indirect": us_indirect, "us_dependent": us_direct or us_indirect,
        "location": loc, "vendor_concern": vrow["concern"] if vrow else None,
        "vendor_in_eer": bool(vendor_country) and ref.in_eer.get(vendor_country, False),
        "foreign_migration": row["status"] in ("planned", "intended") and row["reconsidered"] != "stopped"
        and public and (vendor_country != "NL" or loc != "nl"),
    }


def org_counts(rows: list[dict], day: dt.date, ref: Reference) -> dict:
    c = dict.fromkeys(COUNTS, 0)
    cost = 0
    for row in rows:
        f = flags(row, day, ref)
        m, us = f["materieel"], f["us_dependent"]
        c["active_services"] += f["active"]
        c["public_services"] += f["active"] and f["public"]
        c["materieel_services"] += m
        c["materieel_us_direct"] += m and f["us_direct"]
        c["materieel_us_indirect"] += m and f["us_indirect"]
        c["materieel_us_without_fallback"] += m and us and not row["fallback"]
        c["materieel_us_without_exit"] += m and us and not row["exit_strategy"]
        c["materieel_us_without_fallback_and_exit"] += m and us and not row["fallback"] and not row["exit_strategy"]
        c["materieel_us_without_risk_assessment"] += m and us and row["last_risk_assessment"] is None
        c["active_us_dependent"] += f["active"] and us
        personal = f["active"] and row["personal_data"] != "none"
        c["personal_data_services"] += personal
        for loc in ("nl", "eea", "non_eea", "unknown"):
            c[f"personal_data_{loc}"] += personal and f["location"] == loc
        c["special_data_outside_eer"] += f["active"] and row["personal_data"] == "special" and f["location"] in ("non_eea", "unknown")
        c["bbn3_public"] += f["active"] and f["public"] and row["bbn"] == 3
        c["private_or_hybrid_services"] += f["active"] and row["cloud_type"] in ("private", "hybrid", "community", "government")
        c["unknown_type_services"] += f["active"] and row["cloud_type"] == "unknown"
        c["materieel_without_risk_assessment"] += m and row["last_risk_assessment"] is None
        c["materieel_big_three"] += m and f["vendor_concern"] in ("Microsoft", "Amazon", "Alphabet")
        c["public_eer_vendor"] += f["active"] and f["public"] and f["vendor_in_eer"]
        c["foreign_migrations"] += f["foreign_migration"]
        c["reconsidered_services"] += row["reconsidered"] not in (None, "no")
        if f["active"] and f["public"] and row["annual_cost_eur"] is not None:
            cost += row["annual_cost_eur"]
    c = {k: int(v) for k, v in c.items()}
    c["annual_cost_public_eur"] = cost
    return c


def share(num, den):
    return None if den == 0 else num / den


def compute(con) -> tuple[dict, dict]:
    """(org_metrics, scope_metrics) keyed by (period, org_code) and (period, scope)."""
    ref = Reference()
    current = {}
    for file_id, org, period in con.execute(
        "select file_id, org_code, period from audit.files where status = 'accepted'"
    ).fetchall():
        if (org, period) not in current or file_id > current[(org, period)]:
            current[(org, period)] = file_id
    cols = ["file_id", "vendor_raw", "provider_raw", "location_declared", "countries", "countries_unknown",
            "status", "cloud_type", "process", "personal_data", "bbn", "reconsidered", "fallback",
            "exit_strategy", "last_risk_assessment", "annual_cost_eur"]
    by_file = defaultdict(list)
    for values in con.execute(f"select {', '.join(cols)} from raw.service_rows").fetchall():
        row = dict(zip(cols, values))
        by_file[row["file_id"]].append(row)
    orgs = {}
    for (org, period), file_id in current.items():
        day = peildatum(period)
        counts = org_counts(by_file.get(file_id, []), day, ref)
        counts["share_materieel_us"] = share(counts["materieel_us_direct"] + counts["materieel_us_indirect"], counts["materieel_services"])
        orgs[(period, org)] = counts
    scopes = {}
    for period in sorted({p for p, _ in orgs}):
        day = peildatum(period)
        members = {"rijksdienst": [], "zbo": []}
        expected = {"rijksdienst": set(), "zbo": set()}
        for r in ref.orgs:
            if not valid_on(r, day) or r["in_rijksbreed_totals"] != "true":
                continue
            for scope, is_member in (("rijksdienst", r["in_cloud_policy_scope"] == "true"), ("zbo", r["org_type"] == "zbo")):
                if is_member:
                    expected[scope].add(r["org_code"])
                    if (period, r["org_code"]) in orgs:
                        members[scope].append(orgs[(period, r["org_code"])])
        members["totaal"] = members["rijksdienst"] + members["zbo"]
        expected["totaal"] = expected["rijksdienst"] | expected["zbo"]
        for scope, rows in members.items():
            s = {k: sum(r[k] for r in rows) for k in [*COUNTS, "annual_cost_public_eur"]}
            s["organisations"] = len(rows)
            s["organisations_expected"] = len(expected[scope])
            s["share_materieel_us"] = share(s["materieel_us_direct"] + s["materieel_us_indirect"], s["materieel_services"])
            s["share_personal_data_in_eer"] = share(s["personal_data_nl"] + s["personal_data_eea"], s["personal_data_services"])
            s["share_public_eer_vendor"] = share(s["public_eer_vendor"], s["public_services"])
            scopes[(period, scope)] = s
    return orgs, scopes
