"""Reading the tokens and faults files; a ConfigError names the file, the field and what was expected."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from .validation import is_integer
from .vocabulary import MAX_ORGANIZATION_ID

DEMO_TOKEN = "demo-token"


class ConfigError(Exception):
    pass


def _load_yaml(path: str, option: str):
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except OSError as exc:
        raise ConfigError(f"{option} {path}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{option} {path}: not valid YAML: {exc}") from None


def load_tokens(path: str | None) -> dict:
    """{token: frozenset of organizations, or None for all}."""
    if path is None:
        return {DEMO_TOKEN: None}
    where = f"--tokens {path}"
    document = _load_yaml(path, "--tokens")
    if not isinstance(document, dict) or not isinstance(document.get("tokens"), dict) or not document["tokens"]:
        raise ConfigError(f"{where}: expected a mapping `tokens: {{TOKEN: {{organizations: [101, 102]}}}}` with at least one token")
    unknown = set(document) - {"tokens"}
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(map(str, sorted(unknown, key=str)))}; expected only `tokens`")
    tokens = {}
    for token, entry in document["tokens"].items():
        field = f"tokens.{token}"
        if not isinstance(token, str) or not token.strip() or any(c.isspace() for c in token):
            raise ConfigError(f"{where}: {field}: a token must be a non-empty string without spaces")
        if not isinstance(entry, dict) or set(entry) != {"organizations"}:
            raise ConfigError(f'{where}: {field}: expected `{{organizations: [ids]}}` or `{{organizations: "*"}}`')
        organizations = entry["organizations"]
        if organizations == "*":
            tokens[token] = None
        elif isinstance(organizations, list) and organizations and all(is_integer(o) and 1 <= o <= MAX_ORGANIZATION_ID for o in organizations):
            tokens[token] = frozenset(organizations)
        else:
            raise ConfigError(f'{where}: {field}.organizations: expected a non-empty list of organization ids (integers) or "*"')
    return tokens


@dataclass(frozen=True)
class FaultProfile:
    """Rates are probabilities per API request (healthz is never faulted)."""

    error_500: float = 0.0
    error_503: float = 0.0
    rate_limit_429: float = 0.0
    retry_after_seconds: int = 1
    burst_min: int = 1  # a 500/503 repeats for this many consecutive API requests ...
    burst_max: int = 1  # ... up to this many
    latency_rate: float = 0.0
    latency_min_ms: int = 0
    latency_max_ms: int = 0
    drop_after_create: float = 0.0
    # Hostile answers to a POST the server did save: a proxy's error after the backend committed.
    save_then_503: float = 0.0
    save_then_429: float = 0.0
    save_then_500: float = 0.0
    save_then_reset: float = 0.0  # the same as drop_after_create
    late_save_rate: float = 0.0  # the POST is held this long, then saved and answered
    late_save_ms: int = 0
    listing_lag_seconds: float = 0.0  # a listing omits operations saved less than this long ago
    seed: int | None = None  # defaults to --seed

    @property
    def active(self) -> bool:
        return any(
            (
                self.error_500,
                self.error_503,
                self.rate_limit_429,
                self.latency_rate,
                self.drop_after_create,
                self.save_then_503,
                self.save_then_429,
                self.save_then_500,
                self.save_then_reset,
                self.late_save_rate,
                self.listing_lag_seconds,
            )
        )


FLAKY = FaultProfile(
    error_500=0.04,
    error_503=0.04,
    rate_limit_429=0.04,
    retry_after_seconds=1,
    burst_min=1,
    burst_max=3,
    latency_rate=0.2,
    latency_min_ms=20,
    latency_max_ms=200,
    drop_after_create=0.1,
)

SAVE_THEN_KEYS = ("save_then_503", "save_then_429", "save_then_500", "save_then_reset")
FAULT_KEYS = (
    "error_500",
    "error_503",
    "rate_limit_429",
    "retry_after_seconds",
    "burst",
    "latency",
    "drop_after_create",
    *SAVE_THEN_KEYS,
    "late_save",
    "listing_lag_seconds",
    "seed",
)


def load_faults(value: str) -> FaultProfile:
    """`none`, `flaky` or a YAML file (see docs/emulator.md)."""
    if value == "none":
        return FaultProfile()
    if value == "flaky":
        return FLAKY
    where = f"--faults {value}"
    document = _load_yaml(value, "--faults")
    if document is None:
        return FaultProfile()
    if not isinstance(document, dict):
        raise ConfigError(f"{where}: expected a mapping of fault rates (keys: {', '.join(FAULT_KEYS)})")
    unknown = [str(k) for k in document if k not in FAULT_KEYS]
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; expected some of {', '.join(FAULT_KEYS)}")
    fields = {}
    for key in ("error_500", "error_503", "rate_limit_429", "drop_after_create", *SAVE_THEN_KEYS):
        if key in document:
            fields[key] = _rate(document[key], f"{where}: {key}")
    if fields.get("error_500", 0) + fields.get("error_503", 0) + fields.get("rate_limit_429", 0) > 1:
        raise ConfigError(f"{where}: error_500 + error_503 + rate_limit_429 must not exceed 1")
    if sum(fields.get(key, 0) for key in SAVE_THEN_KEYS) > 1:
        raise ConfigError(f"{where}: {' + '.join(SAVE_THEN_KEYS)} must not exceed 1")
    if "late_save" in document:
        late = _mapping(document["late_save"], f"{where}: late_save", ("rate", "delay_ms"))
        if "delay_ms" not in late:
            raise ConfigError(f"{where}: late_save: expected a mapping with delay_ms (and rate, default 1.0)")
        fields["late_save_rate"] = _rate(late.get("rate", 1.0), f"{where}: late_save.rate")
        fields["late_save_ms"] = _integer(late["delay_ms"], f"{where}: late_save.delay_ms", 1, 600_000)
    if "listing_lag_seconds" in document:
        lag = document["listing_lag_seconds"]
        if isinstance(lag, bool) or not isinstance(lag, (int, float)) or not 0 <= lag <= 3600:
            raise ConfigError(f"{where}: listing_lag_seconds: expected a number of seconds from 0 to 3600, got {lag!r}")
        fields["listing_lag_seconds"] = float(lag)
    if "retry_after_seconds" in document:
        fields["retry_after_seconds"] = _integer(document["retry_after_seconds"], f"{where}: retry_after_seconds", 0, 3600)
    if "seed" in document:
        fields["seed"] = _integer(document["seed"], f"{where}: seed", 0, 2**63 - 1)
    if "burst" in document:
        burst = _mapping(document["burst"], f"{where}: burst", ("min", "max"))
        fields["burst_min"] = _integer(burst.get("min", 1), f"{where}: burst.min", 1, 1000)
        fields["burst_max"] = _integer(burst.get("max", fields["burst_min"]), f"{where}: burst.max", fields["burst_min"], 1000)
    if "latency" in document:
        latency = _mapping(document["latency"], f"{where}: latency", ("rate", "min_ms", "max_ms"))
        fields["latency_rate"] = _rate(latency.get("rate", 1.0), f"{where}: latency.rate")
        fields["latency_min_ms"] = _integer(latency.get("min_ms", 0), f"{where}: latency.min_ms", 0, 600_000)
        fields["latency_max_ms"] = _integer(latency.get("max_ms", fields["latency_min_ms"]), f"{where}: latency.max_ms", fields["latency_min_ms"], 600_000)
    return FaultProfile(**fields)


def _rate(value, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ConfigError(f"{field}: expected a rate from 0 to 1, got {value!r}")
    return float(value)


def _integer(value, field: str, low: int, high: int) -> int:
    if not is_integer(value) or not low <= value <= high:
        raise ConfigError(f"{field}: expected an integer from {low} to {high}, got {value!r}")
    return value


def _mapping(value, field: str, keys: tuple) -> dict:
    if not isinstance(value, dict) or not set(value) <= set(keys):
        raise ConfigError(f"{field}: expected a mapping with keys among {', '.join(keys)}")
    return value
