"""The points setting: whether the holder has points (积分); every stored row has them."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The server default fills the rows stored before: the default, which changes no UID.
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("points", sa.Boolean, nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("points")
