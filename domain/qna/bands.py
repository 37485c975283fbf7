"""Confidence thresholds of the Q&A matcher.

Set from the evaluation set (`tests/domain/qna/eval_questions.yaml`), not guessed:
`palveluopas qna sweep` (domain/qna/evaluate.py `sweep`) tries every combination on a grid and
keeps the one that answers confidently as often as possible while at most 2 % of the confident
answers are wrong (out-of-scope questions answered confidently count as wrong). Re-run the
sweep after a large content change and update the figures here together with the comment.
"""

from __future__ import annotations

from typing import Final

# Placeholder values until the evaluation set exists; replaced by the sweep's choice.
CONFIDENT_SCORE: Final = 0.6
"""The best record's score must reach this to answer without asking."""
CONFIDENT_MARGIN: Final = 0.05
"""...and lead the runner-up by at least this much."""
UNSURE_SCORE: Final = 0.35
"""Below this nothing is offered: the question is not covered."""
