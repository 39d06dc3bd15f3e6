"""`spacewatch sources ...` edits the config file in place, keeping its comments, refuses what
would break it, and carries feeds in and out as OPML."""
from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout

from scheduler.cli import main
from scheduler.config import read_config

START = """# the desk's config: keep this comment
[database]
url = "sqlite:///sw.db"   # beside the file

[[sources]]
name = "orbit-daily"   # the first outlet
type = "feed"
url = "http://127.0.0.1:9/orbit.xml"
every = "30m"
"""


def run(path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(["--config", str(path), "sources", *args])
    return status, out.getvalue(), err.getvalue()


def test_add_pause_resume_remove_keep_the_comments(tmp_path):
    path = tmp_path / "spacewatch.toml"
    path.write_text(START)
    assert run(path, "add", "cinema-wire", "http://127.0.0.1:9/cinema/", "--type", "site",
               "--follow", r"^/cinema/\d{4}/", "--every", "2h")[0] == 0
    assert run(path, "pause", "orbit-daily")[0] == 0
    config = read_config(path)[0]
    assert [(s.name, s.type, s.every, s.enabled) for s in config.sources] == [
        ("orbit-daily", "feed", "30m", False), ("cinema-wire", "site", "2h", True)]
    assert config.sources[1].follow == (r"^/cinema/\d{4}/",)
    text = path.read_text()
    assert "# the desk's config: keep this comment" in text and "# the first outlet" in text and "# beside the file" in text
    assert run(path, "resume", "orbit-daily")[0] == 0
    assert read_config(path)[0].sources[0].enabled is True
    assert run(path, "remove", "cinema-wire")[0] == 0
    assert [s.name for s in read_config(path)[0].sources] == ["orbit-daily"]
    status, out, _ = run(path, "list", "--json")
    assert status == 0 and [row["name"] for row in json.loads(out)] == ["orbit-daily"]


def test_what_would_break_the_config_is_refused_and_the_file_left_alone(tmp_path):
    path = tmp_path / "spacewatch.toml"
    path.write_text(START)
    for args in (("add", "bad", "ftp://example.org/feed"), ("add", "orbit-daily", "http://127.0.0.1:9/x.xml"),
                 ("add", "slow", "http://127.0.0.1:9/x.xml", "--every", "soon"), ("remove", "nowhere"),
                 ("pause", "nowhere")):
        status, out, err = run(path, *args)
        assert status != 0, args
        assert len(err.strip().splitlines()) == 1, err
    assert path.read_text() == START


def test_opml_export_then_import_into_another_file(tmp_path):
    path = tmp_path / "spacewatch.toml"
    path.write_text(START)
    run(path, "add", "kosmos-herald", "http://127.0.0.1:9/kosmos.xml")
    opml = tmp_path / "feeds.opml"
    assert run(path, "export", str(opml))[0] == 0
    other = tmp_path / "other.toml"
    other.write_text('[database]\nurl = "sqlite:///other.db"\n')
    status, out, _ = run(other, "import", str(opml))
    assert status == 0 and "imported 2 feed(s)" in out
    assert [(s.name, s.url) for s in read_config(other)[0].sources] == [
        ("orbit-daily", "http://127.0.0.1:9/orbit.xml"), ("kosmos-herald", "http://127.0.0.1:9/kosmos.xml")]
    status, out, _ = run(other, "import", str(opml))
    assert "imported 0 feed(s)" in out and "2 already configured" in out


def test_import_reads_nested_outlines_and_refuses_what_is_not_opml(tmp_path):
    path = tmp_path / "spacewatch.toml"
    path.write_text(START)
    opml = tmp_path / "reader.opml"
    opml.write_text('<?xml version="1.0"?><opml version="1.0"><body><outline text="Space">'
                    '<outline text="Star &amp; Reel" xmlUrl="http://127.0.0.1:9/star.xml"/></outline></body></opml>')
    assert run(path, "import", str(opml))[0] == 0
    assert read_config(path)[0].sources[-1].name == "star-reel"
    junk = tmp_path / "junk.opml"
    junk.write_text("<html>not opml</html>")
    status, _, err = run(path, "import", str(junk))
    assert status != 0 and "not OPML" in err
