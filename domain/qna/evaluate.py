"""Measuring the matcher on the evaluation set, and choosing the band thresholds from it.

The evaluation set (`domain/qna/eval/`) holds questions written the way workers type, from the
source documents and before the knowledge base's phrasings were read: `tuning.yaml`, on which
weights and thresholds are chosen, and `heldout.yaml`, written separately and only reported.
`topics.yaml` maps each question's topic to the records that answer it. Questions of kind
`out` have no answer in the knowledge base: the bot must not answer them confidently.

- unsure: the score that best separates "worth offering" (an in-scope question whose answer is
  in the top three) from "not covered" (out-of-scope), as balanced accuracy of the two; ties
  go to the lower value, so an answer the worker could have picked is rarely hidden.
- confident (score, margin): the pair with the most confident answers among those where at
  most `SWEEP_WRONG_CONFIDENT` of the confident answers are wrong (an out-of-scope question
  answered confidently is wrong), and still are at every pair up to `SWEEP_BUFFER` lower in
  score and margin; the score at least the unsure one. Ties go to the higher score, then the
  higher margin, so the choice leans safe.
- likely (margin): below confident, the best answer is shown with "did you mean" buttons for
  the next two when it leads by at least this margin; the margin that maximises, on tuning,
  the questions whose shown answer is right minus twice those whose shown answer is wrong.
  Closer than that the worker chooses between the candidates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

import yaml

from domain.qna.index import FIELDS, QnaIndex
from domain.qna.normalize import detect_language
from domain.qna.retrieve import Band, Candidate, QnaResult, choose_band, nearest_topics, rank
from domain.qna.weights import WEIGHTS, Weights

MAX_WRONG_CONFIDENT: Final = 0.01
SWEEP_WRONG_CONFIDENT: Final = 0.005
"""The share of wrong confident answers the sweep allows on tuning: below MAX_WRONG_CONFIDENT,
because a rate chosen to sit exactly at the limit on the questions it was chosen on lands
above it on new ones."""
SWEEP_BUFFER: Final = 0.01
"""How far below the chosen (score, margin) the tuning wrong rate must still be within
SWEEP_WRONG_CONFIDENT: a pair at the edge of a cliff is chosen by the few questions at the
edge, and new questions' scores land on either side."""
EVAL_DIR: Final = Path(__file__).resolve().parent / "eval"
DEFAULT_EVAL_PATH: Final = EVAL_DIR
DEV: Final = "tuning"
HELD_OUT: Final = "held-out"
ALL: Final = "all"
KINDS: Final = ("fact", "situation", "negation", "case", "out")
_PART_FILES: Final = ((DEV, "tuning.yaml"), (HELD_OUT, "heldout.yaml"))


@dataclass(frozen=True)
class EvalQuestion:
    text: str
    lang: str
    expected: frozenset[str]
    """`kind:id` of the records that answer it (empty for out-of-scope)."""
    id: str = ""
    kind: str = "fact"
    doc: str = "-"
    part: str = DEV
    expect: tuple[str, ...] = ()
    """Regexes (case-insensitive) that the bot's reply must all match."""
    age: int | None = None
    finder: tuple[str, ...] = ()
    """Case descriptions: finder `question.option` ids the description implies."""
    touches: tuple[str, ...] = ()
    """Case descriptions: service ids whose criteria or contra-indications it touches."""

    @property
    def in_scope(self) -> bool:
        return bool(self.expected)


@dataclass(frozen=True)
class Outcome:
    question: EvalQuestion
    candidates: tuple[Candidate, ...]
    document: str

    @property
    def best(self) -> float:
        return self.candidates[0].score if self.candidates else 0.0

    @property
    def margin(self) -> float:
        if not self.candidates:
            return 0.0
        return self.best - (self.candidates[1].score if len(self.candidates) > 1 else 0.0)

    def answers(self, cand: Candidate) -> bool:
        # A twin has the same answer text: showing either answers the question.
        return str(cand.ref) in self.question.expected or any(str(t) in self.question.expected for t in cand.twins)

    def rank_of_answer(self) -> int | None:
        return next((pos for pos, cand in enumerate(self.candidates) if self.answers(cand)), None)

    @property
    def top1(self) -> bool:
        return self.rank_of_answer() == 0

    @property
    def top3(self) -> bool:
        pos = self.rank_of_answer()
        return pos is not None and pos < 3


