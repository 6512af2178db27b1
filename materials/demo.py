"""Demo materials (``manage.py seed_demo``), safe to run again.

An image and a PDF (made at seed time with Pillow and WeasyPrint) on demo
campaigns, with reviews in several states under the demo template "brand →
legal → CMO": one approved, one sent back with a pinned comment then v2
submitted (the workflow restarted), one waiting on the CMO and overdue.
Materials are found by campaign and title and left alone when they exist.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import User
from approvals.choices import Outcome, RequestStatus, SubjectKind
from approvals.models import ApprovalRequest, StageState
from approvals.services import active_template_for, approval_comment, approval_decide
from campaigns.models import Campaign
from materials import services
from materials.choices import MaterialKind
from materials.models import Material


def banner_png(text: str, color=(29, 78, 216)) -> bytes:
    image = Image.new("RGB", (1200, 628), color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, 1140, 568), outline=(255, 255, 255), width=6)
    draw.text((100, 280), text, fill=(255, 255, 255), font_size=64)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def leaflet_pdf(title: str, version: str) -> bytes:
    from weasyprint import HTML

    html = f"""<html><head><style>
      @page {{ size: A5; margin: 15mm; }}
      body {{ font-family: 'DejaVu Sans', sans-serif; }}
      h1 {{ color: #1d4ed8; }} .box {{ border: 3px solid #1d4ed8; padding: 10mm; margin-top: 10mm; }}
    </style></head><body>
      <h1>{title}</h1><p>{version} · Демо-листовка для согласования.</p>
      <div class="box">Ключевое сообщение: новый продукт уже в продаже.</div>
      <p style="page-break-before: always">Страница 2: условия акции и мелкий шрифт.</p>
    </body></html>"""
    return HTML(string=html).write_pdf()


def _users() -> dict:
    return {u.username: u for u in User.objects.filter(username__in=["marketer", "events", "legal", "cmo"])}


def _create(campaign, title, kind, content: bytes, name: str, by, note: str) -> Material:
    upload = SimpleUploadedFile(name, content)
    material = services.material_create(campaign=campaign, title=title, kind=kind, by=by, file=upload, note=note)
    services.version_previews_generate(version_id=material.latest_version_id)
    return material


def _open_request(material) -> ApprovalRequest:
    return ApprovalRequest.objects.get(
        subject_kind=SubjectKind.MATERIAL_VERSION,
        object_id=material.latest_version_id,
        status=RequestStatus.IN_PROGRESS,
    )


def seed(stdout) -> None:
    users = _users()
    campaigns = {c.code: c for c in Campaign.objects.filter(code__in=["DEMO-01", "DEMO-02", "DEMO-03"])}
    needed = {"marketer", "events", "legal", "cmo"}
    if not needed <= users.keys() or len(campaigns) < 3 or active_template_for(SubjectKind.MATERIAL_VERSION) is None:
        stdout.write("  materials: skipped (needs the demo users, campaigns DEMO-01..03 and the material template)")
        return
    marketer, events, legal, cmo = (users[name] for name in ("marketer", "events", "legal", "cmo"))
    made = 0

    # 1. Approved: brand, legal and the CMO approved v1.
    if not Material.objects.filter(campaign=campaigns["DEMO-01"], title="Spring key visual").exists():
        banner = _create(
            campaigns["DEMO-01"],
            "Spring key visual",
            MaterialKind.IMAGE,
            banner_png("Spring is here"),
            "spring-key-visual.png",
            marketer,
            "First layout",
        )
        request = services.material_submit(material=banner, by=marketer, reason="Needed for the social launch")
        approval_decide(request=request, by=events, outcome=Outcome.APPROVE, note="On brand")
        approval_decide(request=request, by=legal, outcome=Outcome.APPROVE)
        approval_decide(request=request, by=cmo, outcome=Outcome.APPROVE, note="Go")
        made += 1

    # 2. Changes requested on v1 (with a pinned comment), then v2 uploaded: the workflow restarted.
    if not Material.objects.filter(campaign=campaigns["DEMO-02"], title="Product leaflet").exists():
        leaflet = _create(
            campaigns["DEMO-02"],
            "Product leaflet",
            MaterialKind.PDF,
            leaflet_pdf("Новый продукт", "v1"),
            "product-leaflet.pdf",
            marketer,
            "Draft for print",
        )
        request = services.material_submit(material=leaflet, by=marketer, reason="Print run for the launch event")
        approval_decide(request=request, by=events, outcome=Outcome.APPROVE)
        approval_comment(request=request, by=legal, body="The promise needs a footnote here.", page=1, x=0.5, y=0.45)
        approval_comment(
            request=request, by=legal, body="Terms on page 2 are missing the end date.", page=2, x=0.3, y=0.2
        )
        approval_decide(
            request=request, by=legal, outcome=Outcome.REQUEST_CHANGES, note="Add the footnote and the dates"
        )
        with transaction.atomic():
            upload = SimpleUploadedFile("product-leaflet.pdf", leaflet_pdf("Новый продукт*", "v2"))
            v2 = services.material_version_upload(
                material=leaflet, file=upload, by=marketer, note="Footnote and dates added"
            )
        services.version_previews_generate(version_id=v2.pk)
        made += 1

    # 3. Waiting on the CMO, overdue: brand and legal approved days ago.
    if not Material.objects.filter(campaign=campaigns["DEMO-03"], title="Newsletter header").exists():
        header = _create(
            campaigns["DEMO-03"],
            "Newsletter header",
            MaterialKind.IMAGE,
            banner_png("Newsletter · May", color=(22, 101, 52)),
            "newsletter-header.png",
            marketer,
            "",
        )
        request = services.material_submit(material=header, by=marketer, reason="The relaunch issue goes out on Monday")
        approval_decide(request=request, by=events, outcome=Outcome.APPROVE)
        approval_decide(request=request, by=legal, outcome=Outcome.APPROVE)
        request = _open_request(header)
        # Demo data only: move the clock of the CMO stage back so it shows as overdue.
        now = timezone.now()
        StageState.objects.filter(pk=request.current_stage_id).update(
            started_at=now - dt.timedelta(days=6), due_at=now - dt.timedelta(days=3)
        )
        ApprovalRequest.objects.filter(pk=request.pk).update(
            submitted_at=now - dt.timedelta(days=9), due_at=now - dt.timedelta(days=3)
        )
        made += 1

    stdout.write(f"  materials: {made} materials with reviews (approved, changes requested → v2, overdue on the CMO)")
