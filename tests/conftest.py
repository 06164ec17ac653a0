import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "book", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "book"))


@pytest.fixture
def rng():
    """A fresh, seeded generator for each test: no test depends on another's draws."""
    return np.random.default_rng(2024)
