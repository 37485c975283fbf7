"""Q&A answer latency in process: real knowledge base and a synthetic one 20x larger.

Prints figures, asserts nothing (CI machines vary). Run: `.venv/bin/python bench/qna_latency.py`.
Targets (one core): p99 < 10 ms on the real knowledge base, < 50 ms on the 20x one.

The large knowledge base recombines real records under new ids: every FAQ entry, card, step
and term is copied 19 times, each copy's phrasings drawn from two different real entries, so
the vocabulary stays realistic while postings grow twentyfold. Questions are the evaluation
set's, asked once each in a shuffled order after one warm-up pass (so the first-seen costs of
caches are measured too: the warm-up uses other questions).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.qna import QnaIndex, build_index  # noqa: E402
from domain.qna.evaluate import load_questions  # noqa: E402
from knowledge.loader import load_knowledge_base  # noqa: E402
from knowledge.model import KnowledgeBase  # noqa: E402

COPIES = 19


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


def measure(name: str, kb: KnowledgeBase, questions: list[tuple[str, str]]) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    index: QnaIndex = build_index(kb)
    build_ms = (time.perf_counter() - started) * 1000
    _, peak = tracemalloc.get_traced_memory()
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    warm, timed = questions[: len(questions) // 4], questions[len(questions) // 4 :]
    for text, lang in warm:
        index.ask(text, lang)
    latencies: list[float] = []
    for text, lang in timed:
        t0 = time.perf_counter()
        index.ask(text, lang)
        latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(round(0.99 * (len(latencies) - 1))))]
    print(
        f"{name}: {len(index.records)} records, {len(index.docs)} texts, {len(index.vocabulary)} word keys; "
        f"build {build_ms:.0f} ms, index memory ~{current / 2**20:.1f} MiB (peak during build {peak / 2**20:.1f} MiB); "
        f"{len(latencies)} questions: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {latencies[-1]:.2f} ms"
    )


def main() -> int:
    kb = load_knowledge_base()
    in_scope, out_of_scope = load_questions()
    questions = [(q.text, q.lang) for q in [*in_scope, *out_of_scope]]
    random.Random(1).shuffle(questions)
    measure("real", kb, questions)
    measure("20x", enlarge(kb), questions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
