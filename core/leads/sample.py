"""The offline lead sample: real r/forhire posts from the shipped training CSVs, as a Reddit listing.

``python -m core.leads.sample`` (= ``make sample-leads``) writes
``data/sample/feeds/leads/reddit-top__forhire_sample.json``: ``SAMPLE_SIZE`` posts of
``data/training/leads/reddit-top__forhire_dev.csv`` (every ``STEP``-th row, so requests, offers
and meta threads all appear), in the JSON shape of Reddit's ``/r/<sub>/new`` answer, so the demo
replays them through the same adapter the live API poller uses. ``reddit_listing`` is also what
``bench/leads_eval.py`` feeds the pipeline.
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from core.leads.training import DATA_DIR

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "feeds" / "leads" / "reddit-top__forhire_sample.json"
SAMPLE_SIZE, STEP = 60, 7
FIELDS = ("id", "name", "title", "selftext", "permalink", "link_flair_text", "created_utc", "url", "domain")


def reddit_listing(rows: list[dict], subreddit: str) -> bytes:
    """CSV rows (Reddit API columns) -> a ``Listing`` of ``t3`` children, newest first."""
    children = []
    for r in sorted(rows, key=lambda r: float(r.get("created_utc") or 0), reverse=True):
        d = {k: r.get(k) for k in FIELDS if k in r}
        d["subreddit"] = subreddit
        d["created_utc"] = float(r.get("created_utc") or 0)
        d["link_flair_text"] = r.get("link_flair_text") or None
        d["name"] = r.get("name") or f"t3_{r['id']}"
        d["author"] = "[author stripped]"
        children.append({"kind": "t3", "data": d})
    after = children[-1]["data"]["name"] if children else None
    return json.dumps({"kind": "Listing", "data": {"after": after, "before": None, "children": children}},
                      ensure_ascii=False, indent=1).encode("utf-8")


def main() -> int:
    with open(DATA_DIR / "reddit-top__forhire_dev.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))[::STEP][:SAMPLE_SIZE]
    SAMPLE.parent.mkdir(parents=True, exist_ok=True)
    SAMPLE.write_bytes(reddit_listing(rows, "forhire"))
    print(f"wrote {SAMPLE} ({len(rows)} posts)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
