"""The compliance_collection playbook's evidence bundle, produced against a real emulator:
the HTML table and charts agree with compliance.json, SHA256SUMS verifies, the CSV agrees,
nothing points outside the file, and the token is nowhere."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import csv
import hashlib
import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.support.emulator_process import free_port
from tests.support.playbooks import listing_pages, recap, requests_during

ORGANIZATIONS = [103, 101, 102]


@pytest.fixture(scope="module")
def bundle(playbooks, tmp_path_factory):
    report_dir = tmp_path_factory.mktemp("reports")
    result = playbooks.run(
        "compliance_collection",
        {
            "compliance_collection_organizations": ORGANIZATIONS,
            "compliance_collection_report_dir": str(report_dir),
            "compliance_collection_timeout_minutes": 1440,
            "compliance_collection_report_interval": 5,
            "compliance_collection_max_failed_percent": 50,
        },
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    folders = sorted(report_dir.glob("compliance-*"))
    assert len(folders) == 1, folders
    return {"dir": folders[0], "stdout": result.stdout + result.stderr, "json": json.loads((folders[0] / "compliance.json").read_text())}


class HtmlReport(HTMLParser):
    """Collects the summary table cells, the chart bars and every tag name and attribute."""

    def __init__(self):
        super().__init__()
        self.rows, self.bars, self.error_bars, self.tags, self.attributes = [], [], [], [], []
        self._table = self._row = None
        self._in_body = False
        self._cell = None
        self._svg = None
        self._group = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        self.attributes.extend(attrs.items())
        if tag == "table":
            self._table = attrs.get("id")
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body and self._table == "organizations":
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = ""
        elif tag == "svg":
            self._svg = attrs.get("id")
        elif tag == "g":
            self._group = attrs
        elif tag == "rect" and "data-value" in attrs:
            rect = {"value": int(attrs["data-value"]), "width": float(attrs["width"]), "class": attrs.get("class"), "group": dict(self._group or {})}
            (self.bars if self._svg == "devices-chart" else self.error_bars).append(rect)

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "svg":
            self._svg = None
        elif tag == "g":
            self._group = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


@pytest.fixture(scope="module")
def html(bundle) -> HtmlReport:
    parser = HtmlReport()
    parser.feed((bundle["dir"] / "compliance.html").read_text())
    parser.close()
    return parser


def test_bundle_holds_one_row_per_organization_from_the_api(bundle, api):
    report = bundle["json"]
    assert [row["organizations"] for row in report["organizations"]] == [[101], [102], [103]]
    by_id = {op["id"]: op for op in api.operations(update_status="true")}
    for row in report["organizations"]:
        final = by_id[row["id"]]
        assert final["status"] == row["status"] == "completed"
        assert (row["total_devices"], row["processed_devices"], row["failed_devices"]) == (
            final["total_devices"],
            final["processed_devices"],
            final["failed_devices"],
        )
        assert row["error_summary"] == final["operation_details"]["error_summary"]
    assert report["totals"]["failed_devices"] == sum(r["failed_devices"] for r in report["organizations"])
    assert report["metadata"]["api_url"] == api.emulator.api_url
    assert report["metadata"]["organizations"] == sorted(ORGANIZATIONS)


def test_html_table_matches_json(bundle, html):
    expected = [
        [
            ", ".join(map(str, row["organizations"])),
            row["id"],
            row["status"],
            str(row["total_devices"]),
            str(row["processed_devices"]),
            str(row["failed_devices"]),
            str(row["failed_percent"]),
            ", ".join(f"{k}: {v}" for k, v in sorted(row["error_summary"].items())),
        ]
        for row in bundle["json"]["organizations"]
    ]
    assert html.rows == expected


def test_html_device_chart_matches_json(bundle, html):
    rows = bundle["json"]["organizations"]
    expected = [(str(r["organizations"][0]), series, r[f"{series}_devices"]) for r in rows for series in ("processed", "failed")]
    assert [(b["group"]["data-organization"], b["class"], b["value"]) for b in html.bars] == expected
    # Bar lengths are proportional to the values, the longest at full scale.
    scale = max(b["width"] for b in html.bars) / max(b["value"] for b in html.bars)
    for rect in html.bars:
        assert rect["width"] == pytest.approx(rect["value"] * scale, abs=0.06)


def test_html_error_chart_matches_json(bundle, html):
    errors = bundle["json"]["totals"]["error_summary"]
    assert sum(errors.values()) == bundle["json"]["totals"]["failed_devices"] > 0
    assert [(b["group"]["data-category"], b["value"]) for b in html.error_bars] == sorted(errors.items())
    scale = max(b["width"] for b in html.error_bars) / max(errors.values())
    for rect in html.error_bars:
        assert rect["width"] == pytest.approx(rect["value"] * scale, abs=0.06)


def test_html_is_self_contained(html):
    assert not {"script", "link", "img", "iframe", "object", "embed"} & set(html.tags)
    for name, value in html.attributes:
        assert name not in ("src", "href"), (name, value)
        if name == "xmlns":
            continue
        assert "://" not in (value or ""), (name, value)
    assert "style" in html.tags and "svg" in html.tags


def test_sha256sums_verify(bundle):
    lines = (bundle["dir"] / "SHA256SUMS").read_text().splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    assert sorted(listed) == ["compliance.csv", "compliance.html", "compliance.json"]
    for name, digest in listed.items():
        assert hashlib.sha256((bundle["dir"] / name).read_bytes()).hexdigest() == digest, name
    if shutil.which("sha256sum"):
        subprocess.run(["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=bundle["dir"], check=True, capture_output=True)


def test_sha256sums_catch_a_changed_file(bundle, tmp_path):
    copy = tmp_path / "bundle"
    shutil.copytree(bundle["dir"], copy)
    with open(copy / "compliance.csv", "a") as handle:
        handle.write("999,forged,completed,100,1,1,0,0.0,,\n")
    listed = dict(reversed(line.split("  ", 1)) for line in (copy / "SHA256SUMS").read_text().splitlines())
    assert hashlib.sha256((copy / "compliance.csv").read_bytes()).hexdigest() != listed["compliance.csv"]


def test_csv_matches_json(bundle):
    with open(bundle["dir"] / "compliance.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["organization_id"], r["operation_id"], int(r["failed_devices"])) for r in rows] == [
        (str(o["organizations"][0]), o["id"], o["failed_devices"]) for o in bundle["json"]["organizations"]
    ]


def test_token_is_in_no_file_and_no_output(bundle, fast_emulator):
    token = fast_emulator.token
    for path in Path(bundle["dir"]).iterdir():
        assert token not in path.read_text(), path.name
    assert token not in bundle["stdout"]


def test_rerun_with_a_fixed_as_of_changes_nothing(playbooks, api, tmp_path):
    as_of = api.simulated_now()  # already reached on the emulator's fast clock: runs at once
    extra = {
        "compliance_collection_organizations": [104],
        "compliance_collection_as_of": as_of,
        "compliance_collection_report_dir": str(tmp_path),
        "compliance_collection_timeout_minutes": 1440,
        "compliance_collection_max_failed_percent": 50,
        "compliance_collection_report_interval": 5,
    }
    first = playbooks.run("compliance_collection", extra)
    assert first.returncode == 0, first.stdout[-3000:]
    second = playbooks.run("compliance_collection", extra)
    assert second.returncode == 0, second.stdout[-3000:]
    assert recap(first.stdout)["changed"] > 0
    assert recap(second.stdout)["changed"] == 0
    assert len([op for op in api.operations() if op["operation_details"]["organization_ids"] == [104]]) == 1


def test_failures_over_the_threshold_fail_after_writing_the_bundle(playbooks, tmp_path):
    result = playbooks.run(
        "compliance_collection",
        {
            "compliance_collection_organizations": [903, 105],
            "compliance_collection_report_dir": str(tmp_path),
            "compliance_collection_timeout_minutes": 1440,
            "compliance_collection_max_failed_percent": 60,
            "compliance_collection_report_interval": 5,
        },
    )
    assert result.returncode == 2, result.stdout[-3000:]
    assert "organization 903 (operation" in result.stdout
    assert "organization 105 (" not in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    (folder,) = tmp_path.glob("compliance-*")
    report = json.loads((folder / "compliance.json").read_text())
    assert {r["organizations"][0]: r["status"] for r in report["organizations"]} == {105: "completed", 903: "failed"}


def test_the_bundle_records_the_url_the_modules_used(playbooks, api, tmp_path):
    """The playbook feeds one variable to module_defaults and to the bundle: overriding it moves both."""
    elsewhere = f"http://127.0.0.1:{free_port()}/api/v1"  # nothing listens there
    result, requests = requests_during(
        playbooks.emulator,
        lambda: playbooks.run(
            "compliance_collection",
            {
                "compliance_collection_organizations": [110],
                "compliance_collection_report_dir": str(tmp_path),
                "compliance_collection_api_url": api.emulator.api_url,
                "compliance_collection_timeout_minutes": 1440,
                "compliance_collection_max_failed_percent": 100,
                "compliance_collection_report_interval": 5,
            },
            env={"ZEQUENZE_API_URL": elsewhere},
        ),
    )
    assert result.returncode == 0, result.stdout[-3000:]
    # Two listings for the organization's create (the module looks for a match, then confirms no
    # concurrent run made the same operation); then reads by id only.
    assert len(listing_pages(requests)) == 2, requests
    (folder,) = tmp_path.glob("compliance-*")
    metadata = json.loads((folder / "compliance.json").read_text())["metadata"]
    assert metadata["api_url"] == api.emulator.api_url
    assert [op["operation_type"] for op in api.operations() if op["operation_details"]["organization_ids"] == [110]] == ["compliance_report"]


def test_check_mode_starts_nothing_and_writes_nothing(playbooks, api, tmp_path):
    before = len(api.operations())
    result = playbooks.run(
        "compliance_collection", {"compliance_collection_organizations": [106], "compliance_collection_report_dir": str(tmp_path)}, "--check", "--diff"
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert len(api.operations()) == before
    assert list(tmp_path.iterdir()) == []
    assert '"operation_type": "compliance_report"' in result.stdout or "operation_type: compliance_report" in result.stdout
