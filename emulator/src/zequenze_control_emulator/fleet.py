"""A deterministic device fleet derived from the seed; nothing of it is stored."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .vocabulary import DEVICE_STATUSES, DEVICE_TYPES

FIRST_ORGANIZATION = 101
ORGANIZATION_COUNT = 24
DEVICES_PER_ORGANIZATION = (40, 320)
TYPE_WEIGHTS = {"router": 15, "switch": 40, "access_point": 35, "firewall": 10}
STATUS_WEIGHTS = {"active": 75, "pending": 15, "inactive": 10}
TYPE_CODES = {"router": "RT", "switch": "SW", "access_point": "AP", "firewall": "FW"}
FIRMWARE = {
    "router": ("15.9.3", "16.12.4", "17.6.5", "17.9.4"),
    "switch": ("9.3.8", "10.2.5", "10.3.3", "10.4.1"),
    "access_point": ("8.10.130", "8.10.185", "17.9.4", "17.12.2"),
    "firewall": ("6.4.15", "7.0.13", "7.2.8", "7.4.4"),
}
# The oldest release of each type: the only firmware that can fail as unsupported.
LEGACY_FIRMWARE = {versions[0] for versions in FIRMWARE.values()}


@dataclass(frozen=True)
class TroubledOrganization:
    """An organization whose operations misbehave on purpose, for monitoring tests."""

    organization: int
    devices: int
    behaviour: str  # stall | slow | unreachable
    description: str


TROUBLED = {
    t.organization: t
    for t in (
        TroubledOrganization(901, 60, "stall", "operations stop making progress at 40% and fail at their timeout"),
        TroubledOrganization(902, 60, "slow", "operations run 3 times slower than estimated, so they become overdue"),
        TroubledOrganization(903, 12, "unreachable", "every device fails with a connection timeout, so operations fail"),
    )
}
STALL_FRACTION = 0.4
SLOWDOWN = 3


@dataclass(frozen=True)
class Device:
    organization: int
    serial: str
    device_type: str
    status: str
    firmware: str


class Fleet:
    def __init__(self, seed: int):
        self.seed = seed
        self.devices = {}
        for organization in range(FIRST_ORGANIZATION, FIRST_ORGANIZATION + ORGANIZATION_COUNT):
            rng = random.Random(f"fleet:{seed}:{organization}")
            self.devices[organization] = _generate(rng, organization, rng.randint(*DEVICES_PER_ORGANIZATION))
        for troubled in TROUBLED.values():
            rng = random.Random(f"fleet:{seed}:{troubled.organization}")
            self.devices[troubled.organization] = _generate(rng, troubled.organization, troubled.devices)

    def matching(self, organizations, device_types, device_statuses) -> list:
        """Devices of the organizations (in the given order) that pass both filters."""
        types, statuses = set(device_types), set(device_statuses)
        return [
            device
            for organization in organizations
            for device in self.devices.get(organization, ())
            if device.device_type in types and device.status in statuses
        ]

    def summary(self) -> dict:
        """Device counts per organization, type and status (for `--print-fleet`)."""
        counts = {}
        for organization, devices in self.devices.items():
            table = {t: {s: 0 for s in DEVICE_STATUSES} for t in DEVICE_TYPES}
            for device in devices:
                table[device.device_type][device.status] += 1
            counts[organization] = table
        return counts


def _generate(rng: random.Random, organization: int, count: int) -> tuple:
    devices = []
    for _device in range(count):
        device_type = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0]
        status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
        serial = f"ZQ-{TYPE_CODES[device_type]}-{organization:04d}-{rng.getrandbits(32):08X}"
        devices.append(Device(organization, serial, device_type, status, rng.choice(FIRMWARE[device_type])))
    return tuple(devices)
