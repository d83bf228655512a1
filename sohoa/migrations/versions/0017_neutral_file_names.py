"""file names made from what a file is, not from what its uploader called it

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 05:00:00

An upload's name may carry a person's name or ID ("CCCD_0010990…_NguyenVanA.jpg")
and sat in clear in ``file_versions.filename``; it may also carry a misleading
extension. Stored names are now ``vault.records.stored_filename`` of the role,
part and media type; the document's title keeps (sealed) what the officer saw.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from vault.records import stored_filename

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    versions = sa.table('file_versions', sa.column('id', sa.String), sa.column('role', sa.String),
                        sa.column('part', sa.Integer), sa.column('media_type', sa.String),
                        sa.column('filename', sa.String))
    rows = connection.execute(sa.select(versions.c.id, versions.c.role, versions.c.part,
                                        versions.c.media_type)).all()
    for row in rows:
        connection.execute(versions.update().where(versions.c.id == row.id).values(
            filename=stored_filename(row.role, row.part, row.media_type)))


def downgrade() -> None:
    """The uploaders' names are not kept anywhere to restore."""
