"""Staff accounts and failed sign-ins, inside the caller's session."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.store.models import ROLES, SignInFailure, Staff, utcnow

# (how many, the latest) failed sign-ins.
Failures = Tuple[int, Optional[datetime]]


class StaffError(ValueError):
    """A staff change that cannot be made, with a message for the person making it."""


def staff_as_dict(m: Staff) -> Dict[str, Any]:
    return {
        "id": m.id,
        "username": m.username,
        "display_name": m.display_name,
        "role": m.role,
        "active": m.active,
        "must_change_password": m.must_change_password,
        "created_at": m.created_at,
        "password_changed_at": m.password_changed_at,
        "role_line": m.role_line,
        "session_version": m.session_version or 0,
    }


def find(s: Session, username: str) -> Optional[Staff]:
    return s.execute(select(Staff).where(Staff.username == username)).scalar_one_or_none()


def get(s: Session, username: str) -> Optional[Dict[str, Any]]:
    member = find(s, username)
    return staff_as_dict(member) if member else None


def password_hash_of(s: Session, username: str) -> Optional[str]:
    member = find(s, username)
    return member.password_hash if member and member.active else None


def add(
    s: Session, username: str, display_name: str, role: str, password_hash: str, must_change_password: bool = True
) -> Dict[str, Any]:
    if role not in ROLES:
        raise StaffError(f"role must be one of {', '.join(ROLES)}")
    if find(s, username) is not None:
        raise StaffError(f"there is already a staff member called {username!r}")
    member = Staff(
        username=username,
        display_name=display_name,
        role=role,
        password_hash=password_hash,
        active=True,
        must_change_password=must_change_password,
    )
    s.add(member)
    s.flush()
    return staff_as_dict(member)


def set_password(s: Session, username: str, password_hash: str, must_change_password: bool) -> Dict[str, Any]:
    member = _existing(s, username)
    member.password_hash = password_hash
    member.must_change_password = must_change_password
    member.password_changed_at = utcnow()
    _end_sessions(member)
    return staff_as_dict(member)


def set_active(s: Session, username: str, active: bool) -> Dict[str, Any]:
    member = _existing(s, username)
    if not active and member.role == "admin" and member.active and active_admins(s) == 1:
        raise StaffError(f"{username!r} is the only active admin; add another admin first")
    member.active = active
    _end_sessions(member)
    return staff_as_dict(member)


def set_profile(s: Session, username: str, display_name: str, role_line: Optional[str]) -> Dict[str, Any]:
    """The name (and optional role line) visitors see for this member."""
    member = _existing(s, username)
    member.display_name = display_name
    member.role_line = role_line or None
    return staff_as_dict(member)


def end_sessions(s: Session, username: str) -> None:
    """Every console session of this account ends at its next request (signing out ends them all)."""
    member = find(s, username)
    if member is not None:
        _end_sessions(member)


def _end_sessions(member: Staff) -> None:
    member.session_version = (member.session_version or 0) + 1


def list_staff(s: Session, active_only: bool = False) -> List[Dict[str, Any]]:
    query = select(Staff).order_by(Staff.display_name, Staff.username)
    if active_only:
        query = query.where(Staff.active.is_(True))
    return [staff_as_dict(m) for m in s.execute(query).scalars()]


def active_admins(s: Session) -> int:
    return s.execute(
        select(func.count()).select_from(Staff).where(Staff.role == "admin", Staff.active.is_(True))
    ).scalar_one()


def _existing(s: Session, username: str) -> Staff:
    member = find(s, username)
    if member is None:
        raise StaffError(f"no staff member called {username!r}")
    return member


# -- failed sign-ins -----------------------------------------------------------
def record_failure(s: Session, username: str, ip: str, at: Optional[datetime] = None) -> None:
    s.add(SignInFailure(username=username[:64], ip=ip[:64], at=at or utcnow()))


def failures_since(s: Session, username: str, ip: str, since: datetime) -> Tuple[Failures, Failures]:
    """(count, latest) of failures for this username from this address, and from this address, since `since`."""
    for_user_here = s.execute(
        select(func.count(), func.max(SignInFailure.at)).where(
            SignInFailure.username == username[:64], SignInFailure.ip == ip[:64], SignInFailure.at >= since
        )
    ).one()
    from_address = s.execute(
        select(func.count(), func.max(SignInFailure.at)).where(SignInFailure.ip == ip[:64], SignInFailure.at >= since)
    ).one()
    return (for_user_here[0], for_user_here[1]), (from_address[0], from_address[1])


def forget_failures(s: Session, username: str, ip: Optional[str] = None, before: Optional[datetime] = None) -> None:
    """After a good sign-in from an address, that username's count there starts again (a stranger's
    failures elsewhere are not wiped by it); with no address, everywhere (an admin's reset). Old rows go."""
    query = delete(SignInFailure).where(SignInFailure.username == username[:64])
    if ip is not None:
        query = query.where(SignInFailure.ip == ip[:64])
    s.execute(query)
    if before is not None:
        s.execute(delete(SignInFailure).where(SignInFailure.at < before))
