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
    # Extension: while paused (status "temporarily closed"), the day it opens again.
    reopens: Mapped[date | None] = mapped_column(Date)


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
    """Extension: someone tapped "not right" under an offer. The offer, what was wrong and the
    day only: no user id, no text, nothing that tells who tapped. The organisation's editors
    see the counts as tasks; a confirmation clears the reports made before it."""

    __tablename__ = "offer_report"
    __table_args__ = (UniqueConstraint("offer_id", "day", "what", name="uq_offer_report_offer_day_what"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    offer_id: Mapped[str] = mapped_column(String(128), index=True)
    day: Mapped[date] = mapped_column(Date)
    what: Mapped[str] = mapped_column(String(16), default="other")
    """``phone``, ``hours``, ``place``, ``closed`` or ``other``."""
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


class Member(Base):
    """Extension: a volunteer who keeps an organisation's offers, or a site admin.

    ``account`` is the channel's id of the volunteer (``telegram:<user id>``), needed to know
    who may edit and where to send reminders; ``name`` is the name they go by in the app, so
    that an organisation admin can tell editors apart. Removing a member deletes the row; the
    audit log keeps the history.
    """

    __tablename__ = "member"
    __table_args__ = (UniqueConstraint("organization_id", "account"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organization_id: Mapped[str | None] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    """None for a site admin."""
    account: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(16))
    """``editor``, ``admin`` (of the organisation) or ``site_admin``."""
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    added_by: Mapped[str] = mapped_column(String(64))


class Invite(Base):
    """Extension: a one-time invite, stored only as the SHA-256 of its secret."""

    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    organization_id: Mapped[str | None] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by: Mapped[str | None] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """Extension: every change to the catalogue and its people, append-only (database
    triggers refuse UPDATE and DELETE). Who, when, what, old → new; never anything a person
    asking for help wrote."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    organization_id: Mapped[str | None] = mapped_column(String(128), index=True)
    offer_id: Mapped[str | None] = mapped_column(String(128))
    field: Mapped[str | None] = mapped_column(String(32))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)


class DeskState(Base):
    """Extension: the step a volunteer is in (editing a field, a new offer, an upload to
    confirm) and its draft, for at most 30 minutes."""

    __tablename__ = "desk_state"

    account: Mapped[str] = mapped_column(String(64), primary_key=True)
    step: Mapped[str] = mapped_column(String(32))
    offer_id: Mapped[str | None] = mapped_column(String(128))
    draft: Mapped[str] = mapped_column(Text, default="{}")
    updated: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class DeskButton(Base):
    """Extension: what a volunteer's button does, kept on the server. The button carries only
    a random token; the token names its account, so a token forged, guessed or passed on does
    nothing, and every action is authorised again when pressed."""

    __tablename__ = "desk_button"

    token: Mapped[str] = mapped_column(String(24), primary_key=True)
    account: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    offer_id: Mapped[str | None] = mapped_column(String(128))
    arg: Mapped[str | None] = mapped_column(String(128))
    created: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class EditorNotice(Base):
    """Extension: a reminder or task sent to an organisation's editors, claimed by inserting
    this row first, so that with several instances running it goes out once."""

    __tablename__ = "editor_notice"
    __table_args__ = (UniqueConstraint("offer_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    offer_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    """``stale`` (90 days unconfirmed), ``stale2`` (the second reminder) or ``reports``."""
    key: Mapped[str] = mapped_column(String(32))
    """The confirmation date a reminder is about, or the day of the reports."""
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CatalogueRevision(Base):
    """Extension: one row counting changes to the catalogue, so that every instance notices
    a volunteer's edit and reloads its offers."""

    __tablename__ = "catalogue_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)
