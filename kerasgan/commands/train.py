"""`kerasgan train MODEL`: train a GAN into a resumable run folder.

One sub-verb per row of the recipe table (`kerasgan/training/recipes/__init__.py`),
each with one flag per field of the model's options dataclass: the flags, their help
and their defaults are all made from the recipes, none is written here.
"""

import argparse

from kerasgan.training.options import TrainingOptions, command_line_options, default_of
from kerasgan.training.recipes import RECIPES

SUMMARY = f"Train a GAN ({', '.join(RECIPES)}) into a resumable run folder."

RESUMING = """
Running the same command again continues the newest run with the same options
(--resume auto): a Colab disconnect or Ctrl-C loses at most one interval.
"""


def add_arguments(parser):
    models = parser.add_subparsers(dest="model", metavar="MODEL")
    for model, recipe in RECIPES.items():
        subparser = models.add_parser(
            model, help=recipe.summary, description=recipe.summary,
            epilog=recipe.examples + RESUMING, formatter_class=parser.formatter_class,
        )  # fmt: skip
        for option in command_line_options(recipe.options):
            subparser.add_argument(option.flag, dest=option.name, **option.arguments)
        for option in _options_it_does_not_use(recipe):
            # Another model's flag: not in this one's --help, refused in one sentence if given.
            subparser.add_argument(option.flag, dest=option.name, help=argparse.SUPPRESS)
        _add_run_arguments(subparser)
        subparser.set_defaults(_run=run_training)
    parser.set_defaults(_run=_missing_model(parser))


def _add_run_arguments(parser):
    parser.add_argument("--outdir", default="results", help="where run folders go (default: results)")
    parser.add_argument(
        "--resume", default="auto",
        help="auto (continue the newest run with the same options), none, or a run folder",
    )
    parser.add_argument(
        "--verbose", type=int, default=1, choices=(0, 1, 2),
        help="0 quiet, 1 progress bar (default), 2 one line per interval",
    )


def _missing_model(parser):
    def run(args):
        parser.print_help()
        return 2

    return run


def _options_it_does_not_use(recipe):
    """The flags of a `GAN`'s options (`TrainingOptions`) that `recipe`'s model does not take."""
    offered = command_line_options(recipe.options)
    names = {option.name for option in offered} | {option.flag for option in offered}
    return [
        option
        for option in command_line_options(TrainingOptions)
        if option.name not in names and option.flag not in names
    ]


def run_training(args):
    from kerasgan import files
    from kerasgan.training.trainer import train

    # Before the data loads: a run folder under a file would fail after minutes of work.
    # Nothing is written to try it: in a multi-worker run only the chief may write there.
    files.check_output_folder(args.outdir, "--outdir", try_writing=False)
    recipe = RECIPES[args.model]
    for option in _options_it_does_not_use(recipe):
        value = getattr(args, option.name)
        if value is not None:
            raise ValueError(
                f"{option.flag} {value} does not apply to {args.model}, which does not use it: "
                f"leave it out (kerasgan train {args.model} --help lists its options)."
            )
    options = {option.name: getattr(args, option.name) for option in command_line_options(recipe.options)}
    dataset = options.pop("dataset")
    if dataset is None:
        dataset = default_of(recipe.options, "dataset")
    run = train(
        args.model, dataset, outdir=args.outdir, resume=args.resume, verbose=args.verbose, **options
    )
    if run is None:
        return 0  # a multi-worker run's non-chief worker: the chief writes the run folder
    print(f"Run folder: {run.path}")
    for line in recipe.next_steps(run):
        print(line)
    return 0
