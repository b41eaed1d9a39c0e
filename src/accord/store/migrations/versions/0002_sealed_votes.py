"""Rooms may seal votes; rooms count the characters their draft versions store.

``sealed_votes``: a vote's value is shown only once its proposal is decided.
``draft_chars``: the running total the per-room storage quota is checked against (so a
write never sums the room's drafts).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply the revision."""
    with op.batch_alter_table("rooms") as batch:
        batch.add_column(sa.Column("sealed_votes", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("draft_chars", sa.BigInteger(), nullable=False,
                                   server_default="0"))


def downgrade() -> None:
    """Undo the revision."""
    with op.batch_alter_table("rooms") as batch:
        batch.drop_column("draft_chars")
        batch.drop_column("sealed_votes")
