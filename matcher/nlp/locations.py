"""Where the saved models live, without loading spaCy: the eligibility model's path is
asked for by the web server at start, which must not wait seconds for the note pipeline's
imports to find a folder name."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["models_dir"]


def models_dir() -> Path:
    """models/ at the repository root, or MATCHER_MODELS."""
    configured = os.environ.get("MATCHER_MODELS")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "models"
