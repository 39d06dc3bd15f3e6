from __future__ import annotations

import pytest

from scheduler.config import ConfigError, load_config

GOOD = """
[database]
url = "sqlite:///x.db"

[crawl]
user_agent = "spacewatch-test/1.0"

[[sources]]
name = "orbit-daily"
type = "feed"
url = "http://127.0.0.1:8765/feeds/orbit-daily.xml"
every = "30m"

[[sources]]
name = "cinema-wire"
type = "site"
url = "http://127.0.0.1:8765/cinema-wire/"
follow = ['^/cinema-wire/\\d{4}/']
every = "2h"

[[watch]]
name = "challenge"
label = "The Challenge"
aliases = ["Challenge", "Vyzov"]

[topic]
include = ["film"]
require = ["space"]

[email]
to = ["desk@example.org"]
from = "spacewatch@example.org"
smtp_host = "127.0.0.1"
smtp_port = 2525

[digest]
schedule = "0 8 * * *"
timezone = "Europe/Berlin"
on_change = "immediate"
"""


def write(tmp_path, text: str):
    path = tmp_path / "spacewatch.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_full_config_loads_frozen_with_every_value(tmp_path):
    config = load_config(write(tmp_path, GOOD))
    assert [s.name for s in config.sources] == ["orbit-daily", "cinema-wire"]
    assert config.sources[0].every_seconds == 1800
    assert config.sources[1].follow == ("^/cinema-wire/\\d{4}/",)
    assert config.watch[0].aliases == ("Challenge", "Vyzov")
    assert config.email.sender == "spacewatch@example.org"
    assert config.digest.timezone == "Europe/Berlin"
    with pytest.raises(Exception):
        config.sources[0].name = "other"  # frozen


def test_defaults_without_any_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SPACEWATCH_CONFIG", raising=False)
    config = load_config(None)
    assert config.path is None
    assert config.database.url == "sqlite:///spacewatch.db"
    assert config.email.smtp_host is None and config.email.outbox == "outbox"


def test_environment_variable_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("SPACEWATCH_CONFIG", write(tmp_path, GOOD))
    assert load_config(None).sources[0].name == "orbit-daily"


@pytest.mark.parametrize("broken, message", [
    (GOOD.replace('url = "http://127.0.0.1:8765/feeds/orbit-daily.xml"', 'url = "file:///etc/passwd"'),
     'sources[0] "orbit-daily".url: \'file:///etc/passwd\' is not an http(s) URL'),
    (GOOD.replace('every = "30m"', 'every = "30 minutes"'), 'sources[0] "orbit-daily".every:'),
    (GOOD.replace('type = "site"', 'type = "blog"'), 'sources[1] "cinema-wire".type:'),
    (GOOD.replace("[topic]", "[topic]\ninclude_more = 1"), "topic.include_more: unknown key"),
    (GOOD.replace('timezone = "Europe/Berlin"', 'timezone = "Mars/Olympus"'), "digest.timezone:"),
    (GOOD.replace('schedule = "0 8 * * *"', 'schedule = "0 25 * * *"'), "digest.schedule:"),
    (GOOD.replace('on_change = "immediate"', 'on_change = "sometimes"'), "digest.on_change:"),
    (GOOD.replace('name = "cinema-wire"', 'name = "orbit-daily"'), "sources: name 'orbit-daily' is used twice"),
    (GOOD.replace("follow = ['^/cinema-wire/\\d{4}/']", "follow = ['(unclosed']"), 'sources[1] "cinema-wire".follow:'),
    (GOOD + "\n[extra]\nx = 1\n", "extra: unknown key"),
    (GOOD.replace('url = "sqlite:///x.db"', 'url = "not a url"'), "database.url:"),
    ("[crawl\n", "not valid TOML"),
])
def test_each_error_names_the_file_and_the_key(tmp_path, broken, message):
    path = write(tmp_path, broken)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    text = str(error.value)
    assert text.startswith(path + ": ")
    assert message in text
    assert "\n" not in text


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read config"):
        load_config(str(tmp_path / "nope.toml"))


