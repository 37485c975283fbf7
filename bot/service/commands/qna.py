"""`palveluopas qna ...`: the Q&A's curator and quality commands.

- `qna unanswered [--limit N]`: the most frequent questions the bot could not answer (or whose
  answer was marked not helpful), redacted as stored, for curators to write FAQ entries from.
- `qna eval [--misses] [--domain-only] [--morphology none|lemma|full]`: accuracy on the
  evaluation set (`domain/qna/eval/`) with the thresholds in force: first every question as the
  first message of a new conversation through the real app (`qna_http.py`), by part, language,
  document and kind; then the matcher alone (the domain-level ranking), which also measures
  what each morphology step adds.
- `qna sweep`: the thresholds the evaluation set supports (see `domain/qna/bands.py`).
- `qna tune [--rounds N]`: the matcher's weights chosen on the dev part of the evaluation set
  (see `domain/qna/weights.py`), printed as the literal to paste there; it writes no file.
  Run on the weights in force it prints them unchanged, which is how their provenance is
  checked.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from typing import Final

from domain.qna.bands import CONFIDENT_MARGIN, CONFIDENT_SCORE, LIKELY_MARGIN, UNSURE_SCORE
from domain.qna.evaluate import DEFAULT_EVAL_PATH, DEV, Outcome, Thresholds, describe, format_report, load_questions, nearest_floor, report, run, sweep, tune
from domain.qna.index import Morphology, QnaIndex, build_index
from domain.qna.morphology import TABLE_PATH, recording, table_of, use_voikko
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
    evaluate.add_argument("--domain-only", action="store_true", help="the matcher alone, not through the app")
    evaluate.add_argument("--morphology", choices=("none", "lemma", "full"), default=None, help="what Voikko adds (for measuring)")
    evaluate.add_argument("--voikko", action="store_true", help="Voikko itself instead of its table (what the table loses)")
    evaluate.set_defaults(handler=_eval)

    thresholds = commands.add_parser("sweep", help="the confidence thresholds the evaluation set supports")
    thresholds.add_argument("--questions", type=Path, default=DEFAULT_EVAL_PATH)
    thresholds.add_argument("--knowledge", type=Path, default=None)
    thresholds.set_defaults(handler=_sweep)

    lemmas = commands.add_parser("lemmas", help="write the Finnish base-form table from the knowledge base with Voikko")
    lemmas.add_argument("--knowledge", type=Path, default=None)
    lemmas.add_argument("--check", action="store_true", help="only say whether the table is current (exit 1 if not)")
    lemmas.set_defaults(handler=_lemmas)

    weights = commands.add_parser("tune", help="the matcher's weights chosen on the dev part (printed; no file is written)")
    weights.add_argument("--questions", type=Path, default=DEFAULT_EVAL_PATH)
    weights.add_argument("--knowledge", type=Path, default=None)
    weights.add_argument("--rounds", type=int, default=5, help="rounds at most (default 5)")
    weights.set_defaults(handler=_tune)


def _index(args: argparse.Namespace) -> QnaIndex:
    from knowledge.loader import load_knowledge_base

    kb = load_knowledge_base(args.knowledge)
    started = time.perf_counter()
    morphology: Morphology | None = getattr(args, "morphology", None)
    index = build_index(kb, morphology) if morphology else build_index(kb)
    print(f"index: {len(index.records)} records, {len(index.docs)} texts, built in {(time.perf_counter() - started) * 1000:.0f} ms")
    return index


IN_FORCE: Final = Thresholds(CONFIDENT_SCORE, CONFIDENT_MARGIN, UNSURE_SCORE, LIKELY_MARGIN)


def _outcomes(args: argparse.Namespace) -> list[Outcome]:
    index = _index(args)
    return run(index, load_questions(args.questions))


def _eval(args: argparse.Namespace) -> int:
    if args.voikko or args.morphology == "full":  # compound parts come from Voikko only
        use_voikko()
    if not args.domain_only:
        from bot.service.commands.qna_http import ask_all, format_http_report

        print(format_http_report(asyncio.run(ask_all(load_questions(args.questions), args.knowledge)), misses=args.misses))
        print()
    print("the matcher alone (domain level, no dialog):")
    print(format_report(report(_outcomes(args), IN_FORCE), IN_FORCE, show_misses=args.misses))
    return 0


def lemma_table(knowledge: Path | None) -> dict[str, object]:
    """The base-form table: every word an index build analyses, and the words of the tuning
    questions (workers' own wording; the held-out part stays out, so it measures forms the
    table has not seen)."""
    from knowledge.loader import load_knowledge_base

    kb = load_knowledge_base(knowledge)
    with recording() as words:
        index = build_index(kb)
        for question in load_questions(DEFAULT_EVAL_PATH):
            if question.part == DEV and question.lang == "fi":
                index.tokenizer.slots(question.text, "fi", query=True)
    return table_of(words)


def table_text(table: dict[str, object]) -> str:
    """One word a line, so a change in the knowledge base shows as a few changed lines."""
    words = table["words"]
    assert isinstance(words, dict)
    lines = [f"{json.dumps(w, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}" for w, v in words.items()]
    return '{"about": ' + json.dumps(table["about"], ensure_ascii=False) + ',\n"words": {\n' + ",\n".join(lines) + "\n}}\n"


def _lemmas(args: argparse.Namespace) -> int:
    content = table_text(lemma_table(args.knowledge))
    current = TABLE_PATH.read_text(encoding="utf-8") if TABLE_PATH.exists() else ""
    if args.check:
        print(f"{TABLE_PATH.name}: {'current' if content == current else 'out of date: run palveluopas qna lemmas'}")
        return 0 if content == current else 1
    TABLE_PATH.write_text(content, encoding="utf-8")
    print(f"{TABLE_PATH}: {len(json.loads(content)['words'])} words")
    return 0


def _sweep(args: argparse.Namespace) -> int:
    outcomes = _outcomes(args)
    chosen = sweep(outcomes)
    print(format_report(report(outcomes, chosen), chosen))
    print(f"\nCONFIDENT_SCORE = {chosen.confident}\nCONFIDENT_MARGIN = {chosen.margin}\nUNSURE_SCORE = {chosen.unsure}\nLIKELY_MARGIN = {chosen.likely}")
    # The nearest topics are listed below the unsure threshold in force, so their floor is
    # chosen against it, not against a proposed one.
    print(f"NEAREST_SCORE = {nearest_floor(outcomes, UNSURE_SCORE)} (below UNSURE_SCORE in force, {UNSURE_SCORE})")
    return 0


def _tune(args: argparse.Namespace) -> int:
    index = _index(args)
    questions = load_questions(args.questions)
    print("tuning on the tuning part (the held-out part is only reported)...", flush=True)
    chosen = tune(index, questions, WEIGHTS, rounds=max(1, args.rounds), progress=lambda line: print(f"  {line}", flush=True))
    thresholds = IN_FORCE
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
