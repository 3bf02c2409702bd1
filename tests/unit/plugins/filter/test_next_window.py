# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The maintenance-window filter: local calendar days, DST changes, a window just passed."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import datetime

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.zequenze.control.plugins.filter.next_window import FilterModule, next_window


def test_window_still_ahead_today():
    assert next_window("02:00", "UTC", now="2026-11-25T01:59:59Z") == "2026-11-25T02:00:00+00:00"


def test_window_that_has_just_passed_moves_to_tomorrow():
    assert next_window("02:00", "UTC", now="2026-11-25T02:00:01Z") == "2026-11-26T02:00:00+00:00"


def test_window_starting_this_very_second_counts_as_passed():
    assert next_window("02:00", "UTC", now="2026-11-25T02:00:00+00:00") == "2026-11-26T02:00:00+00:00"


def test_rerun_before_the_window_gives_the_same_answer():
    first = next_window("02:00", "Europe/Madrid", now="2026-11-25T18:00:00+00:00")
    later = next_window("02:00", "Europe/Madrid", now="2026-11-26T00:59:00+00:00")
    assert first == later == "2026-11-26T02:00:00+01:00"


def test_reference_time_is_read_in_the_window_zone():
    # 23:30 UTC on the 25th is already 00:30 on the 26th in Madrid: tonight's window is the 26th.
    assert next_window("02:00", "Europe/Madrid", now="2026-11-25T23:30:00Z") == "2026-11-26T02:00:00+01:00"


def test_spring_forward_keeps_wall_clock_time_of_the_next_day():
    # Berlin moves from +01:00 to +02:00 at 02:00 on 2026-03-29; 24 hours later would be 05:00 local.
    assert next_window("04:00", "Europe/Berlin", now="2026-03-28T12:00:00+01:00") == "2026-03-29T04:00:00+02:00"


def test_fall_back_keeps_wall_clock_time_of_the_next_day():
    # Berlin moves from +02:00 to +01:00 at 03:00 on 2026-10-25.
    assert next_window("04:00", "Europe/Berlin", now="2026-10-24T12:00:00+02:00") == "2026-10-25T04:00:00+01:00"


def test_start_inside_the_spring_forward_gap_moves_forward_by_the_gap():
    # 02:30 does not exist in New York on 2026-03-08; 2.5 elapsed hours after midnight is 03:30 EDT.
    assert next_window("02:30", "America/New_York", now="2026-03-07T20:00:00-05:00") == "2026-03-08T03:30:00-04:00"


def test_start_repeated_by_fall_back_uses_first_occurrence():
    # 01:30 happens twice in New York on 2026-11-01; the first is still EDT.
    assert next_window("01:30", "America/New_York", now="2026-10-31T20:00:00-04:00") == "2026-11-01T01:30:00-04:00"


def test_window_passed_during_the_repeated_hour_goes_to_tomorrow():
    # Second 01:15 (EST) is after the first 01:00 (EDT) window: next one is the 2nd.
    assert next_window("01:00", "America/New_York", now="2026-11-01T01:15:00-05:00") == "2026-11-02T01:00:00-05:00"


def test_default_now_is_the_current_time_and_ahead_of_it():
    result = datetime.datetime.fromisoformat(next_window("00:00"))
    now = datetime.datetime.now(datetime.timezone.utc)
    assert now < result <= now + datetime.timedelta(days=1)
    assert result.utcoffset() == datetime.timedelta(0)


def test_filter_is_registered_under_its_name():
    assert FilterModule().filters() == {"next_window": next_window}


@pytest.mark.parametrize("start", ["2:00am", "24:00", "02:60", "", None, 200, "02:00:00"])
def test_bad_start_names_the_expected_format(start):
    with pytest.raises(AnsibleFilterError, match=r"window start must be a string 'HH:MM'"):
        next_window(start)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", None, "../etc/passwd"])
def test_bad_timezone_names_the_field(zone):
    with pytest.raises(AnsibleFilterError, match=r"timezone"):
        next_window("02:00", zone)


@pytest.mark.parametrize("now", ["yesterday", "2026-11-25T02:00:00", datetime.datetime(2026, 11, 25, 2, 0), 42])
def test_now_without_offset_is_refused(now):
    with pytest.raises(AnsibleFilterError, match=r"now must be an ISO 8601 timestamp with an offset"):
        next_window("02:00", "UTC", now=now)


def test_now_is_read_like_the_api_timestamps():
    assert next_window("02:00", "UTC", now="2026-11-25 01:59:59.5 z") == "2026-11-25T02:00:00+00:00"
    assert next_window("02:00", "UTC", now="2026-11-25T03:00:00+0100") == "2026-11-26T02:00:00+00:00"


def test_now_may_be_a_datetime():
    now = datetime.datetime(2026, 11, 25, 3, 0, tzinfo=datetime.timezone.utc)
    assert next_window("02:00", now=now) == "2026-11-26T02:00:00+00:00"
