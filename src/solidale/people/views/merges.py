"""Merging duplicate person records (coordinators): compare, merge, list, undo."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from solidale.core.errors import DomainError

from ..forms import PERSON_FORM_FIELDS, MergeForm
from ..models import Person, PersonMerge
from ..permissions import (
    can_merge,
    get_merge_for_user,
    get_person_for_user,
    person_visible_fields,
    persons_visible_to,
)
from ..selectors import person_duplicate_candidates
from ..services import person_merge, person_merge_undo
from .persons import PAGE_SIZE, display_value, field_label, page_number


def _require_coordinator(request: HttpRequest) -> None:
    if not can_merge(request.user):
        raise PermissionDenied


def _comparison(user: Any, kept: Person, merged: Person) -> list[tuple[str, Any, Any, bool]]:
    """Rows ``(label, kept value, merged value, different)`` over the fields the user may see."""
    kept_fields, merged_fields = (
        person_visible_fields(user, kept),
        person_visible_fields(user, merged),
    )
    hidden = _("riservato")
    rows = []
    for name in PERSON_FORM_FIELDS:
        left = display_value(kept, name) if name in kept_fields else hidden
        right = display_value(merged, name) if name in merged_fields else hidden
        rows.append((field_label(name), left, right, str(left) != str(right)))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def person_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    kept = get_person_for_user(request.user, pk)
    _require_coordinator(request)
    form = MergeForm(request.POST or request.GET or None)
    merged = None
    if form.is_bound and form.is_valid():
        merged = get_person_for_user(request.user, form.cleaned_data["merged"])
        if merged.pk == kept.pk:
            form.add_error("merged", _("Scegli una scheda diversa da questa."))
            merged = None
        elif request.method == "POST":
            try:
                person_merge(
                    actor=request.user, kept=kept, merged=merged, reason=form.cleaned_data["reason"]
                )
            except DomainError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request, _("Schede unite. Puoi annullare l'unione dall'elenco delle unioni.")
                )
                return redirect("people:detail", pk=kept.pk)
    candidates = person_duplicate_candidates(
        given_name=kept.given_name,
        family_name=kept.family_name,
        birth_date=kept.birth_date,
        limit=10,
        exclude_pk=kept.pk,
    )
    visible = set(
        persons_visible_to(request.user)
        .filter(pk__in=[candidate.person.pk for candidate in candidates])
        .values_list("pk", flat=True)
    )
    context = {
        "kept": kept,
        "merged": merged,
        "form": form,
        "candidates": [candidate for candidate in candidates if candidate.person.pk in visible],
        "comparison": _comparison(request.user, kept, merged) if merged else [],
    }
    return render(request, "people/merge_form.html", context)


@login_required
@require_GET
def merge_list(request: HttpRequest) -> HttpResponse:
    if not can_merge(request.user):
        raise Http404
    page = page_number(request)
    merges = list(
        PersonMerge.objects.select_related("kept", "merged", "merged_by", "undone_by")[
            (page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1
        ]
    )
    ids = {merge.kept_id for merge in merges} | {merge.merged_id for merge in merges}
    visible = set(
        Person.objects.filter(pk__in=ids)
        .filter(pk__in=persons_visible_to(request.user).values("pk"))
        .values_list("pk", flat=True)
    )
    context = {
        "merges": merges[:PAGE_SIZE],
        "visible": visible,
        "page": page,
        "has_next": len(merges) > PAGE_SIZE,
    }
    return render(request, "people/merge_list.html", context)


@login_required
@require_POST
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    merge = get_merge_for_user(request.user, pk)
    try:
        person_merge_undo(actor=request.user, merge=merge)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Unione annullata: le due schede sono di nuovo separate."))
    return redirect("people:merge_list")
