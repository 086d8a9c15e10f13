"""offer reports ("not right"), counted per offer and day

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 16:40:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('offer_report',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('offer_id', sa.String(length=128), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('offer_id', 'day')
    )
    with op.batch_alter_table('offer_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offer_report_offer_id'), ['offer_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('offer_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offer_report_offer_id'))
    op.drop_table('offer_report')
