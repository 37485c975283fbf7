"""Helpers for tests; the fixtures built on them live in `tests/conftest.py`.

* `tests.support.db`: test databases (a migrated SQLite file, or a fresh PostgreSQL database
  per test) and the PostgreSQL reachability rule (skip with a reason; fail under `CI=true`).
* `tests.support.http`: `send(client, text=..., value=...)` posts a message activity with
  `deliveryMode: expectReplies` and returns the reply activities (JSON dicts).
* `tests.support.replies`: what the user sees in replies: `texts`, `cards`, `shown_text`,
  `buttons`.
* `tests.support.dialogs`: `DialogDriver` drives the bot with botbuilder's `TestAdapter`
  and the real activity handler over the real dialog engine, turn by turn.
* `tests.support.cards`: `assert_valid_card` against the Adaptive Card 1.5 schema.
* `tests/support/kb/`: a tiny valid knowledge base, so bot tests do not depend on content.
"""
