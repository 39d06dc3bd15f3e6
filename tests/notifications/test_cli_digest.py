"""`spacewatch digest send|preview` as a user runs them: a line, an exit status, no traceback."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scheduler.cli import main
from storage.db import open_database, transaction
from tests.loopback import free_port
from tests.notifications import rows


def config(tmp_path: Path, port: int, name: str = "spacewatch.toml") -> str:
    path = tmp_path / name
    path.write_text(f"""
[database]
url = "sqlite:///{tmp_path / 'spacewatch.db'}"

[email]
to = ["desk@example.org"]
from = "spacewatch@example.org"
smtp_host = "127.0.0.1"
smtp_port = {port}
timeout = 5

[[watch]]
name = "challenge"
label = "The Challenge (film)"
""", encoding="utf-8")
    return str(path)


def seed(tmp_path: Path, url: str | None = None) -> None:
    engine, factory = open_database(url or f"sqlite:///{tmp_path / 'spacewatch.db'}")
    with transaction(factory) as session:
        story = rows.story(session, "Challenge heads into the edit")
        first = rows.article(session, "2022/02/edit.html", story=story)
        rows.change(session, first, "challenge", "release_date", "2022-10", "2023-04-12")
    engine.dispose()


def test_digest_send_reports_a_down_server_in_one_line_and_the_next_run_sends(tmp_path, smtp, capsys):
    sink, port = smtp
    seed(tmp_path)
    down = config(tmp_path, free_port(), "down.toml")
    assert main(["--config", down, "digest", "send"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("spacewatch: digest kept pending: 127.0.0.1:") and err.count("\n") == 1
    path = config(tmp_path, port)  # the same database, the server up again
    assert main(["--config", path, "digest", "send"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("sent digest <spacewatch.digest.1.") and err == ""
    assert sink.parsed()[0]["Subject"].strip() == ("[spacewatch] The Challenge (film): release date now "
                                                   "12 April 2023 (1 story)")
    assert main(["--config", path, "digest", "send"]) == 0
    assert capsys.readouterr().out == "nothing new: no digest sent\n" and len(sink.messages) == 1


def test_digest_preview_prints_the_text_and_writes_the_html(tmp_path, smtp, capsys):
    sink, port = smtp
    seed(tmp_path)
    path = config(tmp_path, port)
    html = tmp_path / "digest.html"
    assert main(["--config", path, "digest", "preview", "--html", str(html)]) == 0
    out = capsys.readouterr().out
    assert "Release date: October 2022 → 12 April 2023" in out and "The Challenge (film)" in out
    assert 'href="http://news.test/orbit-daily/2022/02/edit.html"' in html.read_text(encoding="utf-8")
    assert sink.messages == []


@pytest.mark.slow
def test_two_digest_send_processes_at_once_send_one_mail(tmp_path, smtp, db_url):
    sink, port = smtp
    path = config(tmp_path, port)
    text = Path(path).read_text(encoding="utf-8")
    Path(path).write_text(text.replace(f'url = "sqlite:///{tmp_path / "spacewatch.db"}"', f'url = "{db_url}"'),
                          encoding="utf-8")
    seed(tmp_path, db_url)
    command = [sys.executable, "-m", "scheduler.cli", "--config", path, "digest", "send"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [(run.wait(timeout=120), run.stdout.read(), run.stderr.read()) for run in runs]
    for run in runs:
        run.stdout.close()
        run.stderr.close()
    assert [rc for rc, _, _ in results] == [0, 0, 0], results
    assert sum(out.startswith("sent digest") for _, out, _ in results) == 1
    assert len(sink.messages) == 1
