"""``export --overwrite`` replaces atomically: a complete version is under the name at every
moment, for a file and for a partitioned folder; a killed export's leftovers are put back or
removed on the next run, and said so — never silently deleted."""
from __future__ import annotations

import threading

import pytest

from bench.stores import synthetic
from core.atomic_files import OLD_MARK, TMP_MARK, exchange, publish
from core.exports import export_dataset, read_export
from core.models import utcnow

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def filled(store):
    synthetic.fill(store, utcnow(), news=3_000, leads=50, n_symbols=2, years=1, news_days=10, lead_days=5)
    return store


def _always_complete(out, rows, writes):
    """Read ``out`` over and over while ``writes()`` replaces it; every read must be whole."""
    seen, failures, done = [], [], threading.Event()

    def reader():
        while not done.is_set():
            try:
                seen.append(read_export(out).height)
            except Exception as exc:  # noqa: BLE001 - a missing or half-written version
                failures.append(repr(exc)[:200])

    t = threading.Thread(target=reader)
    t.start()
    try:
        writes()
    finally:
        done.set()
        t.join(30)
    assert not failures, failures[:3]
    assert seen and set(seen) == {rows}


@pytest.mark.parametrize("fmt, partition", [("csv", "never"), ("parquet", "never"), ("parquet", "always")])
def test_overwrite_never_leaves_the_name_empty_or_partial(filled, tmp_path, fmt, partition):
    out = tmp_path / ("news" if partition == "always" else f"news.{fmt}")
    first = export_dataset(filled, "news", fmt, out, partition=partition)
    _always_complete(out, first.rows, lambda: [
        export_dataset(filled, "news", fmt, out, overwrite=True, partition=partition) for _ in range(8)])
    assert [p.name for p in tmp_path.iterdir() if TMP_MARK in p.name] == []


def test_folders_are_swapped_in_one_step(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("A"), (b / "x").write_text("B")
    if not exchange(a, b):
        pytest.skip("this file system cannot exchange names (the rename-aside fallback is used)")
    assert (a / "x").read_text() == "B" and (b / "x").read_text() == "A"
    publish(a, b)  # b (the old version, "A") replaced by the new one in a
    assert (b / "x").read_text() == "B" and not a.exists()


@pytest.mark.parametrize("partition", ["never", "always"])
def test_a_copy_set_aside_by_a_killed_export_is_restored_and_reported(filled, tmp_path, partition):
    out = tmp_path / ("news" if partition == "always" else "news.parquet")
    first = export_dataset(filled, "news", "parquet", out, partition=partition)
    # what a kill between "rename the old version aside" and "rename the new one in" leaves
    aside = tmp_path / f".{out.name}{OLD_MARK}deadbeef"
    out.rename(aside)
    unfinished = tmp_path / f".{out.name}{TMP_MARK}cafe0001"
    unfinished.write_bytes(b"half a file")
    again = export_dataset(filled, "leads", "parquet", tmp_path / "other.parquet")  # other names untouched
    assert again.recovered == [] and aside.exists()
    with pytest.raises(Exception, match="already exists"):
        export_dataset(filled, "news", "parquet", out, partition=partition)  # no --overwrite
    assert read_export(out).height == first.rows  # restored, not deleted
    assert not aside.exists() and not unfinished.exists()
    result = export_dataset(filled, "news", "parquet", out, overwrite=True, partition=partition)
    assert result.rows == first.rows


def test_leftovers_are_reported(filled, tmp_path):
    from core.exports import ExportError

    out = tmp_path / "news.csv"
    aside = tmp_path / f".news.csv{OLD_MARK}0badf00d"
    aside.write_text("id\n1\n")
    with pytest.raises(ExportError, match="restored news.csv from .news.csv.tmp-old-0badf00d"):
        export_dataset(filled, "news", "csv", out)  # the old copy is back, and in the way
    assert out.read_text() == "id\n1\n"
    stray = tmp_path / f".news.csv{TMP_MARK}12345678"
    stray.write_text("partial")
    result = export_dataset(filled, "news", "csv", out, overwrite=True)
    assert any("removed .news.csv.tmp-12345678" in note for note in result.recovered)
    assert read_export(out).height == result.rows
