"""School steps in their own table: a subscription holds 0 to 4 (issue #20).

Nothing existing changes: every subscription starts with no school step, so
every feed keeps its events, UIDs and SEQUENCE.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schools",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "subscription_id",
            sa.Integer,
            sa.ForeignKey("subscriptions.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("permits", sa.String(200), nullable=False),
        sa.UniqueConstraint("subscription_id", "key", name="uq_schools_subscription_key"),
    )


def downgrade() -> None:
    # The school steps are lost; the permits and their feeds stay as they were.
    op.drop_table("schools")
