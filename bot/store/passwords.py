"""How staff passwords are kept and what the console accepts: argon2 hashes, the
password and username rules, and when sign-in is throttled. Plain functions;
`bot.store.accounts` does the store work around them.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

HASHER = PasswordHasher()  # argon2id with the library's recommended parameters
# Verified when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))

MIN_PASSWORD_LENGTH = 12
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def password_problem(password: str, username: str = "") -> Optional[str]:
    """Why a new password is refused, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if username and username.lower() in password.lower():
        return "Don't use your username in your password."
    if len(set(password)) < 5:
        return "Use a less repetitive password."
    return None


def username_problem(username: str) -> Optional[str]:
    if not USERNAME.match(username):
        return "Usernames are 2-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit."
    return None


def new_password() -> str:
    return secrets.token_urlsafe(15)  # 20 characters


def throttled(failures_for_user: int, failures_from_address: int) -> bool:
    return failures_for_user >= MAX_FAILURES_PER_USER or failures_from_address >= MAX_FAILURES_PER_ADDRESS


def verify(stored: Optional[str], password: str) -> bool:
    try:
        return HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
