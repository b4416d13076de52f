from collections.abc import Callable, Sequence

from django.core.paginator import Page, Paginator
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_rows(
        self, fetch: Callable[[int, int], tuple[int, Sequence]], request
    ) -> Sequence | None:
        """A page from `fetch(offset, limit) -> (count, rows)`: one query that counts as it
        reads (count(*) OVER ()), where paginate_queryset makes two. Same pages, links and
        404s as paginate_queryset (tests/api/test_patient_list.py); "last" needs the count
        before the page, so it is the one case that falls back to None (then page the
        queryset)."""
        raw = request.query_params.get(self.page_query_param) or 1
        if raw in self.last_page_strings:
            return None
        self.request = request
        page_size = self.get_page_size(request)
        try:
            number = int(raw)  # as Paginator.validate_number reads it
        except (TypeError, ValueError):
            raise NotFound(self.invalid_page_message) from None
        offset = (number - 1) * page_size
        if number < 1 or offset > 2**62:  # past any table's last page, and OFFSET's bigint
            raise NotFound(self.invalid_page_message)
        count, rows = fetch(offset, page_size)
        if not rows and number > 1:
            raise NotFound(self.invalid_page_message)  # past the last page
        paginator = Paginator((), page_size)
        paginator.count = count  # known already: no COUNT query
        self.page = Page(rows, number, paginator)
        self.display_page_controls = paginator.num_pages > 1  # the browsable API's pager
        return rows
