"""Permits in their own table: a subscription holds 1 to 6 (a household in one calendar).

Every subscription's permit moves to one row of ``permits`` with the key its
UIDs always had (``s-<account>``), no label, and the same dates, changes,
points and policy, so every feed keeps its events, UIDs and SEQUENCE.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_PERMIT_COLUMNS = ("issued", "expires", "card_received", "changes", "points", "policy")


def upgrade() -> None:
    op.create_table(
        "permits",
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
        sa.Column("label", sa.String(32), nullable=False),
        sa.Column("issued", sa.Date, nullable=True),
        sa.Column("expires", sa.Date, nullable=True),
        sa.Column("card_received", sa.Date, nullable=True),
        sa.Column("changes", sa.String(100), nullable=False),
        sa.Column("points", sa.Boolean, nullable=False),
        sa.Column("policy", sa.String(16), nullable=False),
        sa.UniqueConstraint("subscription_id", "key", name="uq_permits_subscription_key"),
    )
    op.execute(
        "INSERT INTO permits (subscription_id, position, key, label, "
        + ", ".join(_PERMIT_COLUMNS)
        + ") SELECT id, 0, 's-' || account, '', "
        + ", ".join(_PERMIT_COLUMNS)
        + " FROM subscriptions"
    )
    with op.batch_alter_table("subscriptions") as batch:
        for name in _PERMIT_COLUMNS:
            batch.drop_column(name)


def downgrade() -> None:
    # Back to one permit per subscription: the first one (a household loses the others).
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("issued", sa.Date, nullable=True))
        batch.add_column(sa.Column("expires", sa.Date, nullable=True))
        batch.add_column(sa.Column("card_received", sa.Date, nullable=True))
        batch.add_column(sa.Column("changes", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("points", sa.Boolean, nullable=False, server_default=sa.true()))
        batch.add_column(
            sa.Column("policy", sa.String(16), nullable=False, server_default="shanghai")
        )
    for name in _PERMIT_COLUMNS:
        op.execute(
            f"UPDATE subscriptions SET {name} = (SELECT permits.{name} FROM permits "
            "WHERE permits.subscription_id = subscriptions.id ORDER BY permits.position LIMIT 1)"
            " WHERE EXISTS (SELECT 1 FROM permits"
            " WHERE permits.subscription_id = subscriptions.id)"
        )
    op.drop_table("permits")
