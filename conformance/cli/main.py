"""The ``sgw-conformance`` command: argument parsing and dispatch to subcommands.

Each subcommand lives in the module of its concept and exposes ``configure(parser)`` and
``command(args) -> int``; this module only wires them together and maps errors to exit
codes (0 ok, 1 conformance failure or check failure, 2 usage/configuration error).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from conformance.errors import SgwConformanceError, UsageError
from conformance.version import __version__

DESCRIPTION = """\
Test whether an endpoint answers the AWS Storage Gateway CreateSnapshot API as AWS does, rule by
rule with evidence. With no endpoint it tests its own reference endpoint; point it at yours with
`sgw-conformance run --endpoint URL` (or AWS_ENDPOINT_URL). Exit 0: conformant, 1: a rule failed,
2: a usage or setup problem. `sgw-conformance run --help` lists everything run can do."""

# subcommand -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "run": ("conformance.cli.run", "run the conformance suite against an endpoint"),
    "serve": ("conformance.cli.serve", "serve the reference CreateSnapshot endpoint"),
    "schemas": ("conformance.cli.schemas", "check, compare or export the JSON Schemas"),
    "replay": ("conformance.cli.replay", "re-send one recorded case from a report"),
    "compare": ("conformance.cli.compare", "compare an endpoint with a recording of another, or two live"),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        command = self.prog.removeprefix("sgw-conformance").strip()
        raise UsageError(f"{command + ': ' if command else ''}{message} (see {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sgw-conformance", description=DESCRIPTION,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subs = parser.add_subparsers(dest="subcommand", metavar="COMMAND", parser_class=_Parser)
    subs.required = True
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # not built yet
        sub = subs.add_parser(name, help=help_text, description=help_text)
        module.configure(sub)
        sub.set_defaults(handler=module.command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return int(args.handler(args))
    except SgwConformanceError as exc:
        print(f"sgw-conformance: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("sgw-conformance: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # a bug of ours: one line, never a traceback (unless asked)
        if os.environ.get("SGW_CONFORMANCE_DEBUG"):
            raise
        print(f"sgw-conformance: internal error: {type(exc).__name__}: {exc} "
              "(set SGW_CONFORMANCE_DEBUG=1 for the traceback)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
