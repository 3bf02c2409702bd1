"""The closed sets of values the API knows."""

OPERATION_TYPES = ("bulk_serial_sync", "inventory_audit", "status_update", "compliance_report")
DEVICE_TYPES = ("router", "switch", "access_point", "firewall")
DEVICE_STATUSES = ("active", "pending", "inactive")
PRIORITIES = ("low", "normal", "high")
STATUSES = ("scheduled", "in_progress", "completed", "failed", "cancelled")
ERROR_CATEGORIES = ("connection_timeouts", "authentication_failures", "unsupported_firmware")

MAX_ORGANIZATION_ID = 2**31 - 1
# Organizations one operation may target: more is a mistake, not an estate.
MAX_ORGANIZATIONS = 10000
TIMEOUT_MINUTES_RANGE = (1, 1440)
DEFAULT_OPTIONS = {"update_firmware_info": False, "validate_connectivity": False, "timeout_minutes": 1440}
DEFAULT_PRIORITY = "normal"
