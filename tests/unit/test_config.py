import pytest

from assess import create_app
from assess.config import (
    ConfigError,
    ProductionConfig,
    TestingConfig,
    config_class,
    database_url,
    proxy_count,
)


@pytest.mark.parametrize("name", ["development", "testing", "production"])
def test_app_factory_builds_in_each_config(name, monkeypatch, tmp_path):
    monkeypatch.setenv("ASSESS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app(name)
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite://")
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config.get("SESSION_COOKIE_SECURE", False) is (name == "production")
    assert app.testing is (name == "testing")


def test_config_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ASSESS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("ASSESS_CONFIG", "testing")
    assert create_app().testing


def test_unknown_config_name_is_named():
    with pytest.raises(ConfigError, match="ASSESS_CONFIG is 'staging'"):
        config_class("staging")


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("ASSESS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(ProductionConfig)
    assert not (tmp_path / "secret_key").exists()


def test_development_generates_a_secret_key_once(monkeypatch, tmp_path):
    monkeypatch.setenv("ASSESS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app("development").config["SECRET_KEY"]
    second = create_app("development").config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("postgres://u:p@db/assess", "postgresql+psycopg://u:p@db/assess"),
        ("postgresql://u@db:5433/assess", "postgresql+psycopg://u@db:5433/assess"),
        ("postgresql+psycopg://u@db/assess", "postgresql+psycopg://u@db/assess"),
        ("sqlite:////srv/a.db", "sqlite:////srv/a.db"),
    ],
)
def test_database_url_is_normalised(raw, expected):
    assert database_url(raw, "/tmp") == expected


def test_database_url_defaults_to_sqlite_under_instance():
    assert database_url(None, "/srv/instance") == "sqlite:////srv/instance/assess.db"


@pytest.mark.parametrize(
    "raw, hint",
    [
        ("not a url", "not a database URL"),
        ("mysql://u@db/assess", "does not support"),
        ("postgresql://u@db", "names no database"),
    ],
)
def test_malformed_database_url_names_the_variable(raw, hint):
    with pytest.raises(ConfigError) as err:
        database_url(raw, "/tmp")
    assert "DATABASE_URL" in str(err.value) and hint in str(err.value)


def test_testing_config_never_falls_back_to_the_developer_database(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://prod@db/assess")
    app = create_app(TestingConfig)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"


def test_the_trusted_proxy_count_is_a_whole_number():
    # issue 15, item 6: how many X-Forwarded-For entries are our own proxies'.
    assert proxy_count(None) == 0 and proxy_count("") == 0
    assert proxy_count("1") == 1 and proxy_count(" 2 ") == 2
    with pytest.raises(ConfigError, match="TRUSTED_PROXY_COUNT is 'yes'"):
        proxy_count("yes")
    with pytest.raises(ConfigError, match="TRUSTED_PROXY_COUNT is '-1'"):
        proxy_count("-1")
