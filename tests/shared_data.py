"""Where the team's shared data lives: `../shared` beside the repository (as on CI), or the
folder named by $SPACEWATCH_SHARED. Tests that need it skip when it is not there."""
from __future__ import annotations

import os
from pathlib import Path

SHARED = Path(os.environ.get("SPACEWATCH_SHARED") or Path(__file__).resolve().parents[2] / "shared")
SPACE_RACE = SHARED / "corpus" / "space-race"
REALWORLD = SHARED / "realworld" / "article-extraction-benchmark"
SCENARIO_CHECK = SHARED / "tools" / "scenario_check.py"
EXTRACTION_F1 = SHARED / "tools" / "extraction_f1.py"