@dataclass(frozen=True)
class Thresholds:
    confident: float
    margin: float
    unsure: float
    likely: float = 1.0
    """Below confident: the lead over the runner-up from which the best answer is shown
    (with "did you mean" for the next two) rather than a choice."""


@dataclass
class Summary:
    """The headline figures of a set of outcomes."""

    total: int
    top1: float
    top3: float
    wrong_confident: float
    """Share of confident answers that are wrong (out-of-scope answered confidently included)."""
    confident_share: float
    """Share of in-scope questions answered confidently."""
    out_of_scope_none: float
    """Share of out-of-scope questions that got no match."""


@dataclass
class Report(Summary):
    by_language: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    by_document: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    by_kind: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    misses: list[tuple[str, str, str, str]] = field(default_factory=list)
    """(part, question, expected, got) for top-1 misses, for the curator's eye."""
    by_part: dict[str, Summary] = field(default_factory=dict)
    """The headline figures of the dev part, the held-out part and all questions."""


def load_questions(folder: Path = EVAL_DIR) -> list[EvalQuestion]:
    """Every question of the set in `folder`, tuning part first."""
    topics_data: dict[str, Any] = yaml.safe_load((folder / "topics.yaml").read_text(encoding="utf-8"))
    topics: dict[str, list[str]] = topics_data.get("topics", {})
    finder: dict[str, str] = topics_data.get("finder", {})
    services: dict[str, str] = topics_data.get("services", {})
    out: list[EvalQuestion] = []
    for part, name in _PART_FILES:
        path = folder / name
        if not path.exists():
            continue
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in data.get("questions", ()):
            kind = str(item.get("kind", "fact"))
            topic = str(item.get("t", ""))
            expected = frozenset(map(str, topics.get(topic, ()))) if kind not in ("out", "case") else frozenset()
            out.append(
                EvalQuestion(
                    text=str(item["q"]),
                    lang=str(item.get("lang", "fi")),
                    expected=expected,
                    id=str(item.get("id", "")),
                    kind=kind,
                    doc=str(item.get("doc", "-")),
                    part=part,
                    expect=tuple(map(str, item.get("x", ()) or ())),
                    age=item.get("age"),
                    finder=tuple(finder.get(str(f), str(f)) for f in item.get("finder", ()) or ()),
                    touches=tuple(services.get(str(t), str(t)) for t in item.get("touch", ()) or ()),
                )
            )
    return out


def run(index: QnaIndex, questions: Iterable[EvalQuestion], weights: Weights = WEIGHTS) -> list[Outcome]:
    """Rank every question as the bot would: language from the labelled locale plus the
    stop-word guess."""
    outcomes: list[Outcome] = []
    for q in questions:
        lang = detect_language(q.text, q.lang)
        candidates = rank(index, q.text, lang, weights)
        outcomes.append(Outcome(question=q, candidates=candidates, document=q.doc))
    return outcomes


def _band(outcome: Outcome, t: Thresholds) -> Band:
    return choose_band(outcome.candidates, confident=t.confident, margin=t.margin, unsure=t.unsure, likely=t.likely)


def report(outcomes: Sequence[Outcome], thresholds: Thresholds) -> Report:
    """Figures of `outcomes`, with the dev / held-out / all headline figures in `by_part`."""
    rep = _report(outcomes, thresholds)
    for name, group in parts(outcomes).items():
        rep.by_part[name] = rep if name == ALL else _report(group, thresholds)
    return rep


