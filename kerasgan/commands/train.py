"""`kerasgan train MODEL`: train a GAN into a resumable run folder."""

SUMMARY = "Train a GAN (dcgan, cgan, pix2pix) into a resumable run folder."

EXAMPLES = """\
examples:
  kerasgan train dcgan --dataset mnist
  kerasgan train dcgan --dataset mnist --epochs 10
  kerasgan train dcgan --dataset cifar10 --loss hinge --epochs 50
  kerasgan train dcgan --dataset datasets/waves --image-size 64 --outdir results
  kerasgan train dcgan --dataset ../shared/data/mnist_subset.npz --interval-steps 100
  kerasgan train dcgan --dataset my_500_photos/ --augment flip,translation,color,cutout --augment-p ada
  kerasgan train dcgan --dataset my_photos/ --resume-from results/00003-dcgan-cifar10 --freeze-discriminator-layers 2

Running the same command again continues the newest run with the same options
(--resume auto): a Colab disconnect or Ctrl-C loses at most one interval.
"""

# Options shared by the image GANs (dcgan, cgan): flag, type, help.
GAN_OPTIONS = [
    ("--dataset", str, "mnist, cifar10, a folder of images, or an .npz with the keras.datasets keys (default: mnist)"),
    ("--epochs", int, "passes over the training data (default: enough for --kimg)"),
    ("--kimg", int, "thousands of training images to show (mnist 200, cifar10 2000, others 500)"),
    ("--image-size", int, "square image size: 28, or a power of two from 32 to 256"),
    ("--batch-size", int, "images per step"),
    ("--latent-dim", int, "length of the latent vector z"),
    ("--loss", str, "bce (default), hinge, lsgan or wgan-gp"),
    ("--label-smoothing", float, "one-sided label smoothing for bce/lsgan, e.g. 0.1"),
    ("--instance-noise", float, "std of noise added to the discriminator's inputs, annealed to 0"),
    ("--instance-noise-steps", int, "steps over which the instance noise falls to 0"),
    ("--discriminator-steps", int, "discriminator updates per generator update"),
    ("--upsampling", str, "transpose (default) or resize (no checkerboard artifacts)"),
    ("--generator-filters", int, "filters of the generator's last block (default 64)"),
    ("--discriminator-filters", int, "filters of the discriminator's first block (default 64)"),
    ("--learning-rate", float, "Adam learning rate of both networks (default 2e-4)"),
    ("--interval-steps", int, "steps between grids and checkpoints (default: one epoch)"),
    ("--snapshot-every", int, "save a generator snapshot every N intervals (default 1)"),
    ("--seed", int, "random seed (default 0)"),
    ("--augment", str, "differentiable augmentation of real and fake images: flip,translation,color,cutout (or some)"),
    ("--augment-p", str, "chance of each augmentation per image: a number (default 1) or ada (adapted to the discriminator)"),
    ("--ada-target", float, "with --augment-p ada: the E[sign(D(real))] to aim for (default 0.6)"),
    ("--ema-decay", float, "keep a moving average of the generator for grids and snapshots, e.g. 0.999 (default 0: none)"),
    ("--resume-from", str, "fine-tune: a NEW run starting from this run folder, checkpoint or generator snapshot (weights only)"),
    ("--freeze-discriminator-layers", int, "with --resume-from: keep the discriminator's first N layers fixed"),
]


def add_arguments(parser):
    models = parser.add_subparsers(dest="model", metavar="MODEL")
    for model, summary in (
        ("dcgan", "Deep convolutional GAN on unlabelled images."),
        ("cgan", "Conditional GAN: labels enter through an Embedding layer."),
    ):
        subparser = models.add_parser(
            model, help=summary, description=summary, epilog=EXAMPLES.replace("dcgan", model),
            formatter_class=parser.formatter_class,
        )
        for flag, kind, text in GAN_OPTIONS:
            subparser.add_argument(flag, type=kind, help=text)
        _add_run_arguments(subparser)
        subparser.set_defaults(_run=run_gan)
    _add_pix2pix(models, parser.formatter_class)
    parser.set_defaults(_run=_missing_model(parser))


def _add_run_arguments(parser):
    parser.add_argument("--spectral-norm", action="store_true", help="spectral normalization in the discriminator")
    parser.add_argument("--mixed-precision", action="store_true", help="float16 compute on a GPU")
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


def run_gan(args):
    from kerasgan.training.trainer import train

    options = {
        flag.lstrip("-").replace("-", "_"): getattr(args, flag.lstrip("-").replace("-", "_"))
        for flag, _, _ in GAN_OPTIONS
    }
    dataset = options.pop("dataset") or "mnist"
    options["spectral_norm"] = args.spectral_norm or None
    options["mixed_precision"] = args.mixed_precision or None
    run = train(
        args.model, dataset, outdir=args.outdir, resume=args.resume, verbose=args.verbose, **options
    )
    snapshot = run.latest_snapshot()
    print(f"Run folder: {run.path}")
    if snapshot is not None:
        print(f"Latest generator: {snapshot}")
        print(f"Sample it:        kerasgan generate --snapshot {snapshot} --num 64 --out grid.png")
    return 0


