# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the doc snippet test does with each kind of block (see tests/support/doc_blocks.py).

Each check takes the block, a scratch folder of its own and the shared Context
(tests/support/doc_context.py), and raises AssertionError saying what the page claims and
what really happened.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from tests.support.doc_console import python_block, shell_block
from tests.support.doc_marked import not_run_block
from tests.support.doc_quoted import error_message_block, file_tree_block, progress_line_block, record_block, request_body_block
from tests.support.doc_yaml import (
    changelog_fragment_block,
    faults_block,
    gitops_block,
    page_file_block,
    playbook_block,
    role_variables_block,
    task_list_block,
    tokens_block,
)

CHECKS = {
    "shell": shell_block,
    "python": python_block,
    "playbook": playbook_block,
    "task list": task_list_block,
    "page file": page_file_block,
    "gitops operations": gitops_block,
    "role variables": role_variables_block,
    "changelog fragment": changelog_fragment_block,
    "emulator tokens": tokens_block,
    "emulator faults": faults_block,
    "api request body": request_body_block,
    "api record": record_block,
    "error message": error_message_block,
    "file tree": file_tree_block,
    "progress line": progress_line_block,
    "not run": not_run_block,
}
# Relative cost, to start the slow ones first.
SLOW = {"shell": 3, "error message": 3, "task list": 2, "gitops operations": 2, "playbook": 2}


def cost(block):
    """Start order: the slow ones first, but the checkout blocks (one at a time) spread out, not all at once."""
    if block.text.startswith("make "):
        return 9 if block.text.startswith("make demo") else 0
    return SLOW.get(block.kind, 1)
