"""`python -m bot staff ...` and the first admin, against the store on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
import sys

import pytest

from bot import cli, staff_cli
from bot.config import Settings
from bot.store import accounts, audit, passwords
from bot.store import staff as staff_store

ONE_TIME = re.compile(r"One-time password: (\S+)")


@pytest.fixture
def staff(db, monkeypatch, capsys):
    """staff("add", "ana", ...) -> (exit code, stdout, stderr), run as `python -m bot staff ...` on the `db` store."""
    monkeypatch.setenv("DATABASE_URL", db.url)

    def run(*argv, stdin=""):
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = cli.main(["staff", *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def signs_in(db, username, password):
    return db.call(accounts.authenticate, username, password, "192.0.2.1").staff is not None


def test_add_prints_a_one_time_password_that_must_be_changed(db, staff):
    code, out, _ = staff("add", "Ana", "--name", "  Ana  Diaz ")
    assert code == 0 and "Added ana (Ana Diaz, staff)." in out
    password = ONE_TIME.search(out).group(1)
    assert signs_in(db, "ana", password)
    member = db.call(staff_store.get, "ana")
    assert (member["display_name"], member["role"], member["must_change_password"]) == ("Ana Diaz", "staff", True)
    entry = db.call(audit.entries, "cli", "staff_added")[0]
    assert entry["detail"] == "ana (staff)"


def test_add_an_admin_with_a_password_from_stdin(db, staff):
    code, out, _ = staff("add", "bo", "--name", "Bo", "--admin", "--password-stdin", stdin="a long passphrase here\n")
    assert code == 0 and "password" not in out.lower()
    assert signs_in(db, "bo", "a long passphrase here")
    member = db.call(staff_store.get, "bo")
    assert member["role"] == "admin" and not member["must_change_password"]


@pytest.mark.parametrize(
    "argv, stdin, problem",
    [
        (["add", "a b", "--name", "X"], "", "Usernames are 2-64"),
        (["add", "ana", "--name", "   "], "", "--name must be"),
        (["add", "ana", "--name", "Ana", "--password-stdin"], "short\n", "Use at least 12 characters"),
        (["add", "ana", "--name", "Ana", "--password-stdin"], "ana-ana-ana-ana\n", "username"),
        (["add", "ana", "--name", "Ana"], "", "already a staff member called 'ana'"),
        (["disable", "nobody"], "", "no staff member called 'nobody'"),
        (["enable", "nobody"], "", "no staff member called 'nobody'"),
        (["reset", "nobody"], "", "no staff member called 'nobody'"),
        (["disable", "boss"], "", "only active admin"),
    ],
)
def test_mistakes_exit_2_with_the_reason(db, staff, argv, stdin, problem):
    assert staff("add", "ana", "--name", "Ana")[0] == 0
    assert staff("add", "boss", "--name", "Boss", "--admin")[0] == 0
    before = db.call(staff_store.list_staff)
    code, out, err = staff(*argv, stdin=stdin)
    assert code == 2 and problem in err and out == ""
    assert db.call(staff_store.list_staff) == before


def test_disable_and_enable(db, staff):
    password = ONE_TIME.search(staff("add", "ana", "--name", "Ana")[1]).group(1)
    code, out, _ = staff("disable", "ana")
    assert code == 0 and "ana can no longer sign in" in out
    assert not signs_in(db, "ana", password)
    assert staff("enable", "ana")[0] == 0
    assert signs_in(db, "ana", password)
    actions = [e["action"] for e in db.call(audit.entries, "cli")]
    assert actions[:3] == ["staff_enabled", "staff_disabled", "staff_added"]


def test_reset_makes_a_new_one_time_password_and_lifts_the_throttle(db, staff):
    old = ONE_TIME.search(staff("add", "ana", "--name", "Ana")[1]).group(1)
    for _ in range(passwords.FREE_FAILURES_PER_USER_AT_ADDRESS + 1):
        signs_in(db, "ana", "wrong password!")
    assert db.call(accounts.authenticate, "ana", old, "192.0.2.1").throttled
    code, out, _ = staff("reset", "ana")
    new = re.search(r"New one-time password for ana: (\S+)", out).group(1)
    assert code == 0 and new != old
    assert signs_in(db, "ana", new) and not signs_in(db, "ana", old)
    assert db.call(staff_store.get, "ana")["must_change_password"]
    assert db.call(audit.entries, "cli", "password_reset")[0]["detail"] == "ana"


def test_reset_of_a_disabled_account_says_how_to_enable_it(db, staff):
    staff("add", "ana", "--name", "Ana")
    staff("disable", "ana")
    code, out, _ = staff("reset", "ana")
    assert code == 0 and "python -m bot staff enable ana" in out


def test_list(db, staff):
    assert staff("list")[1].strip() == "No staff accounts yet."
    staff("add", "ana", "--name", "Ana Diaz")
    staff("add", "root", "--name", "Zed", "--admin", "--password-stdin", stdin="a long passphrase here\n")
    staff("disable", "ana")
    lines = staff("list")[1].splitlines()
    assert lines[0].split() == ["username", "name", "role", "status"]
    assert lines[1].split() == ["ana", "Ana", "Diaz", "staff", "disabled,", "must", "change", "password"]
    assert lines[2].split() == ["root", "Zed", "admin", "active"]


# -- the first admin ------------------------------------------------------------------------------
def settings_for(db, **env):
    return Settings.from_env({"DATABASE_URL": db.url, **env})


def test_the_first_admin_gets_a_one_time_password_once(db):
    made = staff_cli.first_admin(settings_for(db))
    assert made is not None and made[0] == "admin"
    assert signs_in(db, "admin", made[1]) and db.call(staff_store.get, "admin")["must_change_password"]
    assert staff_cli.first_admin(settings_for(db)) is None  # an admin exists now
    assert made[1] in staff_cli.first_admin_notice(*made)


def test_the_first_admin_from_the_environment(db):
    settings = settings_for(db, CONSOLE_ADMIN_USERNAME="Chief", CONSOLE_ADMIN_PASSWORD="operator chose this")
    assert staff_cli.first_admin(settings) is None
    assert signs_in(db, "chief", "operator chose this")
    assert not db.call(staff_store.get, "chief")["must_change_password"]


@pytest.mark.parametrize(
    "env, problem",
    [
        ({"CONSOLE_ADMIN_PASSWORD": "admin"}, "CONSOLE_ADMIN_PASSWORD is too weak"),
        ({"CONSOLE_ADMIN_USERNAME": "the boss"}, "CONSOLE_ADMIN_USERNAME='the boss'"),
    ],
)
def test_a_bad_first_admin_from_the_environment_is_refused(db, env, problem):
    with pytest.raises(staff_store.StaffError, match=problem):
        staff_cli.first_admin(settings_for(db, **env))
    assert db.call(staff_store.list_staff) == []
