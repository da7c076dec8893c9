"""programme labels: the Justice and Interregional Innovation programme ids carried each other's code and name

Revision ID: 0005_programme_labels
Revises: 0001_calls
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_programme_labels"
down_revision = "0001_calls"
branch_labels = None
depends_on = None

# What the portal calls these ids (eudesk.calls.programmes, checked against the bundled snapshot by a test).
RIGHT = {"43252386": ("JUST", "Justice"), "44416173": ("I3", "Interregional Innovation")}
WRONG = {"43252386": ("I3", "Interregional Innovation"), "44416173": ("JUST", "Justice")}


def upgrade() -> None:
    conn = op.get_bind()
    rows = {pid: (code, name) for pid, code, name in conn.execute(
        sa.text("SELECT id, code, name FROM programmes WHERE id IN ('43252386', '44416173')"))}
    stale = [pid for pid, row in rows.items() if row == WRONG[pid]]
    if not stale:
        return
    # out of the way first: the codes are unique, and the two rows may trade them
    for pid in stale:
        conn.execute(sa.text("UPDATE programmes SET code = :tmp WHERE id = :pid"), {"tmp": f"tmp-{pid}", "pid": pid})
    for pid in stale:
        code, name = RIGHT[pid]
        taken = conn.execute(sa.text("SELECT 1 FROM programmes WHERE code = :code AND id <> :pid"),
                             {"code": code, "pid": pid}).first()
        conn.execute(sa.text("UPDATE programmes SET code = :code, name = :name WHERE id = :pid"),
                     {"code": f"{code}-{pid}" if taken else code, "name": name, "pid": pid})


def downgrade() -> None:
    pass  # the old labels were wrong; nothing to restore
