"""Funding requests, expenses and commitments imported in the browser (issue 17.1): who may, and each step.

The pages are the engine's (:mod:`imports.views`, ``/imports/``); who may
import a kind is its importer's rule, the one the API asks (PRODUCT.md §2).
"""

import pytest
from django.urls import reverse

from budgets.models import Expense, FundingRequest
from imports import services
from imports.choices import JobStatus
from imports.models import ImportMapping
from tests.factories import UserFactory
from tests.imports.helpers import import_file

pytestmark = pytest.mark.django_db

HEADER = "external_ref,campaign,funding_request,vendor,amount,date,reference,note\n"


def spend_csv(*lines: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(lines) + "\n").encode()


def upload(client, kind: str, content: bytes, name: str = "sheet.csv", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("imports:import_kind", args=[kind]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv"), **extra},
    )


@pytest.mark.parametrize("kind", ["funding_requests", "expenses", "commitments"])
def test_who_opens_the_upload_page(client, kind, finance_user, marketer, other_team_marketer, approver):
    url = reverse("imports:import_kind", args=[kind])
    for user, status in ((finance_user, 200), (marketer, 200), (other_team_marketer, 200), (approver, 403)):
        client.force_login(user)
        assert client.get(url).status_code == status, user.username
    leadership = UserFactory(roles=["leadership"])
    client.force_login(leadership)
    assert client.get(url).status_code == 403


def test_the_upload_page_offers_the_templates_the_columns_and_the_other_budget_kinds(client, finance_user):
    client.force_login(finance_user)
    page = client.get(reverse("imports:import_kind", args=["expenses"])).content.decode()
    assert "Import expenses" in page
    assert reverse("api:import-template", args=["expenses"]) + "?format=csv" in page
    assert "Funding request, Vendor, Amount, Date" in page
    for kind in ("funding_requests", "commitments"):
        assert reverse("imports:import_kind", args=[kind]) in page
    assert reverse("imports:import_kind", args=["campaigns"]) not in page  # tabs of the same section only
    # and the template downloaded from it has the headers in the user's language
    finance_user.language = "ru"
    finance_user.save(update_fields=["language"])
    response = client.get(reverse("api:import-template", args=["expenses"]), {"format": "csv"})
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").startswith(
        "ID;Внешний ключ;Кампания;Заявка на финансирование;Контрагент"
    )


def test_a_kind_without_a_mapping_step_or_unknown_is_not_here(client, finance_user):
    client.force_login(finance_user)
    assert client.get(reverse("imports:import_kind", args=["categories"])).status_code == 404
    assert client.get(reverse("imports:import_kind", args=["horses"])).status_code == 404


def test_campaign_pages_keep_to_campaign_kinds(client, marketer):
    client.force_login(marketer)
    assert client.get(reverse("campaigns:import_kind", args=["expenses"])).status_code == 404
    assert client.get(reverse("campaigns:import_kind", args=["tasks"])).status_code == 200


