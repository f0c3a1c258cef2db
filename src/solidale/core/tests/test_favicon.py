"""Every page names the site icon, so browsers do not ask for a missing /favicon.ico."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_pages_name_an_icon_that_exists(client) -> None:
    page = client.get("/account/login/")
    assert b'rel="icon"' in page.content
    assert finders.find("solidale/favicon.svg")
