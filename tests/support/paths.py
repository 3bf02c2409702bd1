# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where things are in the repository."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