def test_shipped_default_config_is_valid():
    from importlib import resources

    path = resources.files("scheduler").joinpath("default.toml")
    config = load_config(str(path))
    assert {w.name for w in config.watch} == {"challenge", "cruise-film"}
    assert all(s.url.startswith("https://") for s in config.sources)


@pytest.mark.parametrize("body", ["deep = " + "[" * 1000 + "]" * 1000, "deep = " + "{a = " * 600 + "1" + "}" * 600])
def test_deeply_nested_values_are_a_config_error_of_one_line(tmp_path, body):
    path = tmp_path / "spacewatch.toml"
    path.write_text(body + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(str(path))
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_relative_database_and_outbox_paths_are_read_from_the_config_files_folder(tmp_path, monkeypatch):
    folder = tmp_path / "etc"
    folder.mkdir()
    (folder / "spacewatch.toml").write_text('[database]\nurl = "sqlite:///state/watch.db"\n'
                                           '[email]\noutbox = "mail"\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = load_config("../etc/spacewatch.toml")
    assert config.database.url == f"sqlite:///{folder / 'state' / 'watch.db'}"
    assert config.email.outbox == str(folder / "mail")


def test_absolute_paths_and_the_built_in_defaults_stay_as_they_are(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SPACEWATCH_CONFIG", raising=False)
    assert load_config(None).database.url == "sqlite:///spacewatch.db"
    path = write(tmp_path, f'[database]\nurl = "sqlite:///{tmp_path}/abs.db"\n[email]\noutbox = "/var/tmp/box"\n')
    config = load_config(path)
    assert config.database.url == f"sqlite:///{tmp_path}/abs.db" and config.email.outbox == "/var/tmp/box"


@pytest.mark.parametrize("written, used", [
    ("postgres://watcher@127.0.0.1:5432/news", "postgresql+psycopg://watcher@127.0.0.1:5432/news"),
    ("postgresql://watcher@127.0.0.1/news", "postgresql+psycopg://watcher@127.0.0.1/news"),
    ("postgresql+psycopg://watcher@127.0.0.1/news", "postgresql+psycopg://watcher@127.0.0.1/news")])
def test_postgres_urls_as_users_write_them_are_accepted(tmp_path, written, used):
    assert load_config(write(tmp_path, f'[database]\nurl = "{written}"\n')).database.url == used


@pytest.mark.parametrize("url", ["mysql://watcher@127.0.0.1/news", "oracle://x@y/z", "not a url"])
def test_unsupported_database_urls_name_the_supported_ones(tmp_path, url):
    path = write(tmp_path, f'[database]\nurl = "{url}"\n')
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert f"{path}: database.url:" in str(error.value)
    assert "sqlite:///PATH or postgresql+psycopg://" in str(error.value)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765/feeds/orbit daily.xml", "http://127.0.0.1:8765/a\tb",
                                 " http://127.0.0.1:8765/feed.xml", "http://127.0.0.1:port/feed.xml"])
def test_a_source_url_with_a_space_or_bad_port_is_refused(tmp_path, url):
    path = write(tmp_path, f'[[sources]]\nname = "spaced"\ntype = "feed"\nurl = "{url}"\n')
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert 'sources[0] "spaced".url:' in str(error.value)


@pytest.mark.parametrize("nickname", ["@daily", "@hourly", "@weekly", "@monthly", "@yearly"])
def test_cron_nicknames_are_accepted(tmp_path, nickname):
    assert load_config(write(tmp_path, f'[digest]\nschedule = "{nickname}"\n')).digest.schedule == nickname


@pytest.mark.parametrize("schedule, problem", [
    ("0 8 31 2 *", "never fires"), ("0 8 * *", "5 fields"), ("0 8 x * *", "\"x\"")])
def test_cron_errors_say_once_what_is_wrong(tmp_path, schedule, problem):
    path = write(tmp_path, f'[digest]\nschedule = "{schedule}"\n')
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert message.startswith(f"{path}: digest.schedule:") and problem in message
    assert message.count(schedule) == 1
