"""`kerasgan evaluate`: score a generator snapshot against real images, offline.

Samples the snapshot, compares the samples with the dataset's real training
images (FID, KID, precision and recall, the classifier score), asks the domain
classifier what it recognises, checks for mode collapse and memorisation, and
optionally writes a Markdown report with a sample grid and a
nearest-neighbour grid beside it.
"""

SUMMARY = "Score a generator snapshot: FID, KID, precision/recall, recognised classes, health."

EXAMPLES = """\
examples:
  kerasgan evaluate --snapshot results/00000-dcgan-mnist/generator-000010.keras --dataset mnist
  kerasgan evaluate --snapshot generator-000010.keras --dataset mnist --path mnist_subset.npz
  kerasgan evaluate --snapshot generator-000020.keras --dataset cifar10 --report report.md
  kerasgan evaluate --snapshot generator.keras --dataset faces.npz --extractor inception

The domain extractor is a small classifier trained once on the dataset's real
images and cached in $KERASGAN_CACHE (default ~/.cache/kerasgan); it needs no
internet. The inception extractor needs InceptionV3's ImageNet weights (a download).
"""


def add_arguments(parser):
    parser.add_argument(
        "--snapshot", required=True, help="generator snapshot (.keras) from a run folder"
    )
    parser.add_argument(
        "--dataset",
        required=True,
        help="real images to compare with: mnist, cifar10, or an .npz with x_train, y_train, "
        "x_test, y_test",
    )
    parser.add_argument(
        "--path", default=None, help="for mnist/cifar10: an .npz to read instead of the download"
    )
    parser.add_argument(
        "--num", type=int, default=5000, help="images to generate (default: %(default)s)"
    )
    parser.add_argument(
        "--extractor",
        choices=("domain", "inception"),
        default="domain",
        help="features from the dataset's domain classifier (offline) or InceptionV3 "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--report", default=None, help="write a Markdown report (.md) with pictures beside it"
    )
    parser.add_argument("--json", default=None, help="also write the scores to this JSON file")
    parser.add_argument("--seed", type=int, default=0, help="seed of the latent vectors")


def run(args):
    # TensorFlow loads here, not at import: `kerasgan --help` stays fast.
    from pathlib import Path

    from kerasgan import files, snapshots
    from kerasgan.metrics.report import format_scores

    if args.num < 2:
        raise ValueError(f"--num must be at least 2 to compute scores; got {args.num}.")
    # Checked before the samples are drawn and scored, which can take minutes.
    if args.report:
        files.check_output_file(args.report, "--report")
    if args.json:
        files.check_output_file(args.json, "--json")
    # The snapshot's family says what is measured (a picture -> picture family refuses).
    generator, family = snapshots.load(args.snapshot)
    scores = family.evaluate(
        generator,
        args.dataset,
        args.snapshot,
        num=args.num,
        extractor=args.extractor,
        path=args.path,
        seed=args.seed,
        report=args.report,
        title=f"Evaluation of {Path(args.snapshot).name}",
    )
    print(
        f"{Path(args.snapshot).name}: {scores['num_images']:,} samples vs "
        f"{scores['num_reference_images']:,} real {scores['dataset']} training images"
    )
    print(format_scores(scores))
    if args.json:
        files.write_json(args.json, scores)
        print(f"scores: {args.json}")
    if args.report:
        print(f"report: {args.report}")
    return 0
