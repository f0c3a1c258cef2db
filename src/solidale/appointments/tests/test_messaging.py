"""The SMS gateway client against a local server replaying recorded gateway answers."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings

from ..messaging import (
    EmailMessenger,
    MessageNotSent,
    SmsGatewayClient,
    SmsMessenger,
    messenger_for,
    normalize_phone,
)
from .gateway import recorded_gateway


def test_the_client_posts_json_with_the_bearer_key_and_returns_the_gateway_id() -> None:
    with recorded_gateway("sms_gateway_ok.json") as gateway:
        client = SmsGatewayClient(url=gateway.url, key="chiave-segreta", sender="Comune")
        reference = client.send(to="+393334182907", text="Promemoria: domani alle 10:00")
    assert reference == "msg_01HZX8Q4T7G2K9M3R5V6W8Y0AB"
    [request] = gateway.requests
    assert request["path"] == "/v1/messages"
    assert request["headers"]["Authorization"] == "Bearer chiave-segreta"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["json"] == {
        "to": "+393334182907",
        "text": "Promemoria: domani alle 10:00",
        "sender": "Comune",
    }


def test_a_refusal_of_the_gateway_is_an_error_to_retry() -> None:
    with recorded_gateway("sms_gateway_refused.json") as gateway:
        client = SmsGatewayClient(url=gateway.url, key="k")
        with pytest.raises(MessageNotSent):
            client.send(to="+390585000000", text="x")
    assert len(gateway.requests) == 1


def test_an_unreachable_gateway_is_an_error_to_retry() -> None:
    with recorded_gateway("sms_gateway_ok.json") as gateway:
        url = gateway.url
    with pytest.raises(MessageNotSent):
        SmsGatewayClient(url=url, key="k", timeout=2).send(to="+39333", text="x")


def test_the_sms_messenger_sends_italian_numbers_in_international_form() -> None:
    with recorded_gateway("sms_gateway_ok.json") as gateway:
        SmsMessenger(SmsGatewayClient(url=gateway.url, key="k")).send(
            to="333 418 2907", subject="ignorato", text="Ciao"
        )
    assert gateway.requests[0]["json"]["to"] == "+393334182907"
    assert normalize_phone("0039 0585 123456") == "+390585123456"


def test_sms_are_off_unless_the_gateway_backend_is_chosen() -> None:
    assert messenger_for("sms") is None
    with override_settings(
        SOLIDALE_SMS_BACKEND="gateway", SOLIDALE_SMS_GATEWAY_URL="http://127.0.0.1:9/"
    ):
        assert isinstance(messenger_for("sms"), SmsMessenger)
    assert messenger_for("none") is None


def test_the_email_messenger_uses_django_mail() -> None:
    EmailMessenger().send(to="giuseppina@example.invalid", subject="Promemoria", text="Domani")
    assert [message.to for message in mail.outbox] == [["giuseppina@example.invalid"]]
