"""An imported file is outside input: wrong schemas are one sentence, bad rows are left out
with their reason, text is cleaned like fetched text."""
from __future__ import annotations

import polars as pl
import pytest

from bench.stores import synthetic
from core.exports import ExportError, export_dataset, import_export, read_export
from core.models import utcnow

pytestmark = pytest.mark.timeout(60)


def _one_news(**over) -> dict:
    row = {"id": "n1", "source": "s", "url": "https://x.example/1", "title": "Fine title",
           "summary": "ok", "published_at": utcnow(), "fetched_at": utcnow(), "tickers": ["AAPL"],
           "sentiment": 0.5, "sentiment_label": "positive", "cluster_id": None}
    return {**row, **over}


def test_bad_sentiment_and_labels_are_left_out_and_text_cleaned(store, tmp_path):
    rows = [_one_news(), _one_news(id="n2", sentiment=5.0), _one_news(id="n3", sentiment_label="bogus"),
            _one_news(id="n4", title="<script>alert(1)</script>Real <b>news</b>", url="javascript:alert(1)")]
    path = tmp_path / "news.parquet"
    pl.DataFrame(rows).write_parquet(path)
    result = import_export(store, "news", path)
    assert result["new"] == 2 and result["rejected"] == 2
    assert set(result["reasons"]) == {"sentiment outside [-1, 1]",
                                      "sentiment_label not one of positive, neutral, negative"}
    with store.read() as con:
        titles = dict(con.execute("SELECT id, title || '|' || url FROM news").fetchall())
    assert titles["n4"] == "Real news|"


def test_a_wrong_schema_is_one_sentence(store, tmp_path):
    path = tmp_path / "news.parquet"
    pl.DataFrame({"id": [1, 2], "published_at": ["yesterday", "today"], "sentiment": ["high", "low"]}).write_parquet(path)
    with pytest.raises(ExportError) as err:
        import_export(store, "news", path)
    assert "not a news export" in str(err.value) and "transaction" not in str(err.value).lower()


def test_a_leads_export_imported_as_news_is_refused_readably(store, tmp_path):
    synthetic.fill(store, utcnow(), news=10, leads=10, n_symbols=1, years=1, news_days=2, lead_days=2)
    out = export_dataset(store, "leads", "parquet", tmp_path / "leads.parquet").path
    with pytest.raises(ExportError, match="not a prices export|not a readable prices export"):
        import_export(store, "prices", out)
    assert read_export(out).height == 10
