"""`kerasgan biggan`: BigGAN from TF Hub, sampled by ImageNet class name.

Three things to draw, one per run: a grid of classes (`--classes`), a grid of
one blend of classes (`--blend`), or a walk between two classes
(`--interpolate`), written as a PNG grid, a GIF or an MP4. `--list-classes`
searches the class names without loading anything heavy.

Class names are checked before the model loads, so a typo fails in a fraction
of a second, not after a minute of loading BigGAN.
"""

from pathlib import Path

from kerasgan import files

SUMMARY = "Sample ImageNet classes by name with BigGAN from TF Hub: grids, blends and walks."

EXAMPLES = """\
examples:
  kerasgan biggan --classes "golden retriever" hen --num 8 --out grid.png
  kerasgan biggan --model biggan-deep-256 --classes "golden retriever" hen --truncation 0.4 --num 8 --out grid.png
  kerasgan biggan --classes 207 8 --truncation 0.8 --seed 3 --out varied.png
  kerasgan biggan --blend "African elephant:0.6" "pickup truck:2" --num 8 --out blend.png
  kerasgan biggan --interpolate "golden retriever" hen --steps 16 --out walk.gif
  kerasgan biggan --interpolate hen --space z --method slerp --steps 48 --fps 24 --out hen.mp4
  kerasgan biggan --model ./biggan-deep-256 --classes tusker --out tusker.png
  kerasgan biggan --list-classes retriever

models: biggan-deep-128, biggan-deep-256, biggan-deep-512, biggan-128, biggan-256, biggan-512
(downloaded once into the TF Hub cache, TFHUB_CACHE_DIR), a TF Hub or Kaggle handle, or a
local folder holding the module (saved_model.pb and variables/).
"""

GRID_SUFFIXES = (".png", ".jpg", ".jpeg")
ANIMATION_SUFFIXES = (".gif", ".mp4", ".avi")