def test_finance_maps_previews_confirms_and_undoes_expenses(client, finance_user, approved_request):
    client.force_login(finance_user)
    number = approved_request.number
    content = spend_csv(
        f"S-1,SPRING-27,{number},Yandex,100.00,10.02.2027,INV-1,",
        f"S-2,SPRING-27,{number},Yandex,abc,11.02.2027,INV-2,",
        header="external_ref,campaign,funding_request,Supplier,amount,date,reference,note\n",
    )
    response = upload(client, "expenses", content, source="Old ledger")
    job = services.import_job_parse(_latest_job().pk)
    assert response.status_code == 302 and response["Location"] == reverse("imports:import_preview", args=[job.pk])
    # the file names a column MRM does not know: the mapping step first
    assert job.status == JobStatus.MAPPING
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-needs-mapping"' in page and "Supplier" in page
    fields = {f"column-{i}": key for i, key in enumerate(HEADER.strip().split(","))}
    response = client.post(reverse("imports:import_mapping", args=[job.pk]), {**fields, "source": "Old ledger"})
    assert response.status_code == 302
    job = services.import_job_parse(job.pk)
    assert job.status == JobStatus.READY
    assert ImportMapping.objects.get(kind="expenses", source="Old ledger").columns == {"Supplier": "vendor"}
    # the dry run: per row its line, its outcome and the refused column with its message
    page = client.get(reverse("imports:import_preview", args=[job.pk])).content.decode()
    assert page.count('data-outcome="new"') >= 1 and "amount: abc is not an amount" in page
    assert "remembered for Old ledger" in page
    assert not Expense.objects.exists()
    # confirm applies the stored plan; the good row is an expense
    response = client.post(reverse("imports:import_confirm", args=[job.pk]))
    assert response.status_code == 302
    job = services.import_job_apply(job.pk)
    assert job.status == JobStatus.APPLIED
    assert list(Expense.objects.values_list("external_ref", flat=True)) == ["S-1"]
    page = client.get(reverse("imports:import_preview", args=[job.pk])).content.decode()
    assert reverse("budgets:expenses") in page and "Undo this import" in page
    # and the undo takes it back
    client.post(reverse("imports:import_undo", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.UNDONE and not Expense.objects.exists()


def _latest_job():
    from imports.models import ImportJob

    return ImportJob.objects.latest("pk")


def test_a_marketer_imports_their_teams_drafts_and_sees_only_their_own_jobs(
    client, marketer, other_team_marketer, campaign, category, q1
):
    client.force_login(marketer)
    header = "external_ref,campaign,category,period,amount,justification\n"
    upload(client, "funding_requests", (header + "M-1,SPRING-27,MKT-DIG-SEA,Q1 2027,1000.00,Search\n").encode())
    job = services.import_job_parse(_latest_job().pk)
    assert job.status == JobStatus.READY and (job.counts["new"], job.counts["error"]) == (1, 0)
    client.post(reverse("imports:import_confirm", args=[job.pk]))
    services.import_job_apply(job.pk)
    assert FundingRequest.objects.get(external_ref="M-1").requested_by == marketer
    # another team's marketer may import too, but neither sees nor acts on this job (404)
    client.force_login(other_team_marketer)
    for name in ("import_preview", "import_mapping"):
        assert client.get(reverse(f"imports:{name}", args=[job.pk])).status_code == 404
    for name in ("import_confirm", "import_undo", "import_mapping"):
        assert client.post(reverse(f"imports:{name}", args=[job.pk])).status_code == 404
    page = client.get(reverse("imports:import_kind", args=["funding_requests"])).content.decode()
    assert "Nothing imported yet." in page
    # and their rows for team A's campaign are refused, row by row, as the API refuses them
    upload(client, "funding_requests", (header + "M-2,SPRING-27,MKT-DIG-SEA,Q1 2027,1000.00,Search\n").encode())
    job = services.import_job_parse(_latest_job().pk)
    assert (job.counts["new"], job.counts["error"]) == (0, 1)
    assert "you cannot import its funding requests" in job.rows.get().errors[0]


def test_finance_sees_every_budget_job_and_a_role_that_may_not_import_gets_a_403(
    client, marketer, finance_user, approver, campaign, category, q1
):
    header = "external_ref,campaign,category,period,amount,justification\n"
    job, _plan = import_file(
        kind="funding_requests",
        file_name="r.csv",
        content=(header + "M-1,SPRING-27,MKT-DIG-SEA,Q1 2027,1000.00,Search\n").encode(),
        by=marketer,
    )
    client.force_login(finance_user)
    assert client.get(reverse("imports:import_preview", args=[job.pk])).status_code == 200
    page = client.get(reverse("budgets:imports")).content.decode()
    assert reverse("imports:import_preview", args=[job.pk]) in page
    client.force_login(approver)
    assert client.get(reverse("imports:import_preview", args=[job.pk])).status_code == 403
    assert client.post(reverse("imports:import_confirm", args=[job.pk])).status_code == 403
    assert upload(client, "expenses", spend_csv("X,,,,,,,")).status_code == 403


def test_the_pages_link_to_the_import(client, finance_user, marketer, approver):
    client.force_login(finance_user)
    for page in ("budgets:imports", "budgets:expenses", "budgets:requests"):
        assert "/imports/" in client.get(reverse(page)).content.decode()
    client.force_login(marketer)
    assert (
        reverse("imports:import_kind", args=["funding_requests"])
        in client.get(reverse("budgets:requests")).content.decode()
    )
    client.force_login(UserFactory(roles=["leadership"]))
    assert (
        reverse("imports:import_kind", args=["expenses"])
        not in client.get(reverse("budgets:expenses")).content.decode()
    )


def test_the_pages_speak_the_users_language(client, finance_user, approved_request):
    finance_user.language = "ru"
    finance_user.save(update_fields=["language"])
    client.force_login(finance_user)
    page = client.get(reverse("imports:import_kind", args=["expenses"])).content.decode()
    assert "Импорт расходов" in page and "Импорт обязательств" in page
    assert "Столбцы: ID, Внешний ключ, Кампания, Заявка на финансирование, Контрагент, Сумма" in page
    # and a refused row names its column as the file does, with the message in Russian
    upload(client, "expenses", spend_csv(f"S-1,SPRING-27,{approved_request.number},Yandex,abc,10.02.2027,,"))
    job = services.import_job_parse(_latest_job().pk)
    page = client.get(reverse("imports:import_preview", args=[job.pk])).content.decode()
    assert "amount: abc — не сумма с не более чем двумя знаками после запятой" in page
    assert "Шаг 2 из 3: пробный прогон. Пока ничего не записано." in page
