"""Test configuration shared by all test modules."""

import os

from hypothesis import settings

# In CI, hypothesis draws the same examples on every run, so a submission's result does not
# depend on luck; locally it explores new examples each run (and remembers failures).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
