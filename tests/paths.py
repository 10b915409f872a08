"""Where the project's shared documents live: ``../shared`` beside the repository
(as CI lays it out), else $SBEE_DESK_SHARED, else /work/shared."""

from __future__ import annotations

import os
from pathlib import Path

_CANDIDATES = [
    Path(__file__).resolve().parents[1].parent / "shared",
    Path(os.environ.get("SBEE_DESK_SHARED", "/nonexistent")),
    Path("/work/shared"),
]
SHARED = next(
    (p for p in _CANDIDATES if (p / "docs" / "business-rules.md").exists()), _CANDIDATES[0]
)
SAMPLES = SHARED / "samples"
BUSINESS_RULES = SHARED / "docs" / "business-rules.md"
