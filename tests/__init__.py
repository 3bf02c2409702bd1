# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# A regular package, so that `tests.support` is this repository's and never another
# distribution's `tests` found later on sys.path.
from __future__ import absolute_import, division, print_function

__metaclass__ = type
