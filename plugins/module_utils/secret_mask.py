# -*- coding: utf-8 -*-
# Copyright: Zequenze Control collection maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Keeping the token out of what the collection shows: masking it in any text, then cutting
server text short enough for a message (in that order: a cut could split the token)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

SECRET_MASK = "********"
# Server text (an error page, a link) kept in a message, after the token is masked.
MAX_SERVER_TEXT = 500


def secret_forms(secret):
    """The ways an exception text may spell a secret: as is, escaped (repr), as bytes."""
    if not secret:
        return []
    # The token is Latin-1 (see checked_token), the encoding requests sends headers in.
    forms = set([secret, repr(secret)[1:-1], ascii(secret)[1:-1], repr(secret.encode("latin-1"))[2:-1], repr(secret.encode("utf-8"))[2:-1]])
    # Longest first, so a form never leaves part of a longer one behind.
    return sorted((f for f in forms if f), key=len, reverse=True)


class SecretMask:
    """Masks every spelling of one secret in the texts it is given."""

    def __init__(self, secret):
        self._forms = secret_forms(secret)

    def __call__(self, text):
        """The text with the secret masked (exception texts can echo headers)."""
        text = "%s" % (text,)
        for form in self._forms:
            text = text.replace(form, SECRET_MASK)
        return text


def cut(text, limit=MAX_SERVER_TEXT):
    """Server text short enough for a message (mask secrets before cutting, never after)."""
    return text if len(text) <= limit else text[:limit] + "... (%d characters cut)" % (len(text) - limit)
