"""Lead funnel metrics from outcomes and the status event log (pure; the store feeds them).

Definitions (shown on the metrics page, so they are spelled out here):

* progress stages are new -> reviewed -> contacted -> replied -> won. A lead counts for every
  stage up to the furthest it ever reached, judged from its current status and every status in
  its event log, so a lead that reached 'replied' also counts for 'contacted' and 'reviewed'
  even after it was later lost. 'lost' and 'ignored' imply 'reviewed' (someone looked at it).
* a lead is *decided* when its current status is won, lost or ignored; the others are open.
* conversion rate = won / decided. Open leads are left out because their outcome is unknown
  yet; counting them as failures would make young keywords, platforms and weeks look worse
  than they are. ``rate_all`` = won / all leads is given beside it for context.
* time to convert = from the lead's first status event to its first 'won' event.
* a lead's week is the ISO week (e.g. ``2026-W05``) of when it was posted (or fetched).
"""
from __future__ import annotations

import polars as pl

from core.models import LeadStatus

STAGES = [LeadStatus.NEW, LeadStatus.REVIEWED, LeadStatus.CONTACTED, LeadStatus.REPLIED, LeadStatus.WON]
DECIDED = [LeadStatus.WON.value, LeadStatus.LOST.value, LeadStatus.IGNORED.value]
RANK = {s.value: i for i, s in enumerate(STAGES)} | {LeadStatus.LOST.value: 1, LeadStatus.IGNORED.value: 1}
GROUPINGS = ("keyword", "platform", "week")


def _rank(col: str) -> pl.Expr:
    return pl.col(col).replace_strict(RANK, default=0, return_dtype=pl.Int32)


def reached(outcomes: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """(id, status, reached) where reached is the rank of the furthest progress stage."""
    cur = outcomes.select("id", "status", _rank("status").alias("r"))
    ev = pl.concat([
        events.select(pl.col("lead_id").alias("id"), _rank("to_status").alias("r")),
        events.filter(pl.col("from_status").is_not_null())
        .select(pl.col("lead_id").alias("id"), _rank("from_status").alias("r")),
    ]) if events.height else pl.DataFrame(schema={"id": pl.String, "r": pl.Int32})
    best = pl.concat([cur.select("id", "r"), ev.select("id", pl.col("r").cast(pl.Int32))]) \
        .group_by("id").agg(pl.col("r").max().alias("reached"))
    return cur.drop("r").join(best, on="id", how="left")


def funnel_counts(outcomes: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """(stage, leads): how many leads reached each progress stage, then lost and ignored now."""
    r = reached(outcomes, events)
    rows = [(s.value, int((r["reached"] >= i).sum())) for i, s in enumerate(STAGES)]
    for s in (LeadStatus.LOST, LeadStatus.IGNORED):
        rows.append((s.value, int((r["status"] == s.value).sum())))
    return pl.DataFrame(rows, schema={"stage": pl.String, "leads": pl.Int64}, orient="row")


def _with_group(outcomes: pl.DataFrame, by: str) -> pl.DataFrame:
    if by == "keyword":
        return outcomes.with_columns(pl.col("matched_keywords").alias("group")).explode("group") \
            .filter(pl.col("group").is_not_null())
    if by == "platform":
        return outcomes.with_columns(pl.col("platform").alias("group"))
    if by == "week":
        ts = pl.col("posted_at")
        return outcomes.with_columns(
            pl.format("{}-W{}", ts.dt.iso_year(), ts.dt.week().cast(pl.String).str.zfill(2)).alias("group"))
    raise ValueError(f"group leads by one of {GROUPINGS}, not {by!r}")


def conversion_rates(outcomes: pl.DataFrame, by: str = "keyword") -> pl.DataFrame:
    """(group, leads, decided, won, rate, rate_all) by keyword, platform or ISO week.

    ``outcomes`` has id, platform, matched_keywords, posted_at, status (``lead_outcomes``).
    rate = won / decided (null when nothing is decided yet); rate_all = won / leads.
    """
    g = _with_group(outcomes, by)
    status = pl.col("status")
    return (
        g.group_by("group").agg(
            pl.len().alias("leads"),
            status.is_in(DECIDED).sum().alias("decided"),
            (status == LeadStatus.WON.value).sum().alias("won"),
        )
        .with_columns(
            pl.when(pl.col("decided") > 0).then(pl.col("won") / pl.col("decided")).alias("rate"),
            (pl.col("won") / pl.col("leads")).alias("rate_all"),
        )
        .sort(["rate", "decided", "group"], descending=[True, True, False], nulls_last=True)
    )


def time_to_convert(events: pl.DataFrame) -> pl.DataFrame:
    """(lead_id, first_at, won_at, hours) for every lead with a 'won' event."""
    first = events.group_by("lead_id").agg(pl.col("changed_at").min().alias("first_at"))
    won = events.filter(pl.col("to_status") == LeadStatus.WON.value) \
        .group_by("lead_id").agg(pl.col("changed_at").min().alias("won_at"))
    return won.join(first, on="lead_id").select(
        "lead_id", "first_at", "won_at",
        ((pl.col("won_at") - pl.col("first_at")).dt.total_seconds() / 3600.0).alias("hours"),
    ).sort("won_at")
