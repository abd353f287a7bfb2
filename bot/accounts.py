"""Staff sign-in: argon2 password hashes, throttling, and the first admin.

The policy parts (what a good password is, when to throttle) are plain
functions; `authenticate` and `ensure_admin` do the store work around them.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Optional, Tuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.orm import Session

from bot.store import audit
from bot.store import staff as staff_store

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


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt. `staff` is set only on success."""

    staff: Optional[Dict[str, Any]]
    throttled: bool = False


def authenticate(s: Session, username: str, password: str, ip: str,
                 now: Optional[datetime] = None) -> SignIn:
    """Check a password, counting failures; every attempt is audited."""
    now = now or datetime.now(timezone.utc)
    username = username.strip().lower()[:64]
    by_user, by_ip = staff_store.failures_since(s, username, ip, now - THROTTLE_WINDOW)
    if throttled(by_user, by_ip):
        audit.record(s, username or "?", "sign_in_throttled", ip=ip)
        return SignIn(None, throttled=True)
    stored = staff_store.password_hash_of(s, username)
    if not _verify(stored, password):
        staff_store.record_failure(s, username, ip)
        audit.record(s, username or "?", "sign_in_failed", ip=ip)
        return SignIn(None)
    staff_store.forget_failures(s, username, before=now - THROTTLE_WINDOW)
    if HASHER.check_needs_rehash(stored):
        member = staff_store.get(s, username)
        staff_store.set_password(s, username, hash_password(password), member["must_change_password"])
    audit.record(s, username, "sign_in", ip=ip)
    return SignIn(staff_store.get(s, username))


def _verify(stored: Optional[str], password: str) -> bool:
    try:
        return HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def change_password(s: Session, username: str, current: str, new: str) -> Optional[str]:
    """The staff member's own change; a problem to show, or None when done."""
    if not _verify(staff_store.password_hash_of(s, username), current):
        return "Your current password is not right."
    problem = password_problem(new, username)
    if problem:
        return problem
    if current == new:
        return "Choose a password different from the one you were given."
    staff_store.set_password(s, username, hash_password(new), must_change_password=False)
    audit.record(s, username, "password_changed")
    return None


def ensure_admin(s: Session, username: str = "admin", password: Optional[str] = None,
                 ) -> Optional[Tuple[str, str]]:
    """With no active admin, create one; (username, password) when a password was made up here.

    A password from the environment is the operator's own; a made-up one is
    printed once and must be changed at the first sign-in.
    """
    if staff_store.active_admins(s) > 0:
        return None
    username = username.strip().lower()
    made_up = password is None
    password = password or new_password()
    if staff_store.find(s, username) is not None:
        staff_store.set_password(s, username, hash_password(password), must_change_password=made_up)
        member = staff_store.find(s, username)
        member.role, member.active = "admin", True
    else:
        staff_store.add(s, username, "Administrator", "admin", hash_password(password),
                        must_change_password=made_up)
    audit.record(s, "system", "admin_bootstrapped", detail=username)
    return (username, password) if made_up else None
