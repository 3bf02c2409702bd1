# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the test suites share: the emulator launcher, the API helper, Ansible runs, paths, and
what the tiers of noxfile.py run on (tree copies, the tarball build, tiers.py, gates.py).

Import it as `tests.support.<module>`: pytest.ini at the repository root puts the root
on sys.path, so no test edits sys.path itself.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type
