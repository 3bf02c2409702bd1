# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  api_url:
    description:
      - Base URL of the Zequenze Control API, up to and including the version.
      - If not set, the value of the E(ZEQUENZE_API_URL) environment variable is used.
      - Point it at the emulator (for example V(http://127.0.0.1:8787/api/v1), its default port) to test playbooks offline.
      - An empty value, a URL without V(http://) or V(https://), or one carrying a user name or
        password (C(user:password@host)) is refused before anything is sent.
      - A plain V(http://) URL to a host other than this machine gives a warning, since the token would
        cross the network unencrypted.
    type: str
    default: https://control.zequenze.com/api/v1
  api_token:
    description:
      - "API token, sent as C(Authorization: Bearer <token>)."
      - If not set, the value of the E(ZEQUENZE_API_TOKEN) environment variable is used.
      - The token never appears in results, errors or logs. It is the only credential sent;
        C(~/.netrc) entries are ignored, and a redirect to another host never carries it.
      - An empty token is refused before anything is sent.
      - Prefer the environment variable to passing the token again in a task or in C(module_defaults).
    type: str
    required: true
  validate_certs:
    description:
      - Whether to check the API's TLS certificate.
      - If not set, the value of the E(ZEQUENZE_VALIDATE_CERTS) environment variable is used.
      - Set to V(false) only for a test server; the module then warns.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file (or a directory prepared with C(c_rehash)) of certificate authorities
        to trust instead of the system trust store.
      - If not set, the value of the E(ZEQUENZE_CA_PATH) environment variable is used;
        without either, E(REQUESTS_CA_BUNDLE) or E(CURL_CA_BUNDLE) if set.
      - A path that does not exist is refused before anything is sent.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP answer, from 0.1 to 86400. Connecting waits at most 10 seconds of it.
      - If not set, the value of the E(ZEQUENZE_TIMEOUT) environment variable is used.
    type: float
    default: 30
  max_retries:
    description:
      - How many times a failed request is repeated, with capped exponential backoff,
        full jitter and the API's C(Retry-After) honoured.
      - Reads are repeated on connection errors, HTTP 429 and 5xx. A create is
        repeated only when the API certainly did not receive it (connection refused,
        HTTP 429, HTTP 503); after an ambiguous failure the module first looks for
        the operation it may have created, so a flaky network never creates a duplicate.
      - At most 100.
      - If not set, the value of the E(ZEQUENZE_MAX_RETRIES) environment variable is used.
    type: int
    default: 5
notes:
  - Answers are bounded, so a faulty API cannot keep a run reading. An answer larger than 16 MiB
    is refused, and a listing stops with an error after more pages than the API's C(count)
    and page size call for (plus 10), or after 15 minutes.
  - Proxies come from the standard E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) environment variables.
  - Set the connection options once per play with
    C(module_defaults) on the action group C(group/zequenze.control.api).
requirements:
  - requests >= 2.25 (on the host that runs the module)
"""
