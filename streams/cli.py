"""``breakwater``: the one command-line entry point.

Each sub-command lives in its own module, which exposes ``register(subparsers)``:
it adds its parser and sets ``func`` (called with the parsed args, returns an exit
code).
"""
from __future__ import annotations

import argparse
import importlib
import sys
import warnings

#: Modules that contribute sub-commands, in the order ``--help`` lists them.
COMMAND_MODULES = (
    "streams.kafka_local",      # kafka start|stop|status
    "streams.topics",           # topics create|list
    "streams.worker_cmd",       # worker
    "streams.replay",           # replay
    "streams.demo",             # up (what `make demo` runs)
    "streams.config_cmd",       # config get|set|history|shadow|promote|discard|diff|confirm-surge
    "offline.simulate",         # simulate
    "offline.evaluate",         # evaluate
    "offline.importers",        # import cresci|botometer|twitter-io
)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="breakwater",
        description="Real-time detection of spam-account waves on Kafka.",
        epilog="Run 'breakwater COMMAND --help' for the options of one command.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="kafka")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `breakwater kafka status | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
