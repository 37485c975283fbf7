"""Confidence thresholds of the Q&A matcher.

Set from the evaluation set (`tests/domain/qna/eval_questions.yaml`), not guessed:
`palveluopas qna sweep` (domain/qna/evaluate.py `sweep`) looks at the *dev* part of the set
only. It tries every (score, margin) on a 0.01 grid and keeps the pair that answers the most
in-scope questions confidently while at most 1.5 % of the confident answers are wrong (an
out-of-scope question answered confidently counts as wrong; 1.5 % rather than the 2 % limit,
because a rate chosen on the same questions is optimistic); the unsure threshold is the score
that best separates "answer among the top three" from out-of-scope questions (balanced
accuracy). Re-run the sweep after a large content, weight (`weights.py`) or matcher change and
update the values together with the figures below.

Last sweep (knowledge base of 246 records; 251 in-scope and 26 out-of-scope questions, of
which 183 / 15 dev and 68 / 11 held-out):
- dev: top-1 89.6 %, top-3 96.7 %, confident answers wrong 1.1 %, answered confidently 51.4 %;
- held-out: top-1 88.2 %, top-3 98.5 %, confident answers wrong 2.7 %, answered confidently
  54.4 %;
- all: top-1 89.2 %, top-3 97.2 %, confident answers wrong 1.5 %, answered confidently 52.2 %;
  out-of-scope questions with no match 100 %.
"""

from __future__ import annotations

from typing import Final

CONFIDENT_SCORE: Final = 0.64
"""The best record's score must reach this to answer without asking."""
CONFIDENT_MARGIN: Final = 0.18
"""...and lead the runner-up by at least this much."""
UNSURE_SCORE: Final = 0.58
"""Below this nothing is offered: the question is not covered."""
