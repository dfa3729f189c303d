"""`python -m winkube.webhook serve [options]` — the webhook server on the main thread (signals).

`winkube webhook serve` continues here with its parsed options in $WINKUBE_WEBHOOK_ARGS.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from .command import ENV_ARGS, add_arguments, check_serve_args, serve_now


def main(argv=None) -> int:
    raw = os.environ.pop(ENV_ARGS, None)
    if raw is not None:
        args = argparse.Namespace(**json.loads(raw))
    else:
        parser = argparse.ArgumentParser(prog="python -m winkube.webhook")
        add_arguments(parser)
        args = parser.parse_args(argv)
        if args.webhook_command != "serve":
            from .command import run
            return run(args)
    problem = check_serve_args(args)
    if problem:
        print(f"winkube: error: {problem}", file=sys.stderr)
        return 2
    return serve_now(args)


if __name__ == "__main__":
    sys.exit(main())
