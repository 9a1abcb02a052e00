"""The password gate: nothing renders until the password is given; repeated failures lock out."""
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.components import lockout_seconds
from tests.ui.conftest import APP, TIMEOUT, no_exceptions


def gated_app(settings) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.secrets["dashboard_password"] = "s3cret"
    at.session_state["settings"] = settings
    return at.run()


def attempt(at: AppTest, password: str) -> AppTest:
    at.text_input[0].input(password)
    return next(b for b in at.button if b.label == "Unlock").click().run()


@pytest.mark.timeout(60)
def test_nothing_renders_until_password_given(settings, seeded_store):
    at = gated_app(settings)
    no_exceptions(at)
    assert not at.metric and at.text_input[0].label == "Dashboard password"
    attempt(at, "wrong")
    assert any("Wrong password" in e.value for e in at.error) and not at.metric
    attempt(at, "s3cret")
    no_exceptions(at)
    assert [m.label for m in at.metric][0] == "News today"


@pytest.mark.timeout(60)
def test_repeated_failures_refuse_even_the_right_password_for_a_while(settings, store):
    at = gated_app(settings)
    for _ in range(3):
        attempt(at, "nope'; --")
    assert any("refused for 5 s" in e.value for e in at.error)
    attempt(at, "s3cret")
    assert any("Too many wrong passwords" in e.value for e in at.error)
    assert not at.metric


def test_lockout_grows_after_the_free_tries():
    assert [lockout_seconds(n) for n in range(6)] == [0, 0, 0, 5, 10, 20]
