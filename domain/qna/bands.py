"""Confidence thresholds of the Q&A matcher.

Set from the evaluation set (`tests/domain/qna/eval_questions.yaml`), not guessed:
`palveluopas qna sweep` (domain/qna/evaluate.py `sweep`) tries every (score, margin) on a
0.01 grid and keeps the pair that answers the most in-scope questions confidently while at
most 2 % of all confident answers are wrong (an out-of-scope question answered confidently
counts as wrong); the unsure threshold is the score that best separates "answer among the top
three" from out-of-scope questions (balanced accuracy). Re-run the sweep after a large content
or matcher change and update the values together with the figures below.

Last sweep (201 in-scope + 20 out-of-scope questions, knowledge base of 246 records):
top-1 81.6 %, top-3 92.5 %, confident answers wrong 1.6 %, answered confidently 31.3 % of
in-scope questions, out-of-scope with no match 100 %. The sweep prefers a large margin over a
high score: on this set, a clear lead over the runner-up predicts a right answer better than
the score alone.
"""

from __future__ import annotations

from typing import Final

CONFIDENT_SCORE: Final = 0.59
"""The best record's score must reach this to answer without asking."""
CONFIDENT_MARGIN: Final = 0.29
"""...and lead the runner-up by at least this much."""
UNSURE_SCORE: Final = 0.58
"""Below this nothing is offered: the question is not covered."""
