"""Settings for the test suite: production settings, served over plain HTTP to localhost."""

import os

os.environ.setdefault("FORDELA_LOCAL", "1")

from fordela.settings import *  # noqa: E402, F403

# Hashing the demo accounts' passwords with PBKDF2 costs seconds per test; tests need no strength.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
