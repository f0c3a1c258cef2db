from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeighbourhoodsConfig(AppConfig):
    name = "solidale.neighbourhoods"
    label = "neighbourhoods"
    verbose_name = _("Quartieri e partecipazione")

    def ready(self) -> None:
        from solidale.accounts.models import Role
        from solidale.core import alerts, attention, duty, exports, indicators
        from solidale.core.navigation import CITIZEN, register

        from . import providers
        from .permissions import EVENT_ACTIVITY, HANDLER_ROLES, PRESIDIO_ACTIVITY

        group = _("Quartieri")
        everyone = frozenset(Role.values) | {CITIZEN}
        staff = frozenset(Role.values)
        register(
            _("Quartieri"), "neighbourhoods:neighbourhood_list", everyone, order=70, group=group
        )
        register(
            _("Segnala un problema"),
            "neighbourhoods:report_create",
            everyone,
            order=71,
            group=group,
        )
        register(
            _("Mappa delle segnalazioni"),
            "neighbourhoods:report_public_list",
            everyone,
            order=72,
            group=group,
        )
        register(
            _("Le mie segnalazioni"), "neighbourhoods:my_reports", {CITIZEN}, order=73, group=group
        )
        register(
            _("Segnalazioni da gestire"),
            "neighbourhoods:report_queue",
            HANDLER_ROLES,
            order=74,
            group=group,
        )
        register(_("Presidi"), "neighbourhoods:presidio_list", staff, order=75, group=group)
        register(_("Partecipazione"), "neighbourhoods:event_list", everyone, order=76, group=group)
        register(
            _("Categorie e Open311"),
            "neighbourhoods:category_list",
            {Role.COORDINATOR},
            order=77,
            group=group,
        )

        section = _("Quartieri e partecipazione")
        indicators.register(
            indicators.Indicator(
                "neighbourhoods.reports",
                _("Segnalazioni dei cittadini"),
                _("segnalazioni"),
                section,
                providers.report_facts,
                order=70,
            )
        )
        indicators.register(
            indicators.Indicator(
                "neighbourhoods.presidio_attendance",
                _("Presenze ai presidi"),
                _("presenze"),
                section,
                providers.presidio_attendance_facts,
                counts_people=True,
                order=71,
            )
        )
        indicators.register(
            indicators.Indicator(
                "neighbourhoods.event_attendance",
                _("Presenze agli eventi di partecipazione"),
                _("presenze"),
                section,
                providers.event_attendance_facts,
                counts_people=True,
                order=72,
            )
        )
        indicators.register(
            indicators.Indicator(
                "neighbourhoods.proposals",
                _("Proposte dei cittadini"),
                _("proposte"),
                section,
                providers.proposal_facts,
                order=73,
            )
        )
        indicators.register_contacts("neighbourhoods.reports", providers.contacts)
        alerts.register(
            alerts.AlertRule(
                key="neighbourhoods.sensitive_untaken",
                title=_("Segnalazione sociale non presa in carico"),
                description=_(
                    "Un cittadino ha segnalato una persona in difficoltà (anziano solo, persona "
                    "in strada…) e nessuno l'ha ancora presa in carico dopo il numero di ore indicato."
                ),
                evaluate=providers.evaluate_sensitive_untaken,
                defaults={"hours": 24},
                parameters={"hours": _("ore di attesa")},
            )
        )
        duty.register_activity(
            duty.Activity(
                PRESIDIO_ACTIVITY,
                _("Presidio di quartiere"),
                providers.presidio_targets,
                providers.presidio_url,
            )
        )
        duty.register_activity(
            duty.Activity(
                EVENT_ACTIVITY,
                _("Evento di partecipazione"),
                providers.event_targets,
                providers.event_url,
            )
        )
        exports.register(
            exports.ExportSource(
                key="neighbourhoods.reports",
                label=_("Segnalazioni dei cittadini"),
                columns=(
                    _("codice"),
                    _("categoria"),
                    _("stato"),
                    _("quartiere"),
                    _("indirizzo"),
                    _("ricevuta il"),
                    _("aggiornata il"),
                ),
                rows=providers.export_rows,
                count=providers.export_count,
                allowed=lambda user: (
                    user.is_authenticated and getattr(user, "role", None) in HANDLER_ROLES
                ),
                personal_data=False,
            )
        )
        heading = cast(str, _("Segnalazioni sociali da prendere in carico"))
        attention.register("neighbourhoods.sensitive", heading, providers.attention_items)
