"""One-time export links: a random token, stored only as its sha256, for one user, 15 minutes.

Redeeming is one conditional UPDATE (`used_at IS NULL AND expires_at > now AND user`), so two
clicks of one link, or a link copied elsewhere after its first use, get nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.campaigns import ExportLink

LINK_LIFETIME: Final = timedelta(minutes=15)
FORMATS: Final = ("csv", "xlsx")


@dataclass(frozen=True)
class ExportQuery:
    user_id: str
    format: str
    lang: str = "fi"
    service_line: str | None = None
    campaign_id: int | None = None
    period_start: datetime | None = None
    period_end: datetime | None = None
    include_text: bool = False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


class ExportLinks:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def create(self, query: ExportQuery, now: datetime) -> str:
        """A new token for `query`; only its hash is stored, the token goes into the link."""
        if query.format not in FORMATS:
            raise ValueError(f"unknown export format {query.format!r}")
        token = secrets.token_urlsafe(32)
        async with self._sessionmaker() as session, session.begin():
            session.add(
                ExportLink(
                    token_hash=token_hash(token),
                    user_id=query.user_id,
                    format=query.format,
                    lang=query.lang,
                    service_line=query.service_line,
                    campaign_id=query.campaign_id,
                    period_start=query.period_start,
                    period_end=query.period_end,
                    include_text=query.include_text,
                    created_at=now,
                    expires_at=now + LINK_LIFETIME,
                )
            )
        return token

    async def redeem(self, token: str, now: datetime) -> ExportQuery | None:
        """The link's query, once; None when unknown, expired or already used."""
        digest = token_hash(token)
        async with self._sessionmaker() as session, session.begin():
            used = (
                await session.execute(
                    update(ExportLink)
                    .where(ExportLink.token_hash == digest, ExportLink.used_at.is_(None), ExportLink.expires_at > now)
                    .values(used_at=now)
                    .returning(ExportLink.token_hash)
                )
            ).scalar()
            if used is None:
                return None
            link = (await session.execute(select(ExportLink).where(ExportLink.token_hash == digest))).scalar_one()
            return ExportQuery(
                user_id=link.user_id,
                format=link.format,
                lang=link.lang,
                service_line=link.service_line,
                campaign_id=link.campaign_id,
                period_start=link.period_start,
                period_end=link.period_end,
                include_text=link.include_text,
            )
