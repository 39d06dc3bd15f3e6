"""`spacewatch analyse`: verdicts without a database, as the labelled checks and users run it."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.loopback import LoopbackSite

CONFIG = """
[database]
url = "sqlite:///{db}"

[topic]
include = ["film", "movie", "actor", "actress", "director"]
require = ["space", "orbit", "station"]

[[watch]]
name = "heron"
label = "Heron (orbital drama, Tallow Hill Productions)"
aliases = ["Heron", "Tallow Hill Productions", "Ravi Kessel"]
"""
NEWS = ("Tallow Hill Productions said the Heron crew will launch on 14 May 2031 from Baikonur aboard Soyuz MS-31. "
        "Actress Mila Sorensen will shoot her scenes on the space station, directed by Ravi Kessel.")


def analyse(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    config = tmp_path / "spacewatch.toml"
    config.write_text(CONFIG.format(db=tmp_path / "never-created.db"), encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "scheduler.cli", "--config", str(config), "analyse", *args],
                          input=stdin, capture_output=True, text=True, timeout=180, cwd=tmp_path)


def test_jsonl_answers_every_line_in_order_and_a_bad_line_gets_an_error(tmp_path):
    lines = "\n".join([json.dumps({"text": NEWS, "published": "2031-01-10"}), "{not json",
                       json.dumps({"title": "x"}), json.dumps({"text": "Bread prices rose again.", "published": "2031-01-10"})])
    done = analyse(tmp_path, "--jsonl", stdin=lines + "\n")
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == 4
    first = out[0]
    assert first["relevant"] is True and isinstance(first["score"], (int, float)) and first["reasons"]
    facts = {(d["subject"], d["attribute"], d["value"]) for d in first["details"]}
    assert {("heron", "launch_date", "2031-05-14"), ("heron", "launch_site", "Baikonur Cosmodrome"),
            ("heron", "spacecraft", "Soyuz MS-31"), ("heron", "cast", "Mila Sorensen"),
            ("heron", "director", "Ravi Kessel")} <= facts
    assert all(set(d) == {"subject", "attribute", "value", "past", "removed", "snippet"} for d in first["details"])
    assert "line 2" in out[1]["error"] and "line 3" in out[2]["error"]
    assert out[3]["relevant"] is False and out[3]["details"] == []
    assert not (tmp_path / "never-created.db").exists()  # analyse stores nothing


def test_a_file_stdin_and_a_url_give_the_same_verdict(tmp_path):
    (tmp_path / "news.txt").write_text(NEWS, encoding="utf-8")
    from_file = analyse(tmp_path, "news.txt", "--published", "2031-01-10", "--json")
    from_stdin = analyse(tmp_path, "-", "--published", "2031-01-10", "--json", stdin=NEWS)
    assert from_file.returncode == 0 and from_stdin.returncode == 0, from_file.stderr + from_stdin.stderr
    assert json.loads(from_file.stdout) == json.loads(from_stdin.stdout)
    site = LoopbackSite().start()
    try:
        site.add("/news.html", f"<html><head><title>Heron sets a date</title></head><body><article>"
                               f"<h1>Heron sets a date</h1><p>{NEWS}</p></article></body></html>".encode(),
                 content_type="text/html; charset=utf-8")
        from_url = analyse(tmp_path, site.url("/news.html"), "--published", "2031-01-10", "--json")
    finally:
        site.stop()
    assert from_url.returncode == 0, from_url.stderr
    facts = {(d["attribute"], d["value"]) for d in json.loads(from_url.stdout)["details"]}
    assert ("launch_date", "2031-05-14") in facts


def test_the_readable_verdict_names_each_detail_with_its_sentence(tmp_path):
    done = analyse(tmp_path, "-", "--published", "2031-01-10", stdin=NEWS)
    assert done.returncode == 0
    assert done.stdout.startswith("relevant")
    assert "heron launch_date: 2031-05-14" in done.stdout and "Baikonur" in done.stdout


@pytest.mark.parametrize("args, stdin, message", [
    (("missing.txt",), "", "missing.txt: cannot read"),
    (("-", "--published", "soon"), "text", "--published"),
    ((), "", "analyse needs a FILE"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, stdin, message):
    done = analyse(tmp_path, *args, stdin=stdin)
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_binary_input_is_refused(tmp_path):
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02binary")
    done = analyse(tmp_path, "blob.bin")
    assert done.returncode == 2 and "binary" in done.stderr


def test_a_text_that_breaks_the_analysis_costs_only_its_own_line(monkeypatch, capsys):
    import io

    from analysis.rules import Rules, TopicRules
    from scheduler import analyse as analyse_module

    real = analyse_module.analyse_article

    def fragile(title, text, published, rules):
        if "crash" in text:
            raise KeyError("no such cue")
        return real(title, text, published, rules)

    monkeypatch.setattr(analyse_module, "analyse_article", fragile)
    lines = io.StringIO("\n".join(json.dumps({"text": t}) for t in ("Bread prices rose.", "crash here", "Rain fell.")))
    out = io.StringIO()
    analyse_module.analyse_jsonl(Rules(TopicRules()), lines, out)
    got = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(got) == 3 and "relevant" in got[0] and "relevant" in got[2]
    assert got[1]["error"].startswith("line 2: could not be analysed: KeyError")
    assert "line 2" in capsys.readouterr().err