# ------------------------------------------------------------------------------- pix2pix

PIX2PIX_SUMMARY = "pix2pix: image-to-image translation from pairs, or from frames and an input mode."

PIX2PIX_EXAMPLES = """\
examples:
  kerasgan train pix2pix --data datasets/bikes --input-mode edges --image-size 256
  kerasgan train pix2pix --data datasets/bikes --input-mode downscale --downscale-factor 16
  kerasgan train pix2pix --data datasets/facades --direction BtoA --epochs 200
  kerasgan train pix2pix --data sketches/ --target-data photos/ --image-size 128 --batch-size 4

--data with train/ and test/ subfolders (as `kerasgan dataset video` writes) trains on
train/; test/ (or val/) gives the input | output | target grids and the held-out L1 and
PSNR in stats.jsonl. The input mode is saved in every generator snapshot, so
`kerasgan live --generator results/.../generator-000010.keras --source 0` needs nothing else.
Running the same command again continues the newest run with the same options.
"""

PIX2PIX_OPTIONS = [
    ("--data", str, "a folder: side-by-side A|B images, inputs (with --target-data), or pictures (with --input-mode)"),
    ("--input-mode", str, "paired (default: the data holds the inputs), edges, grayscale, downscale or posterize"),
    ("--direction", str, "AtoB (default: left half -> right half) or BtoA, for side-by-side images"),
    ("--target-data", str, "a folder of targets matched by file name to the inputs in --data"),
    ("--downscale-factor", int, "how many times smaller the downscale input mode makes a picture (default 8)"),
    ("--l1-weight", float, "weight of the L1 loss next to the GAN loss (default 100, as in the paper)"),
    ("--epochs", int, "passes over the training pairs (default: enough for --kimg)"),
    ("--kimg", int, "thousands of training pairs to show (default 100: the paper's 200 epochs of 400 facades)"),
    ("--image-size", int, "64, 128, 256 (default) or 512"),
    ("--batch-size", int, "pairs per step (default 4; the paper uses 1)"),
    ("--loss", str, "bce (default, as in the paper), hinge, lsgan or wgan-gp"),
    ("--generator-filters", int, "filters of the U-Net's first block (default 64)"),
    ("--discriminator-filters", int, "filters of the PatchGAN's first block (default 64)"),
    ("--learning-rate", float, "Adam learning rate of both networks (default 2e-4)"),
    ("--interval-steps", int, "steps between grids and checkpoints (default: one epoch)"),
    ("--snapshot-every", int, "save a generator snapshot every N intervals (default 1)"),
    ("--seed", int, "random seed (default 0)"),
    ("--augment", str, "differentiable augmentation of input|target and input|output pairs: flip,translation,color,cutout (or some)"),
    ("--augment-p", str, "chance of each augmentation per image: a number (default 1) or ada (adapted to the discriminator)"),
    ("--ada-target", float, "with --augment-p ada: the E[sign(D(real))] to aim for (default 0.6)"),
    ("--ema-decay", float, "keep a moving average of the generator for grids and snapshots, e.g. 0.999 (default 0: none)"),
    ("--resume-from", str, "fine-tune: a NEW run starting from this run folder, checkpoint or generator snapshot (weights only)"),
    ("--freeze-discriminator-layers", int, "with --resume-from: keep the discriminator's first N layers fixed"),
]


def _add_pix2pix(models, formatter_class):
    subparser = models.add_parser(
        "pix2pix", help=PIX2PIX_SUMMARY, description=PIX2PIX_SUMMARY, epilog=PIX2PIX_EXAMPLES,
        formatter_class=formatter_class,
    )
    for flag, kind, text in PIX2PIX_OPTIONS:
        subparser.add_argument(flag, type=kind, help=text, required=flag == "--data")
    _add_run_arguments(subparser)
    subparser.set_defaults(_run=run_pix2pix)


def run_pix2pix(args):
    from kerasgan.models.pix2pix import held_out_scores
    from kerasgan.training.trainer import resolve_options, train

    options = {
        flag.lstrip("-").replace("-", "_"): getattr(args, flag.lstrip("-").replace("-", "_"))
        for flag, _, _ in PIX2PIX_OPTIONS
    }
    dataset = options.pop("data")
    options["spectral_norm"] = args.spectral_norm or None
    options["mixed_precision"] = args.mixed_precision or None
    scores = held_out_scores(dataset, resolve_options("pix2pix", dataset, **options))
    run = train(
        "pix2pix", dataset, outdir=args.outdir, resume=args.resume, verbose=args.verbose,
        evaluators=[scores] if scores else (), **options,
    )
    print(f"Run folder: {run.path}")
    stats = run.stats()
    if stats and "test_l1" in stats[-1]:
        print(f"Held-out L1 {stats[-1]['test_l1']:.4f}, PSNR {stats[-1]['test_psnr']:.2f} dB")
    snapshot = run.latest_snapshot()
    if snapshot is not None:
        print(f"Latest generator: {snapshot}")
        print(f"Run it live:      kerasgan live --generator {snapshot} --source 0 --display")
    return 0
