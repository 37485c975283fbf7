"""Onboarding Q&A: answer a worker's question from the knowledge base.

`build_index(kb)` once per knowledge load, then `ask(index, text, locale_lang)` per question.
Plain Python (rapidfuzz, snowballstemmer): no botbuilder, no aiohttp.
"""

from domain.qna.index import QnaIndex, RecordRef, build_index
from domain.qna.retrieve import Band, Candidate, QnaResult, ask

__all__ = ["Band", "Candidate", "QnaIndex", "QnaResult", "RecordRef", "ask", "build_index"]