def _report(outcomes: Sequence[Outcome], thresholds: Thresholds) -> Report:
    scoped = [o for o in outcomes if o.question.in_scope]
    unscoped = [o for o in outcomes if not o.question.in_scope]
    n = max(len(scoped), 1)
    confident = [o for o in outcomes if _band(o, thresholds) == "confident"]
    wrong = [o for o in confident if not o.top1]

    def split(key: str) -> dict[str, tuple[int, float, float]]:
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for o in scoped:
            groups[o.question.lang if key == "lang" else o.question.kind if key == "kind" else o.document].append(o)
        return {k: (len(v), sum(o.top1 for o in v) / len(v), sum(o.top3 for o in v) / len(v)) for k, v in sorted(groups.items())}

    return Report(
        total=len(scoped),
        top1=sum(o.top1 for o in scoped) / n,
        top3=sum(o.top3 for o in scoped) / n,
        wrong_confident=len(wrong) / len(confident) if confident else 0.0,
        confident_share=sum(1 for o in confident if o.question.in_scope) / n,
        out_of_scope_none=(sum(1 for o in unscoped if _band(o, thresholds) == "none") / len(unscoped)) if unscoped else 1.0,
        by_language=split("lang"),
        by_document=split("doc"),
        by_kind=split("kind"),
        misses=[
            (o.question.part, o.question.text, "/".join(sorted(o.question.expected)), str(o.candidates[0].ref) if o.candidates else "-")
            for o in sorted(scoped, key=lambda o: o.question.part)
            if not o.top1
        ],
    )


def parts(outcomes: Sequence[Outcome]) -> dict[str, list[Outcome]]:
    """The outcomes of the dev part, the held-out part and all, in that order."""
    return {
        DEV: [o for o in outcomes if o.question.part == DEV],
        HELD_OUT: [o for o in outcomes if o.question.part == HELD_OUT],
        ALL: list(outcomes),
    }


def _grid(start: float, stop: float, step: float) -> list[float]:
    count = round((stop - start) / step) + 1
    return [round(start + i * step, 4) for i in range(count)]


def sweep(outcomes: Sequence[Outcome]) -> Thresholds:
    """Thresholds chosen from the dev part of the outcomes as described in the module
    docstring; the held-out part is never looked at."""
    outcomes = [o for o in outcomes if o.question.part == DEV]
    scoped = [o for o in outcomes if o.question.in_scope]
    unscoped = [o for o in outcomes if not o.question.in_scope]

    worth = [o for o in scoped if o.top3]
    unsure, best_balance = 0.0, -1.0
    for t in _grid(0.1, 0.8, 0.01):
        kept = sum(1 for o in worth if o.best >= t) / max(len(worth), 1)
        dropped = sum(1 for o in unscoped if o.best < t) / max(len(unscoped), 1)
        balance = (kept + dropped) / 2
        if balance > best_balance + 1e-9:
            unsure, best_balance = t, balance

    scores, margins = _grid(0.3, 1.0, 0.01), _grid(0.0, 0.3, 0.01)
    allowed: dict[tuple[int, int], int | None] = {}
    """(score, margin) grid position -> in-scope questions answered confidently there, or None
    when too many of the confident answers are wrong (or there are none)."""
    for i, score in enumerate(scores):
        for j, margin in enumerate(margins):
            confident = [o for o in outcomes if o.best >= score and o.margin >= margin]
            wrong = sum(1 for o in confident if not o.top1)
            ok = bool(confident) and wrong / len(confident) <= SWEEP_WRONG_CONFIDENT
            allowed[i, j] = sum(1 for o in confident if o.question.in_scope) if ok else None
    steps = round(SWEEP_BUFFER / 0.01)

    def robust(i: int, j: int) -> bool:
        return all(allowed.get((i - a, j - b), 0) is not None for a in range(steps + 1) for b in range(steps + 1))

    best_key: tuple[int, float, float] | None = None
    best_pair = (1.0, 1.0)
    for (i, j), count in allowed.items():
        if count is None or scores[i] < unsure or not robust(i, j):
            continue
        key = (count, scores[i], margins[j])
        if best_key is None or key > best_key:
            best_key, best_pair = key, (scores[i], margins[j])
    unsure = min(unsure, best_pair[0])
    likely, best_gain = best_pair[1], -(10**9)
    for m in margins:
        if m > best_pair[1]:
            break
        shown = [o for o in scoped if o.best >= unsure and not (o.best >= best_pair[0] and o.margin >= best_pair[1]) and o.margin >= m]
        shown_out = sum(1 for o in unscoped if o.best >= unsure and o.margin >= m)
        gain = sum(1 for o in shown if o.top1) - 2 * (sum(1 for o in shown if not o.top1) + shown_out)
        if gain > best_gain:
            likely, best_gain = m, gain
    return Thresholds(confident=best_pair[0], margin=best_pair[1], unsure=unsure, likely=likely)


