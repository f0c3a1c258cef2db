"""What the coordination table adds to the landing page: overdue actions."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from solidale.core.attention import AttentionItem

from .permissions import is_network_member
from .selectors import overdue_actions_for


def attention_items(user: Any) -> list[AttentionItem]:
    """Overdue actions of the user's organization and of the meetings it takes part in."""
    if not is_network_member(user):
        return []
    return [
        AttentionItem(
            title=_("Azione in ritardo: «%(title)s» (%(org)s)")
            % {"title": action.title, "org": action.owner_organization},
            detail=_("Scadeva il %(deadline)s; decisa al tavolo «%(meeting)s».")
            % {
                "deadline": formats.date_format(action.deadline, "SHORT_DATE_FORMAT"),
                "meeting": action.meeting.title,
            },
            url=reverse("tavolo:action_detail", kwargs={"pk": action.pk}),
            severity="danger",
        )
        for action in overdue_actions_for(user)
    ]
