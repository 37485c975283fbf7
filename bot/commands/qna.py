"""`palveluopas qna ...`: the Q&A's curator and quality commands.

- `qna unanswered [--limit N]`: the most frequent questions the bot could not answer (or whose
  answer was marked not helpful), redacted as stored, for curators to write FAQ entries from.
- `qna eval [--misses]`: accuracy on the evaluation set with the thresholds in force.
- `qna sweep`: the thresholds the evaluation set supports (see `domain/qna/bands.py`).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from domain.qna.bands import CONFIDENT_MARGIN, CONFIDENT_SCORE, UNSURE_SCORE
from domain.qna.evaluate import DEFAULT_EVAL_PATH, Thresholds, format_report, load_questions, report, run, sweep
from domain.qna.index import build_index


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("qna", help="Perehdytyskysymykset: vastaamattomat, arviointi")
    commands = parser.add_subparsers(dest="qna_command", required=True)

    unanswered = commands.add_parser("unanswered", help="Useimmin kysytyt vastaamattomat kysymykset")
    unanswered.add_argument("--limit", type=int, default=20, help="montako riviä (oletus 20)")
    unanswered.set_defaults(handler=_unanswered)

    evaluate = commands.add_parser("eval", help="Tarkkuus arviointijoukolla")
    evaluate.add_argument("--questions", type=Path, default=DEFAULT_EVAL_PATH)
    evaluate.add_argument("--knowledge", type=Path, default=None, help="tietopohjan kansio")
    evaluate.add_argument("--misses", action="store_true", help="näytä väärin osuneet")
    evaluate.set_defaults(handler=_eval)

    tune = commands.add_parser("sweep", help="Kynnysarvot arviointijoukosta")
    tune.add_argument("--questions", type=Path, default=DEFAULT_EVAL_PATH)
    tune.add_argument("--knowledge", type=Path, default=None)
    tune.set_defaults(handler=_sweep)


def _outcomes(args: argparse.Namespace) -> list:  # type: ignore[type-arg]
    from knowledge.loader import load_knowledge_base

    kb = load_knowledge_base(args.knowledge)
    started = time.perf_counter()
    index = build_index(kb)
    print(f"index: {len(index.records)} records, {len(index.docs)} texts, built in {(time.perf_counter() - started) * 1000:.0f} ms")
    in_scope, out_of_scope = load_questions(args.questions)
    return run(index, [*in_scope, *out_of_scope])


def _eval(args: argparse.Namespace) -> int:
    thresholds = Thresholds(CONFIDENT_SCORE, CONFIDENT_MARGIN, UNSURE_SCORE)
    print(format_report(report(_outcomes(args), thresholds), thresholds, show_misses=args.misses))
    return 0


def _sweep(args: argparse.Namespace) -> int:
    outcomes = _outcomes(args)
    chosen = sweep(outcomes)
    print(format_report(report(outcomes, chosen), chosen))
    print(f"\nCONFIDENT_SCORE = {chosen.confident}\nCONFIDENT_MARGIN = {chosen.margin}\nUNSURE_SCORE = {chosen.unsure}")
    return 0


def _unanswered(args: argparse.Namespace) -> int:
    from bot.db import create_engine, create_sessionmaker
    from bot.qna_store import QnaStore

    from bot.settings import Settings

    url = Settings.from_env().database_url

    async def listing() -> list[str]:
        engine = create_engine(url)
        try:
            rows = await QnaStore(create_sessionmaker(engine)).most_frequent(max(1, args.limit))
        finally:
            await engine.dispose()
        return [f"{r.count:>5}  {r.reason:<13} {r.lang}  {r.last_seen:%Y-%m-%d}  {r.question}" + (f"  [{r.answer_id}]" if r.answer_id else "") for r in rows]

    lines = asyncio.run(listing())
    if not lines:
        print("Ei vastaamattomia kysymyksiä.")
        return 0
    print(f"{'kpl':>5}  {'syy':<13} kieli  viimeksi    kysymys")
    print("\n".join(lines))
    return 0
