"""``python -m core.sentiment [--explain]``: one JSON object per stdin line, in order.

A line is a text, or a JSON object ``{"text": "...", "target": "Apple"}`` (a company name or
ticker; optional ``"name"`` for the company name of a ticker) scored for that target
(``core.sentiment.targets``). Lines are split on ``\\n`` bytes only (a trailing ``\\r`` is
dropped), invalid UTF-8 is replaced, a blank line is neutral: lines out = lines in. A line
that starts with ``{`` but is not such an object is scored as plain text.
"""
from __future__ import annotations

import argparse
import json
import sys

from core.sentiment import score_batch
from core.sentiment.explain import explain
from core.sentiment.targets import score_for, target_text

CHUNK = 512  # lines scored per batch (the learned layer scores a batch with one product)


def parse_line(line: str) -> tuple[str, str | None, str | None]:
    """(text, target, company name) of one input line."""
    if line.startswith("{"):
        try:
            obj = json.loads(line)
        except ValueError:
            return line, None, None
        if isinstance(obj, dict) and isinstance(obj.get("text"), str):
            target = obj.get("target")
            name = obj.get("name")
            return (obj["text"], target if isinstance(target, str) and target.strip() else None,
                    name if isinstance(name, str) else None)
    return line, None, None


def _score_chunk(items: list[tuple[str, str | None, str | None]], with_explain: bool) -> list[dict]:
    plain = [i for i, (_, t, _) in enumerate(items) if t is None]
    aimed = [i for i, (_, t, _) in enumerate(items) if t is not None]
    out: list[dict] = [{}] * len(items)
    for i, s in zip(plain, score_batch([items[i][0] for i in plain])):
        out[i] = {"compound": s.compound, "label": s.label}
    for i, s in zip(aimed, score_for([items[i] for i in aimed], score_batch)):  # type: ignore[misc]
        out[i] = {"compound": s.compound, "label": s.label, "target": items[i][1]}
    if with_explain:
        for i, (text, target, name) in enumerate(items):
            part = target_text(text, target, name) if target else text
            out[i]["explain"] = explain(part).as_dict()
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m core.sentiment",
        description="Score finance text from stdin: one text (or a JSON object with \"text\" "
        "and \"target\") per line, one JSON object {compound, label} per line on stdout.")
    p.add_argument("--explain", action="store_true",
                   help="add the rule hits and the learned layer's top contributions per line")
    args = p.parse_args(argv)
    data = sys.stdin.buffer.read()
    if not data:
        return 0
    lines = data.split(b"\n")
    if lines[-1] == b"":  # a final newline ends the last line; it does not start a new one
        lines.pop()
    out = sys.stdout
    for start in range(0, len(lines), CHUNK):
        items = [parse_line(raw.decode("utf-8", errors="replace").rstrip("\r"))
                 for raw in lines[start:start + CHUNK]]
        for obj in _score_chunk(items, args.explain):
            out.write(json.dumps(obj) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
