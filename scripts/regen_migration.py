"""Regenerate the initial migration from storage/models.py (before the first release only).

    python scripts/regen_migration.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from storage.db import MIGRATIONS, alembic_config, make_engine  # noqa: E402


def main() -> None:
    for old in (MIGRATIONS / "versions").glob("0001_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/empty.db")
        command.revision(alembic_config(engine), message="initial schema", autogenerate=True,
                         rev_id="0001")
    for path in (MIGRATIONS / "versions").glob("0001_*.py"):
        print(path)


if __name__ == "__main__":
    main()
