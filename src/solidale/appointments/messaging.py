"""How reminders reach people: e-mail through Django's mail, SMS through an HTTP gateway.

``messenger_for(channel)`` returns the ``Messenger`` of a channel. SMS go out only when
``SOLIDALE_SMS_BACKEND`` is ``gateway``: the ``SmsGatewayClient`` posts JSON to
``SOLIDALE_SMS_GATEWAY_URL`` with the bearer key ``SOLIDALE_SMS_GATEWAY_KEY``::

    POST {"to": "+393331234567", "text": "…", "sender": "Solidale"}
    200  {"id": "…", "status": "queued"}

Any other answer, or no answer within the timeout, raises ``MessageNotSent``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail


class MessageNotSent(Exception):
    """The message could not be handed over; it may be tried again later."""


class Messenger(Protocol):
    def send(self, *, to: str, subject: str, text: str) -> str:
        """Hand the message over; return the provider's reference (may be empty)."""
        ...


class EmailMessenger:
    def send(self, *, to: str, subject: str, text: str) -> str:
        if not to:
            raise MessageNotSent("no e-mail address")
        send_mail(subject, text, None, [to])
        return ""


@dataclass(frozen=True)
class SmsGatewayClient:
    url: str
    key: str
    sender: str = "Solidale"
    timeout: float = 10.0

    def send(self, *, to: str, text: str) -> str:
        if not self.url.startswith(("https://", "http://")):
            raise MessageNotSent("the SMS gateway URL must be http(s)")
        body = json.dumps({"to": to, "text": text, "sender": self.sender}).encode()
        request = urllib.request.Request(  # noqa: S310  (scheme checked above)
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": f"Bearer {self.key}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except (urllib.error.URLError, TimeoutError, ValueError) as error:
            raise MessageNotSent(f"SMS gateway: {error}") from error
        if answer.get("status") not in ("queued", "sent", "delivered"):
            raise MessageNotSent(f"SMS gateway refused the message: {answer}")
        return str(answer.get("id", ""))


def normalize_phone(phone: str) -> str:
    """An Italian number in international form: ``333 418 2907`` → ``+393334182907``."""
    digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not digits.startswith("+"):
        digits = "+39" + digits
    return digits


class SmsMessenger:
    def __init__(self, client: SmsGatewayClient) -> None:
        self.client = client

    def send(self, *, to: str, subject: str, text: str) -> str:
        if not to:
            raise MessageNotSent("no phone number")
        return self.client.send(to=normalize_phone(to), text=text[:459])


def sms_enabled() -> bool:
    return str(settings.SOLIDALE_SMS_BACKEND) == "gateway"


def messenger_for(channel: str) -> Messenger | None:
    """The messenger of a reminder channel, or None when that channel is switched off."""
    if channel == "email":
        return EmailMessenger()
    if channel == "sms" and sms_enabled():
        return SmsMessenger(
            SmsGatewayClient(
                url=settings.SOLIDALE_SMS_GATEWAY_URL,
                key=settings.SOLIDALE_SMS_GATEWAY_KEY,
                sender=settings.SOLIDALE_SMS_SENDER,
            )
        )
    return None
