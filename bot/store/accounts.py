"""Staff accounts in the store: sign-in, password changes, the first admin, and the
command line's changes, each with its audit entry in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from math import ceil
from typing import Any, Dict, Optional, Tuple

from sqlalchemy.orm import Session

from bot.store import audit, passwords
from bot.store import staff as staff_store
from bot.store.staff import StaffError

CLI = "cli"  # the actor of changes made with `python -m bot staff`


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt. `staff` is set only on success; `retry_after` when throttled."""

    staff: Optional[Dict[str, Any]]
    retry_after: Optional[timedelta] = None

    @property
    def throttled(self) -> bool:
        return self.retry_after is not None


def authenticate(s: Session, username: str, password: str, ip: str, now: Optional[datetime] = None) -> SignIn:
    """Check a password, counting failures by address and by username at that address; every attempt is audited.

    Too many failures from one address make that address wait, longer each time; the account itself is
    never locked, so nobody elsewhere can keep its owner out.
    """
    now = now or datetime.now(timezone.utc)
    username = username.strip().lower()[:64]
    (for_user_here, last_here), (from_address, last_address) = staff_store.failures_since(
        s, username, ip, now - passwords.THROTTLE_WINDOW
    )
    wait = passwords.wait_before_next(for_user_here, last_here, from_address, last_address, now)
    if wait > timedelta(0):
        audit.record(s, username or "?", "sign_in_throttled", detail=f"wait {ceil(wait.total_seconds())} s", ip=ip)
        return SignIn(None, retry_after=wait)
    stored = staff_store.password_hash_of(s, username)
    if not passwords.verify(stored, password):  # an unknown name is checked against a dummy hash: same time
        staff_store.record_failure(s, username, ip, now)
        audit.record(s, username or "?", "sign_in_failed", ip=ip)
        return SignIn(None)
    staff_store.forget_failures(s, username, ip, before=now - passwords.THROTTLE_WINDOW)
    if stored is not None and passwords.HASHER.check_needs_rehash(stored):
        must_change = bool((staff_store.get(s, username) or {}).get("must_change_password"))
        staff_store.set_password(s, username, passwords.hash_password(password), must_change)
    audit.record(s, username, "sign_in", ip=ip)
    return SignIn(staff_store.get(s, username))


def sign_out(s: Session, username: str, ip: Optional[str] = None) -> None:
    """Every session of the account ends, on every device: a copied cookie opens nothing afterwards."""
    staff_store.end_sessions(s, username)
    audit.record(s, username, "sign_out", ip=ip)


def change_password(s: Session, username: str, current: str, new: str) -> Optional[str]:
    """The staff member's own change; a problem to show, or None when done."""
    if not passwords.verify(staff_store.password_hash_of(s, username), current):
        return "Your current password is not right."
    problem = passwords.password_problem(new, username)
    if problem:
        return problem
    if current == new:
        return "Choose a password different from the one you were given."
    staff_store.set_password(s, username, passwords.hash_password(new), must_change_password=False)
    audit.record(s, username, "password_changed")
    return None


def ensure_admin(
    s: Session,
    username: str = "admin",
    password: Optional[str] = None,
) -> Optional[Tuple[str, str]]:
    """With no active admin, create one; (username, password) when a password was made up here.

    A password from the environment is the operator's own; a made-up one is
    printed once and must be changed at the first sign-in.
    """
    if staff_store.active_admins(s) > 0:
        return None
    username = username.strip().lower()
    problem = passwords.username_problem(username)
    if problem:
        raise StaffError(f"CONSOLE_ADMIN_USERNAME={username!r}: {problem}")
    problem = password and passwords.password_problem(password, username)
    if problem:
        raise StaffError(f"CONSOLE_ADMIN_PASSWORD is too weak for the first admin: {problem}")
    made_up = password is None
    password = password or passwords.new_password()
    member = staff_store.find(s, username)
    if member is not None:
        staff_store.set_password(s, username, passwords.hash_password(password), must_change_password=made_up)
        member.role, member.active = "admin", True
    else:
        staff_store.add(
            s, username, "Administrator", "admin", passwords.hash_password(password), must_change_password=made_up
        )
    audit.record(s, "system", "admin_bootstrapped", detail=username)
    return (username, password) if made_up else None


# -- the command line's changes ---------------------------------------------------------
def add(s: Session, username: str, name: str, role: str, password_hash: str, must_change: bool) -> Dict[str, Any]:
    member = staff_store.add(s, username, name, role, password_hash, must_change_password=must_change)
    audit.record(s, CLI, "staff_added", detail=f"{username} ({role})")
    return member


def set_active(s: Session, username: str, active: bool) -> Dict[str, Any]:
    member = staff_store.set_active(s, username, active)
    audit.record(s, CLI, "staff_enabled" if active else "staff_disabled", detail=username)
    return member


def reset(s: Session, username: str, password_hash: str) -> Dict[str, Any]:
    member = staff_store.set_password(s, username, password_hash, must_change_password=True)
    staff_store.forget_failures(s, username)  # a throttled member can sign in with the new password at once
    audit.record(s, CLI, "password_reset", detail=username)
    return member


# -- the console's changes (an admin, audited under their own name) ---------------------
def add_by(s: Session, actor: str, username: str, name: str, role: str, password_hash: str) -> Dict[str, Any]:
    member = staff_store.add(s, username, name, role, password_hash, must_change_password=True)
    audit.record(s, actor, "staff_added", detail=f"{username} ({role})")
    return member


def set_active_by(s: Session, actor: str, username: str, active: bool) -> Dict[str, Any]:
    if actor == username and not active:
        raise StaffError("You cannot disable your own account; ask another admin.")
    member = staff_store.set_active(s, username, active)
    audit.record(s, actor, "staff_enabled" if active else "staff_disabled", detail=username)
    return member


def reset_by(s: Session, actor: str, username: str, password_hash: str) -> Dict[str, Any]:
    if actor == username:
        raise StaffError("Change your own password on the password page; a reset is for someone else.")
    member = staff_store.set_password(s, username, password_hash, must_change_password=True)
    staff_store.forget_failures(s, username)
    audit.record(s, actor, "password_reset", detail=username)
    return member


def set_profile(s: Session, username: str, display_name: str, role_line: Optional[str]) -> Dict[str, Any]:
    """The member's own name and role line as visitors see them."""
    member = staff_store.set_profile(s, username, display_name, role_line)
    audit.record(s, username, "profile_changed", detail=f"{display_name}" + (f", {role_line}" if role_line else ""))
    return member
