"""Mail settings that cannot work are refused with the key that is wrong."""
from __future__ import annotations

import pytest

from scheduler.config import ConfigError, parse_config


@pytest.mark.parametrize("email, message", [
    ({"to": ["desk"]}, "email.to: 'desk' is not an e-mail address"),
    ({"from": "bot@example.org\r\nBcc: x@y"}, "email.from: "),
    ({"list_unsubscribe": "javascript:alert(1)"}, "email.list_unsubscribe: 'javascript:alert(1)' is not a mailto: or http(s) URI"),
    ({"timeout": 0}, "email.timeout: 0"),
])
def test_bad_mail_settings_name_their_key(email, message):
    with pytest.raises(ConfigError) as error:
        parse_config({"email": email}, "spacewatch.toml")
    assert str(error.value).startswith(f"spacewatch.toml: {message}")


def test_good_mail_settings_load():
    config = parse_config({"email": {"to": ["Desk <desk@example.org>"], "from": "spacewatch@example.org",
                                     "list_unsubscribe": "<https://example.org/leave?u=1>"},
                           "digest": {"max_attempts": 3}})
    assert config.email.list_unsubscribe == "<https://example.org/leave?u=1>" and config.digest.max_attempts == 3
    with pytest.raises(ConfigError, match="digest.max_attempts: 0 must be at least 1"):
        parse_config({"digest": {"max_attempts": 0}})
