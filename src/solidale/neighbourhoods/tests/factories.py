"""Objects of the neighbourhoods app, built through the services with the personas."""

from __future__ import annotations

import io
from datetime import time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from conftest import Personas
from solidale.core.models import Neighbourhood

from ..models import ParticipationEvent, Presidio, Report, ReportCategory
from ..services import event_create, presidio_create, report_publish, report_submit

#: A point inside the test neighbourhood, and one far outside the town.
INSIDE = (44.0354, 10.1403)
OUTSIDE = (45.4642, 9.19)  # Milan
ELDERLY_TEXT = "La signora Ermenegilda Zanobetti del terzo piano vive sola e non esce da giorni"


def centro() -> Neighbourhood:
    lat, lon = INSIDE
    ring = [
        [lon - 0.006, lat - 0.0045],
        [lon + 0.006, lat - 0.0045],
        [lon + 0.006, lat + 0.0045],
        [lon - 0.006, lat + 0.0045],
    ]
    ring.append(ring[0])
    neighbourhood, _ = Neighbourhood.objects.get_or_create(
        slug="centro",
        defaults={
            "name": "Centro",
            "boundary": {"type": "Polygon", "coordinates": [ring]},
            "centroid_lat": lat,
            "centroid_lon": lon,
        },
    )
    return neighbourhood


def category(code: str) -> ReportCategory:
    return ReportCategory.objects.get(code=code)


def streetlight_report(reporter: Any = None, photo: bytes | None = None, **extra: Any) -> Report:
    centro()
    data = {
        "category": category("illuminazione"),
        "description": "Il lampione davanti al civico 12 è spento da una settimana",
        "latitude": INSIDE[0],
        "longitude": INSIDE[1],
        "address": "Via Cavour 12",
        "contact_preference": "email",
        "contact_email": "vicino@example.invalid",
        **extra,
    }
    return report_submit(data=data, reporter=reporter, photo=photo)


def published(report: Report, moderator: Any, *, show_photo: bool = True) -> Report:
    """The report as a moderator publishes it, description unchanged."""
    return report_publish(
        actor=moderator,
        report=report,
        public_description=report.description,
        show_photo=show_photo,
    )


def elderly_report(reporter: Any = None, **extra: Any) -> Report:
    centro()
    data = {
        "category": category("anziano-solo"),
        "description": ELDERLY_TEXT,
        "latitude": INSIDE[0] + 0.001,
        "longitude": INSIDE[1],
        "address": "Via Dante 3",
        "contact_preference": "phone",
        "contact_phone": "+39 333 1112223",
        **extra,
    }
    return report_submit(data=data, reporter=reporter)


def presidio(personas: Personas, actor: Any = None) -> Presidio:
    return presidio_create(
        actor=actor or personas.social_worker,
        data={
            "title": "Punto di ascolto in piazza",
            "kind": "presence_point",
            "neighbourhood": centro(),
            "place": "Piazza Aranci",
            "weekday": timezone.localdate().weekday(),
            "start_time": time(9, 0),
            "end_time": time(11, 0),
        },
    )


def event(personas: Personas, *, capacity: int | None = None) -> ParticipationEvent:
    return event_create(
        actor=personas.social_worker,
        data={
            "title": "Assemblea di quartiere del Centro",
            "kind": "assembly",
            "neighbourhood": centro(),
            "starts_at": timezone.now() + timedelta(days=7),
            "place": "Sala della Resistenza",
            "capacity": capacity,
        },
    )


def jpeg_with_gps() -> bytes:
    """A JPEG carrying EXIF with a GPS position and a camera model."""
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0110] = "Telefono Segreto"  # Model
    exif[0x8825] = {1: "N", 2: (44.0, 2.0, 7.0), 3: "E", 4: (10.0, 8.0, 25.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def jpeg_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("foto.jpg", jpeg_with_gps(), content_type="image/jpeg")
