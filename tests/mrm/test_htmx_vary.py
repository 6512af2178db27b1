"""A page and its htmx fragment share one address: responses say they vary on HX-Request (mrm.htmx.vary_on_htmx)."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_a_filtered_list_varies_on_the_htmx_header_so_back_does_not_show_the_cached_fragment(client, marketer):
    client.force_login(marketer)
    url = reverse("campaigns:list") + "?status=planned"
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        assert "HX-Request" in response["Vary"]
