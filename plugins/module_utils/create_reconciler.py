# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The create path: find the operations of an identity, create one, adopt an ambiguous create."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zequenze.control.plugins.module_utils.errors import (
    AmbiguousRequestError,
    ApiError,
    PermissionDeniedError,
)
from ansible_collections.zequenze.control.plugins.module_utils.records import newest_first_key, record_view

# Page size asked for when matching scans every visible operation: the emulator's largest
# page. The API document states no limit; a server that serves smaller pages is followed
# through its next links all the same.
LOOKUP_PAGE_SIZE = 1000
# After an ambiguous create failure (looked up, not found), try again at most this often.
MAX_AMBIGUOUS_RETRIES = 2


class CreateReconciler:
    """Finds and creates the operations of one endpoint through a Client."""

    def __init__(self, client, endpoint, sleep):
        self.client = client
        self.endpoint = endpoint
        self._sleep = sleep

    def find_matches(self, identity, any_state=False):
        """Every visible operation that satisfies identity (see matches), newest first.

        Newest by created_at, then by id (numerically when both are numbers); records
        without a creation time come last. The API's own order is not relied on.
        """
        records = self.client.iterate(self.endpoint, params={"page_size": LOOKUP_PAGE_SIZE})
        return sorted((r for r in records if identity.matches(r, any_state)), key=newest_first_key)

    def _post(self, body, budget):
        try:
            return self.client.post(self.endpoint, body, max_retries=budget)
        except ApiError as error:
            if error.status is not None and 200 <= error.status < 300:  # saved, with a body we cannot decode
                raise error.replaced(message="%s: the operation was %s" % (
                    error.message, CREATED_UNREADABLE), hint="A re-run finds it by its identity and adopts it "
                                                             "instead of creating another")
            raise

    def create(self, body, identity, known_ids=()):
        """POST the body once; after an ambiguous failure, adopt the operation it made.

        known_ids are the operations of the same identity, in any state, that
        existed before: after a read timeout or reset, one that is not among
        them is ours, even if it already ended.

        The client retries what certainly did not arrive (refused, 429, 503);
        this loop handles only the ambiguous failures, at most
        MAX_AMBIGUOUS_RETRIES times, and both layers draw on the one
        max_retries budget: at most max_retries + 1 POSTs in all.
        """
        known = set("%s" % i for i in known_ids)
        budget = self.client.max_retries
        ambiguous_retries = 0
        while True:
            try:
                return created_record(self._post(body, budget))
            except AmbiguousRequestError as error:
                if identity is None:
                    raise
                ours = [r for r in self.find_matches(identity, any_state=True)
                        if "%s" % r.get("id") not in known]
                if ours:
                    return ours[0]
                budget -= error.attempts
                if budget < 0 or ambiguous_retries >= MAX_AMBIGUOUS_RETRIES:
                    raise
                self._sleep(self.client.backoff(ambiguous_retries))
                ambiguous_retries += 1
            except PermissionDeniedError as error:
                orgs = sorted(identity.organizations, key=str) if identity else []
                if not orgs:
                    raise
                raise error.replaced(hint_detail=", ".join("%s" % o for o in orgs))


# A 2xx answer to the POST means the API saved the operation, whatever its body says.
CREATED_UNREADABLE = "created, but its id could not be read; re-run to adopt it"


def created_record(answer):
    """The POST answer, which must be the created operation: a mapping with a readable id."""
    if not isinstance(answer, dict) or record_view(answer).id is None:
        raise ApiError(
            "The API answered the create request with %s instead of the created operation: the operation was %s"
            % ("a list envelope" if isinstance(answer, dict) and "results" in answer
               else "an empty body" if answer is None
               else "a record without a readable id" if isinstance(answer, dict)
               else "a %s" % type(answer).__name__, CREATED_UNREADABLE),
            hint="A re-run finds it by its identity and adopts it instead of creating another")
    return answer
