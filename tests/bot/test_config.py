import pytest

from bot.config import REPO_ROOT, ConfigError, Settings


def test_defaults_run_on_embedded_sqlite_under_var():
    s = Settings.from_env({})
    assert s.database_url == f"sqlite:///{REPO_ROOT}/var/helpline.db"
    assert s.tracker_store_url == f"sqlite:///{REPO_ROOT}/var/rasa_tracker.db"
    assert (s.rasa_url, s.action_server_url) == ("http://127.0.0.1:5005", "http://127.0.0.1:5055")
    assert (s.gateway_host, s.gateway_port, s.gateway_url) == ("127.0.0.1", 8080, "http://127.0.0.1:8080")
    assert s.rasa_token is None and s.bot_api_token is None
    assert s.program_profile == REPO_ROOT / "program.yml"
    assert s.twilio_api_base == "https://api.twilio.com" and s.public_url is None


def test_values_from_the_environment():
    s = Settings.from_env(
        {
            "DATABASE_URL": "postgresql://helpline:secret@db.internal/helpline",
            "TRACKER_STORE_URL": "sqlite:///var/other.db",
            "RASA_URL": "http://127.0.0.1:6005/",
            "RASA_TOKEN": " abc ",
            "BOT_API_TOKEN": "",
            "GATEWAY_HOST": "0.0.0.0",
            "GATEWAY_PORT": "9000",
            "PROGRAM_PROFILE": "tests/profiles/minimal.yml",
            "TWILIO_ACCOUNT_SID": "AC123",
            "TWILIO_API_BASE": "http://127.0.0.1:9999",
            "PUBLIC_URL": "https://help.example.org",
        }
    )
    assert s.database_url == "postgresql://helpline:secret@db.internal/helpline"
    assert s.tracker_store_url == f"sqlite:///{REPO_ROOT}/var/other.db"  # relative to the repository
    assert s.rasa_url == "http://127.0.0.1:6005"
    assert s.rasa_token == "abc" and s.bot_api_token is None
    assert s.gateway_url == "http://127.0.0.1:9000"
    assert s.program_profile == REPO_ROOT / "tests/profiles/minimal.yml"
    assert s.twilio_account_sid == "AC123" and s.twilio_api_base == "http://127.0.0.1:9999"
    assert s.public_url == "https://help.example.org"


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("DATABASE_URL", "not a url", "is not a database URL"),
        ("TRACKER_STORE_URL", "helpline.db", "is not a database URL"),
        ("RASA_URL", "127.0.0.1:5005", "must be an http:// or https:// URL"),
        ("ACTION_SERVER_URL", "ftp://x", "must be an http:// or https:// URL"),
        ("RASA_URL", "http://127.0.0.1:99999", "invalid port"),
        ("GATEWAY_PORT", "eighty", "must be a port number"),
        ("GATEWAY_PORT", "0", "between 1 and 65535"),
        ("PROGRAM_PROFILE", "nowhere.yml", "no program profile"),
        ("PUBLIC_URL", "help.example.org", "must be an http:// or https:// URL"),
        ("TRUSTED_PROXIES", "10.0.0.1,proxy.local", "'proxy.local' is not an IP address"),
        ("CONSOLE_SECRET_KEY", "not-a-key", "must be a Fernet key"),
    ],
)
def test_bad_values_are_named_in_the_error(name, value, message):
    with pytest.raises(ConfigError, match=message) as info:
        Settings.from_env({name: value})
    assert name in str(info.value)


@pytest.mark.parametrize(
    "value, origins",
    [
        ("", ()),
        ("https://www.example.org", ("https://www.example.org",)),
        # As a browser writes its Origin header: lower case, no default port, no trailing slash.
        (
            " HTTPS://Example.org/ , http://127.0.0.1:8081,https://example.org:443",
            ("https://example.org", "http://127.0.0.1:8081"),
        ),
        ("http://[::1]:9000", ("http://[::1]:9000",)),
    ],
)
def test_web_chat_origins(value, origins):
    assert Settings.from_env({"WEB_CHAT_ORIGINS": value}).web_chat_origins == origins


@pytest.mark.parametrize(
    "value, message",
    [
        ("*", "would let any site embed the chat"),
        ("example.org", "not a site's origin"),
        ("https://example.org/help", "not a site's origin"),
        ("ftp://example.org", "not a site's origin"),
        ("https://example.org:99999", "invalid port"),
        ("https://example.org?x=1", "not a site's origin"),
    ],
)
def test_web_chat_origins_that_are_not_origins_are_refused(value, message):
    with pytest.raises(ConfigError, match="WEB_CHAT_ORIGINS") as err:
        Settings.from_env({"WEB_CHAT_ORIGINS": value})
    assert message in str(err.value)


def test_time_outs_are_sized_to_the_channel_and_checked():
    settings = Settings.from_env({"RASA_TIMEOUT_SECONDS": "8", "SMS_RASA_TIMEOUT_SECONDS": "25"})
    assert settings.rasa_timeout("web") == settings.rasa_timeout("rest") == 8.0
    assert settings.rasa_timeout("sms") == 25.0
    assert settings.sms_reply_seconds == 10.0 and settings.store_wait_seconds == 2.0
    for name, value in (("SMS_REPLY_SECONDS", "15"), ("STORE_WAIT_SECONDS", "soon"), ("RASA_TIMEOUT_SECONDS", "0")):
        with pytest.raises(ConfigError, match=name):
            Settings.from_env({name: value})


def test_the_journal_sits_beside_a_sqlite_store_and_under_var_otherwise(tmp_path):
    beside = Settings.from_env({"DATABASE_URL": f"sqlite:///{tmp_path}/store.db"})
    assert beside.journal_file == tmp_path / "store.journal.jsonl"
    elsewhere = Settings.from_env({"DATABASE_URL": "postgresql://u@db.example/helpline"})
    assert elsewhere.journal_file == REPO_ROOT / "var" / "journal.jsonl"
    chosen = Settings.from_env({"JOURNAL_FILE": str(tmp_path / "j.jsonl")})
    assert chosen.journal_file == tmp_path / "j.jsonl"


@pytest.mark.parametrize(
    "value, replicas",
    [
        (None, ()),
        ("http://10.0.0.2:5005", ("http://10.0.0.2:5005",)),
        (" http://10.0.0.2:5005 , http://10.0.0.3:5005,", ("http://10.0.0.2:5005", "http://10.0.0.3:5005")),
    ],
)
def test_more_rasa_processes(value, replicas):
    settings = Settings.from_env({"RASA_REPLICAS": value} if value else {})
    assert settings.rasa_replicas == replicas


def test_a_bad_rasa_replica_is_named():
    with pytest.raises(ConfigError, match="RASA_REPLICAS"):
        Settings.from_env({"RASA_REPLICAS": "http://10.0.0.2:5005,not a url"})


def test_rest_rate_limits_are_on_unless_turned_off():
    assert Settings.from_env({}).rest_rate_limits is True
    assert Settings.from_env({"REST_RATE_LIMITS": "off"}).rest_rate_limits is False
    with pytest.raises(ConfigError, match="REST_RATE_LIMITS"):
        Settings.from_env({"REST_RATE_LIMITS": "maybe"})
