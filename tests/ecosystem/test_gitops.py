"""The GitOps cycle of docs/gitops.md against a real emulator.

The commands come from the example pipeline itself (docs/gitops/github-actions.yml,
the steps with id `plan` and `apply`), run in a copy of docs/gitops standing in
for the operator's repository.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import re
import shutil
import subprocess
from datetime import datetime

import yaml

from tests.support.paths import REPO

GITOPS = REPO / "docs" / "gitops"


def workflow_step(step_id: str) -> str:
    workflow = yaml.safe_load((GITOPS / "github-actions.yml").read_text())
    runs = [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if step.get("id") == step_id]
    assert len(runs) == 1, f"one step with id {step_id} expected in github-actions.yml"
    return runs[0]


def recap(output: str) -> dict:
    match = re.search(r"localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", output)
    assert match, f"no play recap in:\n{output}"
    return dict(zip(("ok", "changed", "unreachable", "failed"), map(int, match.groups())))


def changed_items(output: str) -> int:
    """Loop items reported changed: one per operation that was (or would be) created."""
    return len(re.findall(r"^changed: \[localhost\] => \(item=", output, flags=re.MULTILINE))


def run_step(step_id: str, repo, env) -> str:
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", workflow_step(step_id)], cwd=repo, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{step_id} failed:\n{output}"
    assert "Traceback" not in output
    return output


def declare(repo, operations) -> None:
    (repo / "operations.yml").write_text(yaml.safe_dump({"zequenze_operations": operations}, sort_keys=False))


def instant(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


def same_moment(a: str, b: str) -> bool:
    return instant(a) == instant(b)


def test_gitlab_pipeline_runs_the_same_commands():
    gitlab = yaml.safe_load((GITOPS / "gitlab-ci.yml").read_text())
    assert gitlab["plan"]["script"] == [workflow_step("plan")]
    assert gitlab["apply"]["script"] == [workflow_step("apply")]


def test_plan_schedules_nothing_and_merge_applies(tmp_path, api, ansible_env):
    repo = tmp_path / "operations-repo"
    shutil.copytree(GITOPS, repo)
    declared = yaml.safe_load((repo / "operations.yml").read_text())["zequenze_operations"]
    assert len(declared) >= 2

    # Pull request: the plan shows every declared operation and creates none.
    output = run_step("plan", repo, ansible_env)
    assert api.count() == 0 and api.posts() == 0
    assert changed_items(output) == len(declared)
    for operation in declared:
        assert f'"operation_type": "{operation["operation_type"]}"' in output, "--diff shows the request body"
    assert f"{len(declared)} of {len(declared)} declared operations would be created" in output

    # Merge: exactly the declared operations exist.
    output = run_step("apply", repo, ansible_env)
    assert changed_items(output) == len(declared)
    created = api.operations()
    assert len(created) == len(declared) and api.posts() == len(declared)
    for operation in declared:
        matches = [
            record
            for record in created
            if record["operation_type"] == operation["operation_type"]
            and sorted(record["operation_config"]["organizations"]) == sorted(operation["organizations"])
            and same_moment(record["scheduled_for"], operation["schedule"]["execute_at"])
        ]
        assert len(matches) == 1, f"{operation['name']}: {len(matches)} matching operations"

    # The next pull request's plan and a repeated apply change nothing.
    assert recap(run_step("plan", repo, ansible_env))["changed"] == 0
    assert recap(run_step("apply", repo, ansible_env))["changed"] == 0
    assert api.count() == len(declared) and api.posts() == len(declared)

    # A pull request that adds one operation: the plan shows that one, the merge creates it.
    added = {
        "name": "Status refresh of organization 105's firewalls",
        "operation_type": "status_update",
        "organizations": [105],
        "device_filters": {"types": ["firewall"]},
        "schedule": {"execute_at": "2031-03-01T01:30:00-05:00", "priority": "high"},
    }
    declare(repo, declared + [added])
    output = run_step("plan", repo, ansible_env)
    assert changed_items(output) == 1
    assert '"operation_type": "status_update"' in output
    assert api.count() == len(declared) and api.posts() == len(declared)
    assert changed_items(run_step("apply", repo, ansible_env)) == 1
    assert api.count() == len(declared) + 1 and api.posts() == len(declared) + 1
