"""What an auditor asks of the compliance evidence bundle: a real as-of time and the clock behind
each timestamp, provenance (who and what ran it, never the token), an SSH signature over
SHA256SUMS that verifies and catches a change, and an HTML report whose new sections a real
browser renders (its screenshot is docs/images/compliance-report.png; run this test with
ZEQUENZE_UPDATE_SCREENSHOT=1 to refresh it)."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import datetime
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ORGANIZATIONS = [101, 102]
AWX_VARS = {"awx_job_id": 4242, "awx_job_template_name": "Compliance evidence", "awx_user_name": "auditor-admin", "awx_job_launch_type": "scheduled"}
IDENTITY = "evidence@example.test"
NAMESPACE = "zequenze-compliance"
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "compliance-report.png"
BROWSERS = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome")


@pytest.fixture(scope="module")
def signed(playbooks, tmp_path_factory):
    keys = tmp_path_factory.mktemp("keys")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", IDENTITY, "-f", str(keys / "signing")], check=True)
    report_dir = tmp_path_factory.mktemp("signed-reports")
    extra = dict(
        AWX_VARS,
        compliance_collection_organizations=ORGANIZATIONS,
        compliance_collection_report_dir=str(report_dir),
        compliance_collection_report_interval=5,
        compliance_collection_max_failed_percent=50,
        compliance_collection_signing_key=str(keys / "signing"),
        compliance_collection_signer_identity=IDENTITY,
    )
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    result = playbooks.run("compliance_collection", extra, env={"USER": "evidence-runner"})
    after = datetime.datetime.now(datetime.timezone.utc)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    [folder] = sorted(report_dir.glob("compliance-*"))
    return {
        "dir": folder,
        "keys": keys,
        "before": before,
        "after": after,
        "output": result.stdout + result.stderr,
        "metadata": json.loads((folder / "compliance.json").read_text())["metadata"],
    }


def test_as_of_is_a_real_time_and_each_timestamp_names_its_clock(signed):
    meta = signed["metadata"]
    assert meta["as_of_requested"] == "now"
    as_of = datetime.datetime.fromisoformat(meta["as_of"].replace("Z", "+00:00"))
    assert signed["before"] <= as_of <= signed["after"]
    assert meta["started_at"] == meta["as_of"]
    assert meta["run"] == as_of.strftime("%Y%m%dT%H%M%SZ")
    assert meta["collected_at"]
    assert set(meta["clocks"]) == {"as_of", "run", "started_at", "collected_at"}
    assert "controller" in meta["clocks"]["as_of"] and "API's clock" in meta["clocks"]["collected_at"]


def test_provenance_names_who_and_what_ran_it(signed, api):
    meta = signed["metadata"]
    assert meta["provenance"] == {
        "controller_user": "evidence-runner",
        "job_id": 4242,
        "job_template": "Compliance evidence",
        "launched_by": "auditor-admin",
        "launch_type": "scheduled",
    }
    galaxy = yaml.safe_load((Path(__file__).resolve().parents[2] / "galaxy.yml").read_text())
    assert meta["collection_version"] == galaxy["version"]
    assert meta["api_url"] == api.emulator.api_url
    records = json.loads((signed["dir"] / "compliance.json").read_text())["operations"]
    assert sorted(meta["operation_ids"]) == sorted(r["id"] for r in records) and len(records) == 2
    assert meta["signature"] == {"method": "ssh-keygen -Y sign", "file": "SHA256SUMS.sig", "signs": "SHA256SUMS", "namespace": NAMESPACE, "identity": IDENTITY}
    token = api.emulator.token
    for path in signed["dir"].iterdir():
        assert token not in path.read_text(errors="replace"), path
    assert token not in signed["output"]


def _verify(bundle_dir, keys, sums):
    allowed = keys / "allowed_signers"
    allowed.write_text('%s namespaces="%s" %s' % (IDENTITY, NAMESPACE, (keys / "signing.pub").read_text()))
    return subprocess.run(
        ["ssh-keygen", "-Y", "verify", "-f", str(allowed), "-I", IDENTITY, "-n", NAMESPACE, "-s", str(bundle_dir / "SHA256SUMS.sig")],
        input=sums,
        capture_output=True,
        check=False,
    )


def test_the_signature_verifies_and_catches_a_change(signed):
    sums = (signed["dir"] / "SHA256SUMS").read_bytes()
    good = _verify(signed["dir"], signed["keys"], sums)
    assert good.returncode == 0, good.stderr
    assert b"Good" in good.stdout + good.stderr
    tampered = _verify(signed["dir"], signed["keys"], sums.replace(b"compliance.csv", b"compliance.CSV"))
    assert tampered.returncode != 0
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=signed["dir"], capture_output=True, check=False)
    assert checked.returncode == 0, checked.stdout


def _browser():
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        "No headless Chromium found (looked for %s): install the Debian package chromium-headless-shell "
        "(bindep.txt, profile test: bindep test)" % ", ".join(BROWSERS)
    )


def test_a_browser_renders_the_new_sections_and_a_screenshot(signed, tmp_path):
    browser = _browser()
    page = (signed["dir"] / "compliance.html").as_uri()
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1000,1500"]
    dom = subprocess.run([browser, *flags, "--dump-dom", page], capture_output=True, text=True, timeout=60, check=False)
    assert dom.returncode == 0, dom.stderr[-2000:]
    for section in ("<h2>Clocks</h2>", "<h2>Provenance</h2>", 'id="provenance"', "evidence-runner", "4242", "SHA256SUMS.sig (ssh-keygen -Y sign"):
        assert section in dom.stdout, section
    # ZEQUENZE_UPDATE_SCREENSHOT=1 refreshes the screenshot the compliance guide shows.
    target = SCREENSHOT if os.environ.get("ZEQUENZE_UPDATE_SCREENSHOT") == "1" else tmp_path / "report.png"
    shot = subprocess.run([browser, *flags, "--screenshot=%s" % target, page], capture_output=True, text=True, timeout=60, check=False)
    assert shot.returncode == 0, shot.stderr[-2000:]
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20000, len(data)
    assert SCREENSHOT.is_file(), "docs/images/compliance-report.png is missing: run with ZEQUENZE_UPDATE_SCREENSHOT=1"
