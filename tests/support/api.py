# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Direct HTTP to one emulator, as an operator's own script would: arrange state, check results."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import requests

ACCESS_LOG_POST = '"POST /api/v1/inventory_device_serial_headless_operation/'


def operation_body(**overrides):
    """The API document's cURL example body, with overrides (None removes a key)."""
    body = {
        "operation_type": "bulk_serial_sync",
        "target_organizations": [101, 102, 103],
        "device_filters": {"types": ["router", "switch"], "status": ["active", "pending"]},
        "schedule": {"execute_at": "2024-01-16T02:00:00Z", "priority": "normal"},
        "options": {"update_firmware_info": True, "validate_connectivity": True, "timeout_minutes": 120},
    }
    for key, value in overrides.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


class Api:
    """A keep-alive session against one emulator's operations endpoint with one token
    (the emulator's own unless given; None sends no Authorization header)."""

    def __init__(self, emulator, token="", verify=True):
        self.emulator = emulator
        self.url = emulator.operations_url
        self.session = requests.Session()
        self.session.trust_env = False  # no ~/.netrc or proxy variables in the way
        # Per request: REQUESTS_CA_BUNDLE would override Session.verify.
        self.verify = verify
        token = emulator.token if token == "" else token
        if token:
            self.session.headers["Authorization"] = "Bearer " + token

    def get(self, **params):
        return self.session.get(self.url, params=params, timeout=30, verify=self.verify)

    def post(self, body=None, **kwargs):
        return self.session.post(self.url, json=body, timeout=30, verify=self.verify, **kwargs)

    def create(self, **fields):
        """POST exactly these fields; the created record."""
        answer = self.post(fields)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def create_from_example(self, **overrides):
        """POST the document's example body with overrides (see operation_body)."""
        return self.create(**operation_body(**overrides))

    def record(self, operation_id, refresh=True):
        answer = self.get(id=operation_id, update_status=str(refresh).lower())
        assert answer.status_code == 200, answer.text
        return answer.json()["results"][0]

    def operations(self, **params):
        """Every operation the token sees, through every page."""
        url, params, records = self.url, dict({"page_size": 1000}, **params), []
        for _page in range(10000):
            answer = self.session.get(url, params=params, timeout=30, verify=self.verify)
            answer.raise_for_status()
            page = answer.json()
            records += page["results"]
            if not page["next"]:
                return records
            url, params = page["next"], None
        raise AssertionError("more than 10,000 pages")

    def count(self):
        return len(self.operations())

    def posts(self):
        """POSTs the emulator has answered, from its access log."""
        return self.emulator.log().count(ACCESS_LOG_POST)

    def simulated_now(self):
        return self.emulator.healthz()["simulated_time"]
