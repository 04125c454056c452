"""The `kerasgan` command line: one subcommand per verb.

Each subcommand lives in its own module under `kerasgan/commands/` with three
names: `SUMMARY` (one line for `kerasgan --help`), `add_arguments(parser)` and
`run(args)` (or, for sub-verbs, `set_defaults(_run=...)` on each sub-parser). Those modules import TensorFlow only inside `run`, so `--help`
answers in a fraction of a second.
"""

import argparse
import importlib
import os
import sys

from kerasgan import __version__
from kerasgan.errors import KerasganError
from kerasgan.quiet import quiet_command_line

# Subcommand name -> module under kerasgan/commands/. The order is the order in --help.
COMMANDS = {
    "train": "train",
    "generate": "generate",
    "project": "project",
    "align-face": "align_face",
    "class-photo": "class_photo",
    "evaluate": "evaluate",
    "dataset": "dataset",
    "live": "live",
    "biggan": "biggan",
    "grade": "grade",
    "export": "export",
    "convert": "convert",
    "playground": "playground",
    "drum-machine": "drum_machine",
}

EXAMPLES = """\
examples:
  kerasgan train dcgan --dataset mnist --epochs 5
  kerasgan train dcgan --dataset cifar10 --loss hinge --outdir results
  kerasgan generate --snapshot results/00000-dcgan-mnist/generator-000005.keras --num 64 --out grid.png
  kerasgan dataset video "https://www.youtube.com/watch?v=..." --out datasets/waves --size 256
  kerasgan biggan --classes "golden retriever" hen --num 8 --out grid.png

Run `kerasgan COMMAND --help` for each command's options and examples.
"""


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the example command lines in epilogs exactly as written."""


def _available_commands():
    """The subcommand modules that exist in this installation, imported (they are light)."""
    available = {}
    for name, module_name in COMMANDS.items():
        try:
            module = importlib.import_module(f"kerasgan.commands.{module_name}")
        except ModuleNotFoundError as error:
            if error.name != f"kerasgan.commands.{module_name}":
                raise
            continue
        available[name] = module
    return available


def build_parser():
    parser = argparse.ArgumentParser(
        prog="kerasgan",
        description="Train, sample, measure and grade GANs (Keras 3 on TensorFlow).",
        epilog=EXAMPLES,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"kerasgan {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in _available_commands().items():
        subparser = subparsers.add_parser(
            name,
            help=module.SUMMARY,
            description=module.SUMMARY,
            epilog=getattr(module, "EXAMPLES", None),
            formatter_class=HelpFormatter,
        )
        # A module with sub-verbs (train dcgan, grade run) sets `_run` per sub-verb instead.
        if hasattr(module, "run"):
            subparser.set_defaults(_run=module.run)
        module.add_arguments(subparser)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    # Subcommands with their own sub-verbs (train dcgan, grade run) set their own _run.
    try:
        # TensorFlow's log lines hidden unless asked for (kerasgan/quiet.py): before it loads.
        with quiet_command_line(verbose=getattr(args, "verbose", None)):
            status = args._run(args)
    except KeyboardInterrupt:
        print("kerasgan: interrupted.", file=sys.stderr)
        return 130
    except (KerasganError, ValueError, OSError) as error:
        if os.environ.get("KERASGAN_DEBUG"):
            raise
        print(f"kerasgan: error: {error}", file=sys.stderr)
        return 2
    return 0 if status is None else int(status)


def run_kerasgan(*arguments):
    """Runs one `kerasgan ...` command line from Python (an example, a notebook), as a terminal would.

    Prints the command line first, so a reader sees what to type elsewhere, and stops with
    SystemExit when the command fails (its sentence is printed above).

    Example:

    ```python
    run_kerasgan("align-face", "selfie.jpg", "--out", "aligned")
    ```
    """
    import shlex

    arguments = [str(argument) for argument in arguments]
    print("$ kerasgan", shlex.join(arguments), flush=True)
    status = main(arguments)
    if status != 0:
        raise SystemExit(f"kerasgan {arguments[0]} stopped with exit status {status} (see above).")


if __name__ == "__main__":
    raise SystemExit(main())
