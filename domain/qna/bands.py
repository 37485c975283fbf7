"""Confidence thresholds of the Q&A matcher.

Set from the TUNING part of the evaluation set (`domain/qna/eval/tuning.yaml`), never from the
held-out part: `palveluopas qna sweep` (domain/qna/evaluate.py `sweep`). The unsure threshold
is the score that best separates "worth offering" (answer in the top three) from out-of-scope
questions; the confident (score, margin) is the pair with the most confident answers while at
most 0.5 % of the tuning part's confident answers are wrong, and still is one grid step (0.01)
lower; the likely margin the lead from which showing the best answer (with "did you mean" for
the next two) beats a choice on the tuning part. Re-run the sweep after a content, weight or
matcher change and update the values with the figures below.

Last sweep (287 records; tuning 236 questions of which 10 out of scope), and the figures of
`qna eval` through the app with these values:
- tuning: top-1 81.8 %, top-3 95.3 %, confident answers wrong 0 of 22;
- held-out: top-1 79.8 %, top-3 89.4 %, confident answers wrong 0 of 7, Swedish 90.9 %,
  English 87.5 %, every case description offered the prefilled finder with the right age band.
- Confident answers are rare (about 9 %): the matcher's scores of right and wrong answers
  overlap up to 0.98, so certainty is only claimed at the top of the scale; most answers come
  as "likely" (answer shown, two alternatives under it), a choice only when two are within 0.01.

The sweep at 9154879 (tuning 268 questions) proposes confident >= 0.59 with margin >= 0.22, a
third of answers confident. It is not taken: that session fixed the matcher on the tuning
part's own misses, so its scores of right answers are better than a new question's will be,
and a threshold set where none of them is wrong there claims certainty too early. The values
below stay until the tuning part has new questions the matcher was not fixed on.

It has since (2026-12-07, two batches written from the sources later). The sweep over the
first two batches proposes confident >= 0.95 with margin >= 0.04, unsure >= 0.51 and a likely
margin of 0; through the app those answer the third batch, which that sweep never saw, worse
than the values below (top-1 63 and top-3 72 of 90, against 64 and 74), so the values stay.
"""

from __future__ import annotations

from typing import Final

CONFIDENT_SCORE: Final = 0.99
"""The best record's score must reach this to answer without asking."""
CONFIDENT_MARGIN: Final = 0.05
"""...and lead the runner-up by at least this much."""
UNSURE_SCORE: Final = 0.48
"""Below this nothing is offered: the question is not covered."""
LIKELY_MARGIN: Final = 0.01
"""Below confident: a lead this large shows the best answer with "did you mean" for the next two."""
NEAREST_SCORE: Final = 0.38
"""Below UNSURE_SCORE nothing is answered, but the candidates scoring at least this (at most
three) are listed under "no answer" as the nearest topics, so that a question the knowledge
base does answer, in words the matcher scores low, is not a dead end. `qna sweep` prints it
(`evaluate.nearest_floor`): on the tuning part, the floor where the questions whose right
record is listed, less the questions listed only topics that do not answer them (out of
scope or not), is largest; a useless list costs one, not the two of a wrong answer shown,
since the card says first that it found no answer. At 0.38 (2026-12-07, tuning 883): of the
51 questions below UNSURE_SCORE, 25 have the right record listed, 4 in scope and 11 out of
scope get a list that does not answer them; 0.39 gives 23, 4 and 10."""
