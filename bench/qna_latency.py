"""Q&A answer latency in process: real knowledge base and a synthetic one 20x larger.

Prints figures, asserts nothing (CI machines vary). Run: `.venv/bin/python bench/qna_latency.py`.
Targets (one core): p99 < 10 ms on the real knowledge base, < 50 ms on the 20x one; the index
build well under a second on the real one (it runs at start-up and on every knowledge reload).

How it measures, so the figures can be trusted:

- The process is pinned to one CPU where the OS allows it (and nothing here starts threads).
- Build time is measured with every memo cleared first (the module-level stem cache too), so it
  is the cost of a first load in a fresh process; `rebuild` is a second build of the same
  knowledge base in the same process (a reload), when words already have their stems.
- Memory is measured in a separate, untimed build under `tracemalloc` (which slows Python down
  several times, so it never runs while anything is timed): the memory the index holds after
  the build, and the peak during it.
- Questions are the evaluation set's (in scope and out of scope), shuffled. A quarter of them
  are asked first as a warm-up and not timed; the rest are timed, each asked once per pass, in
  PASSES passes. Before each pass the tokenizer's memos (near spellings of unknown words, stem
  families, compound splits, glossary look-ups) are cleared, so every timed question pays its
  first-seen costs, as a new question does in production.

The large knowledge base recombines real records under new ids: every FAQ entry, card, step
and term is copied 19 times, each copy's phrasings drawn from two different real entries, so
the vocabulary stays realistic while postings grow twentyfold.
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.qna import QnaIndex, build_index
from domain.qna.evaluate import load_questions
from domain.qna.normalize import keys_of
from knowledge.loader import load_knowledge_base
from knowledge.model import KnowledgeBase

COPIES = 19
PASSES = 5


def enlarge(kb: KnowledgeBase, copies: int = COPIES, seed: int = 7) -> KnowledgeBase:
    rng = random.Random(seed)
    faq, services, processes, terms = list(kb.faq), list(kb.services), list(kb.processes), list(kb.glossary.terms)
    for n in range(1, copies + 1):
        for entry in kb.faq:
            other = rng.choice(kb.faq)
            mixed = entry.phrasings.model_copy(update={"fi": (*entry.phrasings.fi[:1], *other.phrasings.fi[1:2], *entry.phrasings.fi[1:])})
            faq.append(entry.model_copy(update={"id": f"{entry.id}-x{n}", "phrasings": mixed, "follow_ups": ()}))
        for card in kb.services:
            services.append(card.model_copy(update={"id": f"{card.id}-x{n}", "process_steps": ()}))
        for term in kb.glossary.terms:
            terms.append(term.model_copy(update={"id": f"{term.id}-x{n}"}))
        for proc in kb.processes:
            phases = tuple(
                phase.model_copy(update={"id": f"{phase.id}-x{n}", "steps": tuple(s.model_copy(update={"id": f"{s.id}-x{n}", "services": ()}) for s in phase.steps)})
                for phase in proc.phases
            )
            processes.append(proc.model_copy(update={"id": f"{proc.id}-x{n}", "phases": phases}))
    glossary = kb.glossary.model_copy(update={"terms": tuple(terms)})
    return kb.model_copy(update={"faq": tuple(faq), "services": tuple(services), "processes": tuple(processes), "glossary": glossary, "version": kb.version + "-x20"})


def _timed_build(kb: KnowledgeBase, cold: bool) -> tuple[QnaIndex, float]:
    if cold:
        keys_of.cache_clear()
    gc.collect()
    started = time.perf_counter()
    index = build_index(kb)
    return index, (time.perf_counter() - started) * 1000


def _memory(kb: KnowledgeBase) -> tuple[float, float]:
    """(MiB held by the index, MiB peak during the build), from an untimed build."""
    keys_of.cache_clear()
    gc.collect()
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    index = build_index(kb)
    gc.collect()
    after, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del index
    return (after - before) / 2**20, (peak - before) / 2**20


def _clear_question_memos(index: QnaIndex) -> None:
    tokenizer = index.tokenizer
    tokenizer._fuzzy_cache.clear()
    tokenizer._family_cache.clear()
    tokenizer._split_cache.clear()
    tokenizer._concept_cache.clear()


def measure(name: str, kb: KnowledgeBase, questions: list[tuple[str, str]]) -> None:
    index, cold_ms = _timed_build(kb, cold=True)
    _, rebuild_ms = _timed_build(kb, cold=False)
    held_mib, peak_mib = _memory(kb)
    index, _ = _timed_build(kb, cold=False)

    warm, timed = questions[: len(questions) // 4], questions[len(questions) // 4 :]
    for text, lang in warm:
        index.ask(text, lang)
    latencies: list[float] = []
    for _ in range(PASSES):
        _clear_question_memos(index)
        for text, lang in timed:
            t0 = time.perf_counter()
            index.ask(text, lang)
            latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))]
    print(
        f"{name}: {len(index.records)} records, {len(index.docs)} texts, {len(index.vocabulary)} word keys, {len(index.postings)} keys\n"
        f"  build {cold_ms:.0f} ms cold (fresh process), {rebuild_ms:.0f} ms rebuild (reload); "
        f"index holds ~{held_mib:.1f} MiB, peak during build ~{peak_mib:.1f} MiB\n"
        f"  {len(timed)} questions x {PASSES} passes after {len(warm)} untimed warm-up questions: "
        f"p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {latencies[-1]:.2f} ms"
    )


def main() -> int:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        print(f"pinned to CPU {os.sched_getaffinity(0)}")
    kb = load_knowledge_base()
    in_scope, out_of_scope = load_questions()
    questions = [(q.text, q.lang) for q in [*in_scope, *out_of_scope]]
    random.Random(1).shuffle(questions)
    measure("real", kb, questions)
    measure("20x", enlarge(kb), questions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
