"""How staff passwords are kept and what the console accepts: argon2 hashes, the
password and username rules, and when sign-in is throttled. Plain functions;
`bot.store.accounts` does the store work around them.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

HASHER = PasswordHasher()  # argon2id with the library's recommended parameters
# Verified when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))

MIN_PASSWORD_LENGTH = 12
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
# Sign-in throttling slows down guessing from one place without ever locking a username for everyone:
# failures are counted per address and per username at that address, and after a few free ones each
# further attempt from there waits twice as long as the one before (up to MAX_DELAY).
THROTTLE_WINDOW = timedelta(hours=24)
FREE_FAILURES_PER_USER_AT_ADDRESS = 3
FREE_FAILURES_PER_ADDRESS = 10
MAX_DELAY = timedelta(minutes=15)


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


def delay_after(failures: int, free: int) -> timedelta:
    """How long to wait after `failures` failures when the first `free` cost nothing: 2 s, 4 s, 8 s, ..."""
    if failures <= free:
        return timedelta(0)
    return min(MAX_DELAY, timedelta(seconds=2 ** min(failures - free, 20)))


def wait_before_next(
    failures_for_user_here: int,
    last_for_user_here: Optional[datetime],
    failures_from_address: int,
    last_from_address: Optional[datetime],
    now: datetime,
) -> timedelta:
    """How long this address must still wait before it may try this username again (zero: go ahead)."""
    waits = [timedelta(0)]
    if last_for_user_here is not None:
        waits.append(last_for_user_here + delay_after(failures_for_user_here, FREE_FAILURES_PER_USER_AT_ADDRESS) - now)
    if last_from_address is not None:
        waits.append(last_from_address + delay_after(failures_from_address, FREE_FAILURES_PER_ADDRESS) - now)
    return max(waits)


def verify(stored: Optional[str], password: str) -> bool:
    try:
        return HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
