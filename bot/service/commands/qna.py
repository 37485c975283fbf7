"""`palveluopas qna ...`: the Q&A's curator and quality commands.

- `qna unanswered [--limit N]`: the most frequent questions the bot could not answer (or whose
  answer was marked not helpful), redacted as stored, for curators to write FAQ entries from.
- `qna eval [--misses]`: accuracy on the evaluation set with the thresholds in force.
- `qna sweep`: the thresholds the evaluation set supports (see `domain/qna/bands.py`).
- `qna tune [--rounds N]`: the matcher's weights chosen on the dev part of the evaluation set
  (see `domain/qna/weights.py`), printed as the literal to paste there; it writes no file.
  Run on the weights in force it prints them unchanged, which is how their provenance is
  checked.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from domain.qna.bands import CONFIDENT_MARGIN, CONFIDENT_SCORE, UNSURE_SCORE
from domain.qna.evaluate import DEFAULT_EVAL_PATH, Thresholds, describe, format_report, load_questions, report, run, sweep, tune
from domain.qna.index import QnaIndex, build_index
from domain.qna.weights import WEIGHTS


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("qna", help="onboarding Q&A: unanswered questions, evaluation, tuning")
    commands = parser.add_subparsers(dest="qna_command", required=True)

    unanswered = commands.add_parser("unanswered", help="the most frequent questions the bot could not answer (redacted)")
    unanswered.add_argument("--limit", type=int, default=20, help="how many rows (default 20)")
    unanswered.set_defaults(handler=_unanswered)

    evaluate = commands.add_parser("eval", help="accuracy on the evaluation set with the thresholds in force")
    evaluate.add_argument("--questions", type=Path, default=DEFAULT_EVAL_PATH)
    evaluate.add_argument("--knowledge", type=Path, default=None, help="knowledge folder (default: the installed one)")
    evaluate.add_argument("--misses", action="store_true", help="list the questions answered wrongly")
    evaluate.set_defaults(handler=_eval)

    thresholds = commands.add_parser("sweep", help="the confidence thresholds the evaluation set supports")
    thresholds.add_argument("--questions", type=Path, default=DEFAULT_EVAL_PATH)
    thresholds.add_argument("--knowledge", type=Path, default=None)
    thresholds.set_defaults(handler=_sweep)

    weights = commands.add_parser("tune", help="the matcher's weights chosen on the dev part (printed; no file is written)")
    weights.add_argument("--questions", type=Path, default=DEFAULT_EVAL_PATH)
    weights.add_argument("--knowledge", type=Path, default=None)
    weights.add_argument("--rounds", type=int, default=5, help="rounds at most (default 5)")
    weights.set_defaults(handler=_tune)


def _index(args: argparse.Namespace) -> QnaIndex:
    from knowledge.loader import load_knowledge_base

    kb = load_knowledge_base(args.knowledge)
    started = time.perf_counter()
    index = build_index(kb)
    print(f"index: {len(index.records)} records, {len(index.docs)} texts, built in {(time.perf_counter() - started) * 1000:.0f} ms")
    return index


def _outcomes(args: argparse.Namespace) -> list:  # type: ignore[type-arg]
    index = _index(args)
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


def _tune(args: argparse.Namespace) -> int:
    index = _index(args)
    in_scope, out_of_scope = load_questions(args.questions)
    questions = [*in_scope, *out_of_scope]
    print("tuning on the dev part (the held-out part is only reported)...", flush=True)
    chosen = tune(index, questions, WEIGHTS, rounds=max(1, args.rounds), progress=lambda line: print(f"  {line}", flush=True))
    thresholds = Thresholds(CONFIDENT_SCORE, CONFIDENT_MARGIN, UNSURE_SCORE)
    for name, weights in (("weights in force (domain/qna/weights.py)", WEIGHTS), ("chosen weights", chosen)):
        print(f"\n{name}, thresholds in force:")
        print("\n".join(format_report(report(run(index, questions, weights), thresholds), thresholds).splitlines()[1:5]))
    if chosen == WEIGHTS:
        print("\nThe weights in force are what the tuner chooses: nothing to change.")
    else:
        print("\nThe tuner chooses other weights; to adopt them, paste into domain/qna/weights.py and re-run `qna sweep`:")
    print(describe(chosen))
    return 0


def _unanswered(args: argparse.Namespace) -> int:
    from bot.service.settings import Settings
    from bot.store.db import create_engine, create_sessionmaker
    from bot.store.qna_store import QnaStore

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
        print("No unanswered questions.")
        return 0
    print(f"{'count':>5}  {'reason':<13} lang  last seen   question")
    print("\n".join(lines))
    return 0
