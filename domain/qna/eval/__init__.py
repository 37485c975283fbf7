"""The Q&A evaluation set (data only): `tuning.yaml`, `heldout.yaml` and `topics.yaml`.

A package so that it ships with the code: `palveluopas qna eval` reads it in the container,
where `tests/` does not exist. Loaded by `domain.qna.evaluate.load_questions`.
"""