def format_report(rep: Report, thresholds: Thresholds, show_misses: bool = False) -> str:
    lines = [
        f"questions: {rep.total} in scope",
        "by part (in scope, top-1, top-3, wrong when confident, answered confidently, out-of-scope with no match):",
        *(
            f"  {name}: {x.total}, {x.top1:.1%}, {x.top3:.1%}, {x.wrong_confident:.1%}, {x.confident_share:.1%}, {x.out_of_scope_none:.1%}"
            for name, x in rep.by_part.items()
        ),
        "all questions:",
        f"top-1 accuracy: {rep.top1:.1%}",
        f"top-3 accuracy: {rep.top3:.1%}",
        f"confident answers that are wrong: {rep.wrong_confident:.1%}",
        f"answered confidently: {rep.confident_share:.1%} of in-scope questions",
        f"out-of-scope questions with no match: {rep.out_of_scope_none:.1%}",
        f"thresholds: confident >= {thresholds.confident} with margin >= {thresholds.margin}, unsure >= {thresholds.unsure}, likely margin >= {thresholds.likely}",
        "by language (n, top-1, top-3):",
        *(f"  {k}: {n}, {a:.1%}, {b:.1%}" for k, (n, a, b) in rep.by_language.items()),
        "by source document (n, top-1, top-3):",
        *(f"  {k}: {n}, {a:.1%}, {b:.1%}" for k, (n, a, b) in rep.by_document.items()),
        "by kind (n, top-1, top-3):",
        *(f"  {k}: {n}, {a:.1%}, {b:.1%}" for k, (n, a, b) in rep.by_kind.items()),
    ]
    if show_misses:
        lines.append("top-1 misses of the tuning part (question | expected | got); held-out misses are not shown:")
        lines.extend(f"  {q} | {e} | {g}" for part, q, e, g in rep.misses if part == DEV)
    return "\n".join(lines)


# --- Weights --------------------------------------------------------------------------------

TUNING_GRID: Final[dict[str, tuple[float, ...]]] = {
    **{f"kind.{k}": (0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0) for k in ("service", "step", "term", "criterion", "contra", "unsuitable")},
    "negation_bonus": (0.0, 0.1, 0.15, 0.2, 0.3),
    "negation_penalty": (0.5, 0.6, 0.7, 0.8, 0.9),
    "situation_bonus": (0.0, 0.05, 0.1, 0.15, 0.2),
    "age_bonus": (0.0, 0.1, 0.15, 0.2, 0.3),
    "definition_term": (0.8, 0.9, 1.0, 1.05, 1.1, 1.2),
    **{f"field.{f}": (0.5, 0.6, 0.7, 0.8, 0.9, 1.0) for f in FIELDS if f != "phrasing"},
    "short_query_coverage": (0.5, 0.6, 0.7, 0.8, 0.9),
    "evidence_bonus": (0.0, 0.05, 0.1, 0.15, 0.2, 0.3),
    "fuzzy_share": (0.0, 0.1, 0.2, 0.3),
    "complement": (0.0, 0.1, 0.2, 0.3, 0.4),
    "derivation": (0.0, 0.5, 0.6, 0.7, 0.8),
    "paragraph_question_words": (0.0, 0.5, 1.0),
    "foreign_text": (0.5, 0.7, 0.8, 0.9, 1.0),
}
"""The values `tune` tries for each weight: coarse on purpose, so that a few dozen dev
questions cannot pull a weight to a value only they like.

`unknown_word_factor` is not tuned: what it is for is keeping out-of-scope questions (whose
words the knowledge base lacks) below the thresholds, which a ranking objective does not see;
left to it, the tuner lowers it for one more top-1 and out-of-scope questions start to match."""


