"""Per-event versions: SEQUENCE and DTSTAMP follow each event's own content."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_versions",
        sa.Column("subscription_id", sa.Integer, primary_key=True),
        sa.Column("uid", sa.String(120), primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("stamp", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("event_versions")
