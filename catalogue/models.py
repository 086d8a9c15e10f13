"""The catalogue tables, named after Open Referral HSDS 3.0.

HSDS is the exchange standard directories of services use (211, Ask Izzy's data partners,
Open Referral UK). Keeping its table and column names makes export plain and lets others read
the database without a guide. Extensions that HSDS lacks are marked as such.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Organization(Base):
    __tablename__ = "organization"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str | None] = mapped_column(String(300))
    website: Mapped[str | None] = mapped_column(String(500))


class Service(Base):
    __tablename__ = "service"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(32), default="active")
    assured_date: Mapped[date | None] = mapped_column(Date)
    last_modified: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Extension: how far the offer reaches (local, regional, national). HSDS expresses this
    # with service_area rows, which are kept too; this column makes filtering cheap.
    scope: Mapped[str] = mapped_column(String(16), default="local")


class Location(Base):
    __tablename__ = "location"

    id: Mapped[str] = mapped_column(String(160), primary_key=True)
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organization.id"))
    location_type: Mapped[str] = mapped_column(String(16), default="physical")
    name: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


class Address(Base):
    __tablename__ = "address"

    id: Mapped[str] = mapped_column(String(160), primary_key=True)
    location_id: Mapped[str] = mapped_column(
        ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    address_1: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    region: Mapped[str | None] = mapped_column(String(120))
    state_province: Mapped[str] = mapped_column(String(120), default="")
    postal_code: Mapped[str] = mapped_column(String(16), default="")
    country: Mapped[str] = mapped_column(String(2), default="NO")
    address_type: Mapped[str] = mapped_column(String(16), default="physical")


class ServiceAtLocation(Base):
    __tablename__ = "service_at_location"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[str] = mapped_column(
        ForeignKey("location.id", ondelete="CASCADE"), index=True
    )


class Phone(Base):
    __tablename__ = "phone"

    id: Mapped[str] = mapped_column(String(160), primary_key=True)
    service_id: Mapped[str | None] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(32))
    type: Mapped[str] = mapped_column(String(16), default="voice")


class Schedule(Base):
    __tablename__ = "schedule"

    id: Mapped[str] = mapped_column(String(160), primary_key=True)
    service_id: Mapped[str | None] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    freq: Mapped[str | None] = mapped_column(String(16))
    byday: Mapped[str | None] = mapped_column(String(32))
    opens_at: Mapped[time | None] = mapped_column(Time)
    closes_at: Mapped[time | None] = mapped_column(Time)
    description: Mapped[str | None] = mapped_column(Text)


class ServiceArea(Base):
    __tablename__ = "service_area"

    id: Mapped[str] = mapped_column(String(160), primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    extent: Mapped[str | None] = mapped_column(String(32))
    extent_type: Mapped[str | None] = mapped_column(String(32))
    """``kommunenummer`` (local), ``fylkesnummer`` (regional) or ``country`` (national)."""


class Language(Base):
    __tablename__ = "language"

    id: Mapped[str] = mapped_column(String(160), primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(100))


class Taxonomy(Base):
    __tablename__ = "taxonomy"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")


class TaxonomyTerm(Base):
    __tablename__ = "taxonomy_term"

    id: Mapped[str] = mapped_column(String(160), primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    taxonomy_id: Mapped[str] = mapped_column(ForeignKey("taxonomy.id"), index=True)
    language: Mapped[str | None] = mapped_column(String(8))


class Attribute(Base):
    """Links a taxonomy term to a service: its needs, its labels and its audience."""

    __tablename__ = "attribute"
    __table_args__ = (Index("ix_attribute_link", "link_entity", "link_id"),)

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    link_id: Mapped[str] = mapped_column(String(128))
    link_type: Mapped[str | None] = mapped_column(String(64))
    link_entity: Mapped[str] = mapped_column(String(32), default="service")
    taxonomy_term_id: Mapped[str] = mapped_column(ForeignKey("taxonomy_term.id"), index=True)
    value: Mapped[str | None] = mapped_column(String(64))


class UnmetNeed(Base):
    """Extension: how often a need found no offer, per kommune and ISO week; nothing else."""

    __tablename__ = "unmet_need"
    __table_args__ = (UniqueConstraint("need", "kommunenummer", "week"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    need: Mapped[str] = mapped_column(String(32))
    kommunenummer: Mapped[str] = mapped_column(String(4), default="")
    week: Mapped[str] = mapped_column(String(8))
    count: Mapped[int] = mapped_column(Integer, default=0)


class OfferReport(Base):
    """Extension: someone tapped "not right" under an offer. The offer and the day only: no
    user id, no text, nothing that tells who tapped. The organisation's editors see the
    count (issue "volunteers")."""

    __tablename__ = "offer_report"
    __table_args__ = (UniqueConstraint("offer_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    offer_id: Mapped[str] = mapped_column(String(128), index=True)
    day: Mapped[date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer, default=0)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime kept in UTC on every database.

    SQLite stores datetimes as text without an offset, so two instances writing Oslo time and
    UTC would compare wrongly. Converting to UTC on the way in (and marking UTC on the way out)
    makes ``updated < cutoff`` mean the same on SQLite and PostgreSQL.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ConversationStateRow(Base):
    """Extension: what the next turn of one conversation needs, for at most 30 minutes.

    Shared by every instance of the bot, so a conversation can move between them and survive a
    restart. It holds codes and ids only (need codes, a place from the register, offer ids),
    never what the person wrote. ``needs``, ``place`` and ``shown`` are JSON text.
    """

    __tablename__ = "conversation_state"

    conversation: Mapped[str] = mapped_column(String(64), primary_key=True)
    """``telegram:<chat id>``."""
    language: Mapped[str] = mapped_column(String(8))
    needs: Mapped[str] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(Text)
    pending: Mapped[str | None] = mapped_column(String(8))
    shown: Mapped[str] = mapped_column(Text)
    updated: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ChatMessageId(Base):
    """Extension: ids (never text) of the messages in a chat, kept at most 48 hours.

    Telegram lets a bot delete both sides of a private chat within 48 hours; these ids are what
    ``/slett`` needs to remove the conversation from a phone.
    """

    __tablename__ = "chat_message_id"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
