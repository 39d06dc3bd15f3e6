"""Article signatures keep the day their lede says the event happened (`analysis.events`), backfilled

The story layer compares the days two ledes date their events to. Articles stored before this
revision have signatures without it: the upgrade reads it from each stored text (the same
`analysis.events.event_mention` a crawl runs) and rewrites the signature; the downgrade strips it
again, as the code before it reads signatures. The dedup index's keys do not change.

Revision ID: 0007
Revises: 0006
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

CHUNK = 2000
ARTICLES = sa.table('articles', sa.column('id', sa.Integer), sa.column('text', sa.Text),
                    sa.column('signature', sa.LargeBinary))


def _rewrite(with_event: bool) -> None:
    from dataclasses import replace

    from analysis.events import event_mention
    from analysis.shingles import FORMAT, Signature

    connection = op.get_bind()
    last = 0
    while True:  # pages by id, each read whole before writing
        chunk = connection.execute(sa.select(ARTICLES.c.id, ARTICLES.c.text, ARTICLES.c.signature)
                                   .where(ARTICLES.c.id > last, ARTICLES.c.signature.is_not(None))
                                   .order_by(ARTICLES.c.id).limit(CHUNK)).all()
        if not chunk:
            break
        last = chunk[-1].id
        out = []
        for row in chunk:
            if not row.signature or bytes(row.signature[:4]) != FORMAT:
                continue
            try:
                sig = Signature.from_bytes(bytes(row.signature))
            except ValueError:
                continue
            event = event_mention(row.text or "") if with_event else ""
            if event != sig.event:
                out.append({"i": row.id, "s": replace(sig, event=event).to_bytes()})
        if out:
            connection.execute(sa.update(ARTICLES).where(ARTICLES.c.id == sa.bindparam("i"))
                               .values(signature=sa.bindparam("s")), out)


def upgrade() -> None:
    _rewrite(True)


def downgrade() -> None:
    _rewrite(False)
