-- wrk: POST the document's example configuration, scheduled for a fixed window.
local token = os.getenv("TOKEN") or "demo-token"
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"operation_type": "bulk_serial_sync", "target_organizations": [101, 102, 103],
"device_filters": {"types": ["router", "switch"], "status": ["active", "pending"]},
"schedule": {"execute_at": "2030-01-16T02:00:00Z", "priority": "normal"},
"options": {"update_firmware_info": true, "validate_connectivity": true, "timeout_minutes": 120}}]]
