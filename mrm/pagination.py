"""Page-number pagination for every list of the API (PRODUCT.md §8)."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """``count/next/previous/results`` with a client-chosen page size."""

    page_size_query_param = "page_size"
    max_page_size = 200
