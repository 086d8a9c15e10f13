"""volunteers: members, invites, audit log, desk state and buttons, editor notices, pauses,
what a report flags, and the catalogue revision

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 20:40:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reopens', sa.Date(), nullable=True))

    # offer_report gains "what"; its unique key changes, so the table is rebuilt.
    op.create_table('offer_report_new',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('offer_id', sa.String(length=128), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('what', sa.String(length=16), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('offer_id', 'day', 'what', name='uq_offer_report_offer_day_what')
    )
    op.execute("INSERT INTO offer_report_new (offer_id, day, what, count) "
               "SELECT offer_id, day, 'other', count FROM offer_report")
    op.drop_table('offer_report')
    op.rename_table('offer_report_new', 'offer_report')
    op.create_index('ix_offer_report_offer_id', 'offer_report', ['offer_id'], unique=False)

    op.create_table('member',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('organization_id', sa.String(length=128), nullable=True),
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('added_at', TZ, nullable=False),
    sa.Column('added_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'account')
    )
    op.create_index('ix_member_organization_id', 'member', ['organization_id'])
    op.create_index('ix_member_account', 'member', ['account'])

    op.create_table('invite',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('organization_id', sa.String(length=128), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('created_at', TZ, nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('expires_at', TZ, nullable=False),
    sa.Column('used_at', TZ, nullable=True),
    sa.Column('used_by', sa.String(length=64), nullable=True),
    sa.Column('revoked_at', TZ, nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', TZ, nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('organization_id', sa.String(length=128), nullable=True),
    sa.Column('offer_id', sa.String(length=128), nullable=True),
    sa.Column('field', sa.String(length=32), nullable=True),
    sa.Column('old', sa.Text(), nullable=True),
    sa.Column('new', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_audit_event_at', 'audit_event', ['at'])
    op.create_index('ix_audit_event_organization_id', 'audit_event', ['organization_id'])
    # Append-only, enforced by the database itself: no code path can rewrite history.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("""
            CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'audit_event is append-only'; END;
            $$ LANGUAGE plpgsql""")
        op.execute("""
            CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
            FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""")
    else:
        for event in ('UPDATE', 'DELETE'):
            op.execute(f"""
                CREATE TRIGGER audit_event_no_{event.lower()} BEFORE {event} ON audit_event
                BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""")

    op.create_table('desk_state',
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('step', sa.String(length=32), nullable=False),
    sa.Column('offer_id', sa.String(length=128), nullable=True),
    sa.Column('draft', sa.Text(), nullable=False),
    sa.Column('updated', TZ, nullable=False),
    sa.PrimaryKeyConstraint('account')
    )
    op.create_index('ix_desk_state_updated', 'desk_state', ['updated'])

    op.create_table('desk_button',
    sa.Column('token', sa.String(length=24), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('offer_id', sa.String(length=128), nullable=True),
    sa.Column('arg', sa.String(length=128), nullable=True),
    sa.Column('created', TZ, nullable=False),
    sa.PrimaryKeyConstraint('token')
    )
    op.create_index('ix_desk_button_created', 'desk_button', ['created'])

    op.create_table('editor_notice',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('offer_id', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('sent_at', TZ, nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('offer_id', 'kind', 'key')
    )

    op.create_table('catalogue_revision',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('revision', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.execute("INSERT INTO catalogue_revision (id, revision) VALUES (1, 0)")


def downgrade() -> None:
    op.drop_table('catalogue_revision')
    op.drop_table('editor_notice')
    op.drop_table('desk_button')
    op.drop_table('desk_state')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION audit_event_append_only()")
    op.drop_table('audit_event')
    op.drop_table('invite')
    op.drop_table('member')
    op.execute("DELETE FROM offer_report WHERE what <> 'other'")
    with op.batch_alter_table('offer_report', schema=None) as batch_op:
        batch_op.drop_constraint('uq_offer_report_offer_day_what', type_='unique')
        batch_op.drop_column('what')
        batch_op.create_unique_constraint('uq_offer_report_offer_day', ['offer_id', 'day'])
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_column('reopens')
