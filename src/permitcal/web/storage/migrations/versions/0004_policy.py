"""The policy setting: whose rules count a subscription's deadlines (a key of the registry)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every row stored before was Shanghai's: the server default keeps its feed, UIDs
    # and SEQUENCE as they were.
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(
            sa.Column("policy", sa.String(16), nullable=False, server_default="shanghai")
        )


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("policy")
