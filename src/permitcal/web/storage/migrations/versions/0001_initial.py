"""The first schema: subscriptions (hashed tokens, settings, revision) and data versions."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account", sa.String(16), nullable=False, unique=True),
        sa.Column("feed_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("manage_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("feed_generation", sa.Integer, nullable=False),
        sa.Column("issued", sa.Date, nullable=True),
        sa.Column("expires", sa.Date, nullable=True),
        sa.Column("card_received", sa.Date, nullable=True),
        sa.Column("changes", sa.String(100), nullable=False),
        sa.Column("cycles", sa.Integer, nullable=False),
        sa.Column("lang", sa.String(4), nullable=False),
        sa.Column("alarms", sa.String(40), nullable=False),
        sa.Column("source_rules", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
    )
    op.create_table(
        "data_versions",
        sa.Column("version", sa.String(200), primary_key=True),
        sa.Column("first_seen", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("data_versions")
    op.drop_table("subscriptions")
