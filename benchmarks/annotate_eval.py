"""Evaluate `kg annotate` drafts against gold annotations.

Gold set 1: the seed annotations in data/articles/ with their texts (``article.source_path``,
normally ../shared/seeds/). Gold set 2: tests/annotate_texts/*.yaml with the texts beside them.
Prints precision, recall and F1 per entity kind and overall for each set, and (with --errors)
every miss and spurious item per article.

    .venv/bin/python benchmarks/annotate_eval.py [--errors] [--set seeds|own|all]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.annotate import drafter_for  # noqa: E402
from kg.annotate.evaluate import KINDS, compare, total  # noqa: E402
from kg.annotate.text import read_article  # noqa: E402
from kg.yamlstrict import read_yaml_file  # noqa: E402

SETS = {"seeds": ROOT / "data" / "articles", "own": ROOT / "tests" / "annotate_texts"}


def evaluate_set(directory: Path, drafter) -> tuple[dict, dict, list[float]]:
    """Draft every article of a gold directory and score it; returns per-article scores, totals, timings."""
    per_article, timings = {}, []
    names = {k: drafter.lexicon.cities[k][0] for k in drafter.lexicon.cities}
    for gold_path in sorted(directory.glob("*.yaml")):
        gold = read_yaml_file(gold_path).data
        text_path = (gold_path.parent / gold["article"]["source_path"]).resolve()
        if not text_path.exists():
            print(f"skipped {gold_path.name}: text {text_path} not found", file=sys.stderr)
            continue
        draft = drafter.draft(read_article(text_path), source_id=text_path.stem)
        timings.append(draft.seconds)
        per_article[gold_path.name] = compare(gold, draft.data(), names)
    return per_article, total(per_article), timings


def report(name: str, per_article: dict, totals: dict, timings: list[float], errors: bool) -> str:
    lines = [f"## {name}: {len(per_article)} articles, drafting {max(timings or [0]):.3f} s at most per article", "",
             "| kind | P | R | F1 | tp | fp | fn |", "|---|---|---|---|---|---|---|"]
    for kind in KINDS + ("overall",):
        s = totals[kind]
        lines.append(f"| {kind} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} | {s.tp} | {s.fp} | {s.fn} |")
    if errors:
        lines.append("")
        for article, scores in per_article.items():
            errs = [e for kind in KINDS for e in scores[kind].errors]
            lines.append(f"* {article}: " + ("no errors" if not errs else "; ".join(errs)))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list misses and spurious items per article")
    parser.add_argument("--set", choices=["seeds", "own", "all"], default="all")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    drafter = drafter_for(ROOT / "data" / "reference")
    setup = time.perf_counter() - started
    for name in (["seeds", "own"] if args.set == "all" else [args.set]):
        print(report(name, *evaluate_set(SETS[name], drafter), args.errors))
        print()
    print(f"(setup: reference data and Morfeusz loaded in {setup:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
