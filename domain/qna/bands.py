"""Confidence thresholds of the Q&A matcher.

Set from the evaluation set (`tests/domain/qna/eval_questions.yaml`), not guessed:
`palveluopas qna sweep` (domain/qna/evaluate.py `sweep`) looks at the *dev* part of the set
only. The unsure threshold is the score that best separates "answer among the top three" from
out-of-scope questions (balanced accuracy). The confident (score, margin) is the pair that
answers the most in-scope questions confidently while at most 1.5 % of the confident answers
are wrong (an out-of-scope question answered confidently counts as wrong; 1.5 % rather than the
2 % limit, because a rate chosen on the same questions is optimistic), and still is 0.03 lower
in score and margin (so it does not sit at the edge where near-ties come in), with the score
at least the unsure one. Re-run the sweep after a large content, weight (`weights.py`) or
matcher change and update the values together with the figures below.

Last sweep (knowledge base of 246 records; 251 in-scope and 26 out-of-scope questions, of
which 183 / 15 dev and 68 / 11 held-out):
- dev: top-1 94.0 %, top-3 97.8 %, confident answers wrong 0.8 %, answered confidently 67.2 %;
- held-out: top-1 91.2 %, top-3 100 %, confident answers wrong 2.2 % (1 of 46), answered
  confidently 67.6 %;
- all: top-1 93.2 %, top-3 98.4 %, confident answers wrong 1.2 %, answered confidently 67.3 %;
  out-of-scope questions with no match 100 %.
"""

from __future__ import annotations

from typing import Final

CONFIDENT_SCORE: Final = 0.57
"""The best record's score must reach this to answer without asking."""
CONFIDENT_MARGIN: Final = 0.14
"""...and lead the runner-up by at least this much."""
UNSURE_SCORE: Final = 0.57
LIKELY_MARGIN: Final = 0.14
"""Below confident: a lead this large shows the best answer with "did you mean" for the next two."""
"""Below this nothing is offered: the question is not covered."""
