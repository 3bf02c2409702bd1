"""`zequenze-control-emulator`: parse options, load files, open the database, serve."""

from __future__ import annotations

import argparse
import fcntl
import importlib.metadata
import importlib.util
import ipaddress
import json
import logging
import socket
import sys

from .clock import SimulatedClock, real_now_us
from .fleet import TROUBLED, Fleet
from .settings import DEMO_TOKEN, ConfigError, load_faults, load_tokens

LOOPBACK_NAMES = ("localhost",)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zequenze-control-emulator",
        description="Emulator of the Zequenze Control API's headless inventory operations.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8787, help="port to listen on; 0 picks a free one (default: 8787)")
    parser.add_argument(
        "--db",
        default="zequenze-control-emulator.db",
        help="SQLite database file; operations survive restarts on the same file " "(default: zequenze-control-emulator.db)",
    )
    parser.add_argument(
        "--tokens",
        metavar="FILE",
        help="YAML tokens file; without it one token, demo-token, sees every organization " "and the server only listens on loopback",
    )
    parser.add_argument("--time-scale", type=float, default=1.0, metavar="X", help="simulated seconds per real second (default: 1)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the device fleet, device failures and faults (default: 0)")
    parser.add_argument("--faults", default="none", metavar="PROFILE", help="none (default), flaky, or a YAML file of fault rates")
    parser.add_argument(
        "--refresh-seconds", type=float, default=30.0, metavar="S", help="simulated seconds a record may lag without update_status=true (default: 30)"
    )
    parser.add_argument("--tls-cert", metavar="FILE", help="PEM certificate (chain); serves HTTPS with --tls-key")
    parser.add_argument("--tls-key", metavar="FILE", help="PEM private key for --tls-cert")
    parser.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug"))
    parser.add_argument("--no-access-log", action="store_true", help="do not log each request")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument(
        "--print-fleet", action="store_true", help="print the device fleet for --seed as JSON (counts per organization, type and status) and exit"
    )
    return parser


def _version() -> str:
    try:
        return importlib.metadata.version("zequenze-control-emulator")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return all(ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None))
        except (OSError, ValueError):
            return False


def check_arguments(args) -> None:
    if not 0 <= args.port <= 65535:
        raise ConfigError(f"--port: expected 0 to 65535, got {args.port}")
    if not args.time_scale > 0 or args.time_scale > 1e9:
        raise ConfigError(f"--time-scale: expected a number above 0 (at most 1e9), got {args.time_scale}")
    if not args.refresh_seconds > 0:
        raise ConfigError(f"--refresh-seconds: expected a number above 0, got {args.refresh_seconds}")
    if bool(args.tls_cert) != bool(args.tls_key):
        raise ConfigError("--tls-cert and --tls-key go together: give both or neither")
    if args.tokens is None and not is_loopback(args.host):
        raise ConfigError(
            f"--host {args.host}: the built-in demo-token sees every organization, so without --tokens "
            "the emulator only listens on loopback (127.0.0.1, ::1, localhost)"
        )


def check_demo_token(args, tokens) -> None:
    """A tokens file may name demo-token, the documented well-known token: then it is as
    guessable as the built-in one, so the server stays on loopback as it does without --tokens."""
    if args.tokens is not None and DEMO_TOKEN in tokens and not is_loopback(args.host):
        raise ConfigError(
            f"--host {args.host}: --tokens {args.tokens} names {DEMO_TOKEN}, the documented well-known token, "
            "so the emulator only listens on loopback (127.0.0.1, ::1, localhost); rename that token to "
            "listen beyond loopback"
        )


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.print_fleet:
        summary = Fleet(args.seed).summary()
        print(
            json.dumps(
                {
                    "seed": args.seed,
                    "organizations": summary,
                    "troubled_organizations": {t.organization: t.description for t in TROUBLED.values()},
                },
                indent=2,
            )
        )
        return 0
    try:
        check_arguments(args)
        tokens = load_tokens(args.tokens)
        check_demo_token(args, tokens)
        faults = load_faults(args.faults)
    except ConfigError as exc:
        parser.exit(2, f"zequenze-control-emulator: error: {exc}\n")
    serve(args, tokens, faults)
    return 0


def serve(args, tokens, faults) -> None:
    # Imported here so that --help and configuration errors stay fast.
    import uvicorn

    from .app import create_app
    from .faults import FaultInjector, QuietDroppedConnections
    from .operations import Operations
    from .store import Store

    lock = lock_database(args.db)  # held (open) for the life of the process
    try:
        store = Store(args.db)
    except Exception as exc:  # sqlite3 errors name the problem; no traceback for a bad path
        print(f"zequenze-control-emulator: error: --db {args.db}: {exc}", file=sys.stderr)
        sys.exit(2)
    real = real_now_us()
    anchor_sim, anchor_real = store.clock_anchor(args.time_scale, real)
    clock = SimulatedClock(anchor_sim, anchor_real, args.time_scale)
    operations = Operations(store, Fleet(args.seed), clock, args.seed, args.refresh_seconds)
    app = create_app(operations, tokens, args.time_scale)
    if faults.active:
        app = FaultInjector(app, faults, args.seed)
        logging.getLogger("uvicorn.error").addFilter(QuietDroppedConnections())

    fast = importlib.util.find_spec("uvloop") and importlib.util.find_spec("httptools")
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        loop="uvloop" if fast else "asyncio",
        http="httptools" if fast else "h11",
        lifespan="off",
        log_level=args.log_level,
        access_log=not args.no_access_log,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        backlog=2048,
        timeout_keep_alive=30,
    )
    store.close()
    lock.close()


def lock_database(db: str):
    """Exclusive lock on `<db>.lock` before the database is touched: a second emulator on the
    same file would otherwise rewrite the running one's clock anchor. Released when the process
    ends, however it ends (kill -9 included). Exits 2 when another process holds it."""
    path = f"{db}.lock"
    try:
        lock = open(path, "a+b")  # pylint: disable=consider-using-with
    except OSError as exc:
        print(f"zequenze-control-emulator: error: --db {db}: unable to open database file " f"(its lock file {path}: {exc.strerror or exc})", file=sys.stderr)
        sys.exit(2)
    try:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        print(
            f"zequenze-control-emulator: error: --db {db}: another emulator is using DB {db} " f"(it holds {path}); stop it or use another --db",
            file=sys.stderr,
        )
        sys.exit(2)
    return lock


if __name__ == "__main__":
    sys.exit(main())
