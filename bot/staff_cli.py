"""`python -m bot staff ...`: console accounts from the command line, and the first admin.

Every change is audited with the actor "cli". A password someone else chose
(generated here) must be changed at the first sign-in.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, Dict, List, Optional, TextIO, Tuple

from bot.config import Settings
from bot.store import accounts, passwords
from bot.store import staff as staff_store
from bot.store.database import Database, upgrade
from bot.store.staff import StaffError

MAX_NAME = 120


def open_store(settings: Settings) -> Database:
    db = Database(settings.database_url, threads=1)
    try:
        upgrade(db.engine)
    except Exception:
        db.dispose()
        raise
    return db


# -- the first admin -------------------------------------------------------------------------
def first_admin(settings: Settings) -> Optional[Tuple[str, str]]:
    """Migrate the store and, with no active admin, create one; (username, password) when made up."""
    db = open_store(settings)
    try:
        return db.call(accounts.ensure_admin, settings.console_admin_username, settings.console_admin_password)
    finally:
        db.dispose()


def first_admin_notice(username: str, password: str) -> str:
    return (
        f"Staff console: sign in as {username} with this one-time password; you will choose your own:\n"
        f"    {password}\n"
        f"(Shown once. Lost it? `python -m bot staff reset {username}` makes a new one.)"
    )


# -- the command -------------------------------------------------------------------------------
def add_arguments(sub: "argparse._SubParsersAction") -> None:
    parser = sub.add_parser(
        "staff",
        help="add, disable, enable, reset or list staff console accounts",
        description="Staff console accounts. Every change is recorded in the audit log; "
        "a password made up here must be changed at the first sign-in.",
    )
    commands = parser.add_subparsers(dest="staff_command", required=True)
    p_add = commands.add_parser("add", help="add a staff member; prints a one-time password")
    p_add.add_argument("username")
    p_add.add_argument("--name", required=True, help="the name colleagues and visitors see")
    p_add.add_argument("--admin", action="store_true", help="an admin (manages accounts, reads the audit log)")
    p_add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin instead of making one up",
    )
    for name, text in (
        ("disable", "stop someone signing in (ends their sessions)"),
        ("enable", "let a disabled member sign in again"),
        ("reset", "make a new one-time password"),
    ):
        commands.add_parser(name, help=text).add_argument("username")
    commands.add_parser("list", help="list every account")


def main(args: argparse.Namespace, settings: Settings, stdin: Optional[TextIO] = None) -> int:
    try:
        if args.staff_command == "list":
            db = open_store(settings)
            try:
                print(table(db.call(staff_store.list_staff)))
            finally:
                db.dispose()
            return 0
        username = args.username.strip().lower()
        problem = passwords.username_problem(username)
        if problem:
            raise StaffError(problem)
        if args.staff_command == "add":
            return add_command(settings, username, args, stdin or sys.stdin)
        db = open_store(settings)
        try:
            if args.staff_command == "reset":
                password = passwords.new_password()
                member = db.call(accounts.reset, username, passwords.hash_password(password))
                print(f"New one-time password for {username}: {password}\nThey choose their own at their next sign-in.")
                if not member["active"]:
                    print(f"The account is disabled: `python -m bot staff enable {username}` lets them in.")
            else:
                active = args.staff_command == "enable"
                db.call(accounts.set_active, username, active)
                print(f"{username} can {'now' if active else 'no longer'} sign in.")
        finally:
            db.dispose()
        return 0
    except StaffError as exc:
        print(f"python -m bot staff {args.staff_command}: {exc}", file=sys.stderr)
        return 2


def add_command(settings: Settings, username: str, args: argparse.Namespace, stdin: TextIO) -> int:
    name = " ".join(args.name.split())
    if not name or len(name) > MAX_NAME:
        raise StaffError(f"--name must be 1 to {MAX_NAME} characters")
    role = "admin" if args.admin else "staff"
    if args.password_stdin:
        password = stdin.readline().rstrip("\r\n")
        problem = passwords.password_problem(password, username)
        if problem:
            raise StaffError(f"the password from stdin is refused: {problem}")
    else:
        password = passwords.new_password()
    db = open_store(settings)
    try:
        # A password given on stdin is the operator's choice; a made-up one is changed at first sign-in.
        db.call(accounts.add, username, name, role, passwords.hash_password(password), not args.password_stdin)
    finally:
        db.dispose()
    print(f"Added {username} ({name}, {role}).")
    if not args.password_stdin:
        print(f"One-time password: {password}\nThey choose their own at their first sign-in.")
    return 0


def table(members: List[Dict[str, Any]]) -> str:
    if not members:
        return "No staff accounts yet."
    rows = [("username", "name", "role", "status")] + [
        (
            m["username"],
            m["display_name"],
            m["role"],
            ("active" if m["active"] else "disabled") + (", must change password" if m["must_change_password"] else ""),
        )
        for m in members
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join("  ".join([*(cell.ljust(w) for cell, w in zip(row, widths)), row[3]]).rstrip() for row in rows)
