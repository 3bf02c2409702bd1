# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading a paged listing: next links kept on the API's origin, and bounded in pages and
time, so that a next chain that never ends cannot keep a run paging."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit
except ImportError:  # pragma: no cover - Python 2 is not supported
    from urllib import urlencode  # type: ignore[no-redef,attr-defined]
    from urlparse import urljoin, urlsplit, urlunsplit  # type: ignore[no-redef]

from ansible_collections.zequenze.control.plugins.module_utils.errors import PaginationError
from ansible_collections.zequenze.control.plugins.module_utils.secret_mask import cut

# Pages beyond what count / page size call for (records created while we read shift pages).
EXTRA_PAGES = 10
# Without a usable count, no listing this collection makes needs more pages than this.
MAX_PAGES = 10000
MAX_LISTING_SECONDS = 900.0
CHECK_API_URL = "Check that api_url points at the Zequenze Control API"
API_BUG = "This is an API bug; report it with the URL"


def page_limit(count, page_size):
    """Pages a listing may take: what count records in pages of page_size need, plus slack."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 0 or page_size < 1:
        return MAX_PAGES
    return min(MAX_PAGES, -(-count // page_size) + EXTRA_PAGES)


def rebase(url, endpoint_url):
    """A page link made safe: a foreign origin keeps only its query, on our endpoint.

    A relative link (``?page=2``, ``/api/v1/...``) is resolved against the endpoint first.
    """
    url = urljoin(endpoint_url, url)
    parts = urlsplit(url)
    endpoint = urlsplit(endpoint_url)
    if parts[:2] == endpoint[:2]:
        return url
    return urlunsplit((endpoint.scheme, endpoint.netloc, endpoint.path, parts.query, ""))


def listing_pages(client, clock, path, params=None, max_seconds=MAX_LISTING_SECONDS):
    """Yield every page envelope (count/next/previous/results) of client's path, following next links safely.

    Each page's results are checked to be records before the page is yielded.
    Bounded: no more pages than the API's count and first page size call for
    (plus EXTRA_PAGES), and no longer than max_seconds on clock.
    """
    scrub = client.scrub
    endpoint_url = client.url_for(path)
    url = endpoint_url
    seen = set([url + ("?" + urlencode(params) if params else "")])
    started = clock()
    limit = MAX_PAGES
    pages = 0
    while url:
        page = client.get(url, params=params, deadline=started + max_seconds)
        pages += 1
        params = None  # the next link carries the query
        _check_page(page, url, scrub)
        yield page
        link = page.get("next")
        if not link:
            return
        if not page["results"]:
            raise PaginationError(
                scrub("GET %s answered an empty page that links to a next one (%s); " "stopping instead of following it" % (url, cut(scrub(link)))),
                url=url,
                hint=API_BUG,
            )
        if not isinstance(link, str):
            raise PaginationError("GET %s answered a next link that is not a URL: %s" % (url, type(link).__name__), url=url, hint=API_BUG)
        if pages == 1:
            limit = page_limit(page.get("count"), len(page["results"]))
        _check_bounds(url, pages, limit, clock() - started, max_seconds, scrub)
        url = rebase(link, endpoint_url)
        if url in seen:
            raise PaginationError(scrub("The API's next link repeats (%s); stopping instead of looping" % cut(url)), url=url, hint=API_BUG)
        seen.add(url)


def _check_page(page, url, scrub):
    """Raise unless page is an envelope whose results are all records."""
    if not isinstance(page, dict) or not isinstance(page.get("results"), list):
        raise PaginationError("GET %s did not answer a page (count/next/previous/results)" % url, url=url, hint=CHECK_API_URL)
    for record in page["results"]:
        if not isinstance(record, dict):
            raise PaginationError(
                scrub("GET %s answered a result that is not an operation record (%s)" % (url, type(record).__name__)), url=url, hint=CHECK_API_URL
            )


def _check_bounds(url, pages, limit, elapsed, max_seconds, scrub):
    """Raise when one more page would pass the page limit or the listing's time."""
    if pages < limit and elapsed < max_seconds:
        return
    if pages >= limit:
        reason = "after %d pages, more than its count and page size call for" % pages
    else:
        reason = "after %d pages in %.0f s, the longest a listing may take" % (pages, elapsed)
    raise PaginationError(
        scrub("GET %s still links to a next page %s; stopping instead of paging on" % (url, reason)),
        url=url,
        hint="This is an API bug (a next link that never ends); report it with the URL",
    )