def with_weight(weights: Weights, name: str, value: float) -> Weights:
    """`weights` with one weight (a `TUNING_GRID` name) set to `value`."""
    group, _, key = name.partition(".")
    if group == "kind":
        return weights.with_kind(key, value)
    if group == "field":
        return weights.with_field(key, value)
    changes: dict[str, Any] = {name: value}
    return replace(weights, **changes)


def nearest_floor(outcomes: Sequence[Outcome], unsure: float) -> float:
    """`bands.NEAREST_SCORE` from the dev part: among the questions scoring below `unsure`
    (case descriptions aside: they get the case card), the floor at which the questions whose
    right record is listed, less those listed only topics that do not answer them, is
    largest; ties go to the higher floor (fewer lists), and with nothing worth listing it is
    `unsure` itself."""
    below = [o for o in outcomes if o.question.part == DEV and o.question.kind != "case" and o.best < unsure]
    best_floor, best_gain = unsure, 0
    for floor in reversed(_grid(0.2, unsure - 0.01, 0.01)):
        gain = 0
        for o in below:
            # Listed as the dialog lists them: the rule (how many, above the floor) is read
            # from `nearest_topics`, not written again here.
            listed = nearest_topics(QnaResult(o.question.lang, "none", o.candidates), floor)
            if listed:
                gain += 1 if any(o.answers(c) for c in listed) else -1
        if gain > best_gain:
            best_floor, best_gain = floor, gain
    return best_floor


def _objective(outcomes: Sequence[Outcome]) -> tuple[int, int, float]:
    scoped = [o for o in outcomes if o.question.in_scope]
    reciprocal = sum(1.0 / (pos + 1) for o in scoped if (pos := o.rank_of_answer()) is not None)
    return sum(o.top1 for o in scoped), sum(o.top3 for o in scoped), round(reciprocal, 6)


def tune(
    index: QnaIndex, questions: Sequence[EvalQuestion], start: Weights = WEIGHTS, rounds: int = 5, progress: Callable[[str], None] | None = None
) -> Weights:
    """Weights by coordinate ascent on the dev part's in-scope questions (see `weights.py`).

    Each round tries every value of every weight in `TUNING_GRID`, one weight at a time, and
    keeps a value only if it raises (top-1, top-3, mean reciprocal rank) on dev; stops when a
    round changes nothing (or after `rounds`). The held-out part is not looked at. Started from
    weights it returned, it returns them unchanged: they are a fixed point of the ascent.
    """
    dev = [q for q in questions if q.part == DEV and q.in_scope]
    best = start
    best_key = _objective(run(index, dev, best))
    for round_no in range(1, rounds + 1):
        changed = False
        for name, values in TUNING_GRID.items():
            for value in values:
                trial = with_weight(best, name, value)
                key = _objective(run(index, dev, trial))
                if key > best_key:
                    best, best_key, changed = trial, key, True
                    if progress:
                        progress(f"round {round_no}: {name} = {value} -> dev top-1 {key[0]}/{len(dev)}, top-3 {key[1]}/{len(dev)}")
        if not changed:
            break
    return best


_SCALAR_WEIGHTS: Final = (
    "definition_term",
    "short_query_coverage",
    "evidence_bonus",
    "unknown_word_factor",
    "fuzzy_share",
    "complement",
    "derivation",
    "paragraph_question_words",
    "negation_bonus",
    "negation_penalty",
    "situation_bonus",
    "age_bonus",
    "foreign_text",
)


def describe(weights: Weights) -> str:
    """`weights` as the `WEIGHTS = Weights(...)` literal of `weights.py`, laid out as it is
    there, so pasting it changes only the values that changed."""

    def number(value: float) -> str:
        return repr(float(value))

    lines = ["WEIGHTS: Final = Weights(", "    field=_frozen(", "        {"]
    lines += [f'            "{name}": {number(value)},' for name, value in weights.field.items()]
    lines += ["        }", "    ),"]
    lines.append("    kind=_frozen({" + ", ".join(f'"{name}": {number(value)}' for name, value in weights.kind.items()) + "}),")
    lines += [f"    {name}={number(getattr(weights, name))}," for name in _SCALAR_WEIGHTS]
    lines.append(")")
    return "\n".join(lines)