def add_arguments(parser):
    parser.add_argument(
        "--model",
        default="biggan-deep-256",
        help="preset name, TF Hub/Kaggle handle, or local module folder (default: %(default)s)",
    )
    what = parser.add_mutually_exclusive_group()
    what.add_argument(
        "--classes", nargs="+", metavar="CLASS", help="class names or ids, one grid row each"
    )
    what.add_argument(
        "--blend",
        nargs="+",
        metavar="CLASS:WEIGHT",
        help="classes mixed into one class vector, e.g. 'African elephant:0.6' 'pickup truck:2'",
    )
    what.add_argument(
        "--interpolate",
        nargs="+",
        metavar="CLASS",
        help="walk from one class to another (give one class with --space z)",
    )
    what.add_argument(
        "--list-classes",
        nargs="?",
        const="",
        metavar="TEXT",
        help="print the classes whose names contain TEXT (all without TEXT) and exit",
    )
    parser.add_argument("--num", type=int, default=8, help="images per class or blend (default: 8)")
    parser.add_argument(
        "--truncation",
        type=float,
        default=0.4,
        help="in (0, 1]: low is typical, high is varied (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=0, help="noise seed (default: %(default)s)")
    parser.add_argument("--steps", type=int, default=16, help="frames in a walk (default: 16)")
    parser.add_argument(
        "--space",
        choices=("both", "class", "z"),
        default="both",
        help="what moves in a walk: class and noise, the class only, or the noise only",
    )
    parser.add_argument(
        "--method", choices=("lerp", "slerp"), default="lerp", help="straight or spherical walk"
    )
    parser.add_argument("--fps", type=int, default=12, help="frames per second of a walk")
    parser.add_argument(
        "--batch-size", type=int, default=8, help="images per generator call (default: 8)"
    )
    parser.add_argument(
        "--out",
        default=None,
        help="output file: .png/.jpg grid, or .gif/.mp4/.avi for a walk "
        "(default: biggan.png, or biggan-walk.gif for --interpolate)",
    )


def run(args):
    # Only the JSON class names here: no TensorFlow until there is something to draw.
    from kerasgan.hub import imagenet_classes

    if args.list_classes is not None:
        matches = imagenet_classes.search_classes(args.list_classes)
        if not matches:
            try:  # find_class knows close spellings ("retrievr" -> the retrievers)
                imagenet_classes.find_class(args.list_classes)
                suggestion = ""
            except ValueError as error:
                suggestion = str(error).partition("did you mean")[2].rstrip("?")
            raise ValueError(
                f"No ImageNet class name contains {args.list_classes!r}; "
                + (f"did you mean{suggestion}?" if suggestion else
                   "try a shorter part of a name, or --list-classes alone for all 1,000 classes.")
            )
        for class_id in matches:
            print(imagenet_classes.describe_class(class_id))
        return 0

    if not (args.classes or args.blend or args.interpolate):
        raise ValueError(
            "Say what to draw: --classes NAME..., --blend NAME:WEIGHT... or --interpolate A B "
            "(see kerasgan biggan --help)."
        )
    out = Path(args.out or ("biggan-walk.gif" if args.interpolate else "biggan.png"))
    _check_output(out, walk=bool(args.interpolate))
    files.check_output_file(out, "--out")
    blend = _parse_blend(args.blend) if args.blend else None
    if args.interpolate and len(args.interpolate) > 2:
        raise ValueError(
            f"--interpolate walks between two classes, got {len(args.interpolate)}: "
            "give A B (or one class with --space z)."
        )
    # Fail on a misspelt or ambiguous class now, before the model loads.
    for name in args.classes or list(blend or {}) or args.interpolate:
        imagenet_classes.find_class(name)

    from kerasgan import images
    from kerasgan.hub.biggan import BigGAN, check_truncation

    check_truncation(args.truncation)
    biggan = BigGAN(args.model, batch_size=args.batch_size)
    options = dict(truncation=args.truncation, seed=args.seed)

    if args.classes:
        pictures = biggan.sample(args.classes, num=args.num, **options)
        labels = [imagenet_classes.class_name(biggan.find_class(name)) for name in args.classes]
        images.save_grid(out, pictures, columns=args.num, row_labels=labels)
        print(f"Wrote {out}: {len(labels)} classes x {args.num} images, {_size(biggan)}.")
    elif blend:
        pictures = biggan.blend(blend, num=args.num, **options)
        label = " + ".join(
            f"{weight:g} {imagenet_classes.class_name(biggan.find_class(name))}"
            for name, weight in blend.items()
        )
        images.save_grid(out, pictures, columns=args.num, row_labels=[label])
        print(f"Wrote {out}: {args.num} images of {label}, {_size(biggan)}.")
    else:
        start, end = args.interpolate[0], (args.interpolate[1:] or [None])[0]
        frames = biggan.interpolate(
            start, end, steps=args.steps, space=args.space, method=args.method, **options
        )
        if out.suffix.lower() in GRID_SUFFIXES:
            images.save_grid(out, frames, columns=args.steps)
        else:
            images.save_animation(out, frames, fps=args.fps)
        print(f"Wrote {out}: a walk of {args.steps} frames, {_size(biggan)}.")
    return 0


def _parse_blend(items):
    """["African elephant:0.6", "hen"] -> {"African elephant": 0.6, "hen": 1.0}."""
    weights = {}
    for item in items:
        name, separator, weight = item.rpartition(":")
        if not separator:
            name, weight = item, "1"
        try:
            weights[name.strip()] = weights.get(name.strip(), 0.0) + float(weight)
        except ValueError:
            raise ValueError(
                f"--blend takes CLASS:WEIGHT pairs such as 'pickup truck:2'; {weight!r} in "
                f"{item!r} is not a number."
            ) from None
    return weights


def _check_output(path, walk):
    suffix = path.suffix.lower()
    allowed = GRID_SUFFIXES + ANIMATION_SUFFIXES if walk else GRID_SUFFIXES
    if suffix not in allowed:
        raise ValueError(f"Cannot write {path}: use a file name ending in {', '.join(allowed)}.")


def _size(biggan):
    return f"{biggan.resolution}x{biggan.resolution} pixels"
