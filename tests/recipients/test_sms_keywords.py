"""SMS keywords from Twilio's signed inbound webhook: the stop words suppress the number,
the start words lift that, HELP is answered in TwiML with the configured text."""
import pytest
from sqlalchemy import select

from app.models import Suppression
from tests.tracking.signing import inbound, twilio_post

STOP = ["STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "CANCEL", "OPTOUT"]
NUMBER = "+14155550100"


def say(client, config, body: str):
    return twilio_post(client, config, "/hooks/twilio/inbound", inbound(body, number=NUMBER))


def suppressed(db) -> list[tuple[str, str, str]]:
    return db.session.execute(select(Suppression.channel, Suppression.address,
                                     Suppression.reason)).all()


@pytest.mark.parametrize("body", [*STOP, "optout", " Stop ", "\tquit\n", "OptOut  "])
def test_stop_words_suppress_the_number(client, config, db, body):
    response = say(client, config, body)
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "<Response/>"
    assert suppressed(db) == [("sms", NUMBER, "stop")]


@pytest.mark.parametrize("body", ["START", "unstop", " Start\n"])
def test_start_words_lift_the_stop(client, config, db, body):
    say(client, config, "OPTOUT")
    assert say(client, config, body).status_code == 200
    assert suppressed(db) == []


@pytest.mark.parametrize("body", ["stop please", "STOP!", "S T O P", "hello", ""])
def test_other_text_changes_nothing(client, config, db, body):
    response = say(client, config, body)
    assert response.status_code == 200 and response.get_data(as_text=True) == "<Response/>"
    assert suppressed(db) == []


@pytest.mark.parametrize("body", ["HELP", " help ", "Info"])
def test_help_is_answered_with_the_configured_text(client, config, db, monkeypatch, body):
    monkeypatch.setattr(config, "SMS_HELP_TEXT", "Shop & Co: reply STOP to opt out <3")
    response = say(client, config, body)
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert response.get_data(as_text=True) == (
        "<Response><Message>Shop &amp; Co: reply STOP to opt out &lt;3</Message></Response>")
    assert suppressed(db) == []


def test_help_with_a_forged_signature_is_refused(client, config, db):
    response = twilio_post(client, config, "/hooks/twilio/inbound", inbound("HELP"),
                           signature="forged")
    assert response.status_code == 403
    assert "Message" not in response.get_data(as_text=True)
