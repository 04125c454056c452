"""`kerasgan project`: find the latent vector whose image is closest to a picture.

The output folder holds what a student wants to look at and keep:

    target.png       the picture, fitted to the generator's size
    result.png       the generator's closest image
    comparison.png   target | result | difference, enlarged
    latent.npy       the latent vector: walk from it with `kerasgan generate --latents`
    search.gif       the search, a frame every few steps (or search.mp4 with --animation mp4)
    projection.json  the errors, the settings and the loss at every step
"""

SUMMARY = "Find the latent vector whose image is closest to a picture (GAN inversion)."

EXAMPLES = """\
examples:
  kerasgan project --snapshot results/00000-dcgan-mnist/generator-000010.keras --image digit.png
  kerasgan project --snapshot G.keras --image photo.png --steps 500 --starts 8 --out projections/photo
  kerasgan project --snapshot G.keras --image photo.png --perceptual vgg        # downloads VGG16 weights
  kerasgan project --snapshot results/00001-cgan-mnist/generator-000010.keras --image seven.png --class 7

then walk from the found latent to another one:
  kerasgan generate --snapshot G.keras --latents projections/a/latent.npy projections/b/latent.npy \\
      --interpolate --out walk.gif
"""

# Small images are enlarged for viewing (nearest neighbour, so pixels stay sharp) to at least this.
VIEW_SIZE = 192


def add_arguments(parser):
    from kerasgan.projection import PERCEPTUAL_CHOICES

    parser.add_argument("--snapshot", required=True, help="a generator-*.keras file")
    parser.add_argument("--image", required=True, help="the picture to find (PNG or JPEG)")
    parser.add_argument("--steps", type=int, default=300, help="Adam steps (default 300)")
    parser.add_argument(
        "--starts", type=int, default=4, help="random starting latents; the best wins (default 4)"
    )
    parser.add_argument(
        "--out", help="output folder (default projections/IMAGE-NAME)"
    )
    parser.add_argument(
        "--class",
        dest="class_choice",
        metavar="CLASS",
        help="conditional generators: the class to search in, by number (7) or name (cat)",
    )
    parser.add_argument(
        "--perceptual",
        default="multiscale",
        choices=PERCEPTUAL_CHOICES,
        help="feature distance added to the pixel distance: multiscale pixels and edges "
        "(default, offline), vgg (downloads ImageNet VGG16 weights) or none",
    )
    parser.add_argument(
        "--perceptual-weight", type=float, default=1.0, help="weight of the feature distance"
    )
    parser.add_argument(
        "--learning-rate", type=float, default=0.1, help="Adam's starting learning rate"
    )
    parser.add_argument(
        "--noise",
        type=float,
        default=0.05,
        help="noise on z at the start, fading out by 3/4 of the steps (0 turns it off)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random starts (default 0)")
    parser.add_argument(
        "--frame-every", type=int, default=5, help="a frame of the search every N steps"
    )
    parser.add_argument("--fps", type=int, default=12, help="frames per second of the search")
    parser.add_argument(
        "--animation", default="gif", choices=("gif", "mp4"), help="search.gif or search.mp4"
    )


def run(args):
    import io
    from pathlib import Path

    import numpy as np

    from kerasgan import files, images, projection, sampling

    if args.steps < 1 or args.starts < 1 or args.frame_every < 1:
        raise ValueError("--steps, --starts and --frame-every must each be at least 1.")
    out = Path(args.out or Path("projections") / Path(args.image).stem)
    files.check_output_folder(out, "--out")
    generator = sampling.load_generator(args.snapshot)
    label = _label(args, generator, sampling)
    image_shape = tuple(int(value) for value in generator.outputs[0].shape[1:])
    target, note = projection.load_target(args.image, image_shape)
    if note:
        print(note)

    print(
        f"Searching {args.steps} steps from {args.starts} random starts "
        f"({args.perceptual} features)..."
    )
    result = projection.project(
        generator,
        target,
        steps=args.steps,
        starts=args.starts,
        label=label,
        perceptual=args.perceptual,
        perceptual_weight=args.perceptual_weight,
        learning_rate=args.learning_rate,
        latent_noise=args.noise,
        frame_every=args.frame_every,
        seed=args.seed,
    )

    images.save_image(out / "target.png", target)
    images.save_image(out / "result.png", result.image)
    # The difference image: black where they agree, white where they differ most.
    difference = np.abs(result.image - target) - 1.0
    factor = _enlargement(image_shape[0])
    images.save_grid(
        out / "comparison.png", _enlarge(np.stack([target, result.image, difference]), factor),
        columns=3, padding=4, background=255,
    )
    buffer = io.BytesIO()
    np.save(buffer, result.latent)
    files.write_bytes(out / "latent.npy", buffer.getvalue())
    # Each frame shows the target beside the search's current image.
    frames = np.stack(
        [images.make_grid(np.stack([target, frame]), columns=2) for frame in result.frames]
    )
    animation = out / f"search.{args.animation}"
    images.save_animation(animation, _enlarge(frames, factor), fps=args.fps)
    files.write_json(
        out / "projection.json",
        {
            "snapshot": str(args.snapshot),
            "image": str(args.image),
            "note": note,
            "class": label,
            "steps": args.steps,
            "starts": args.starts,
            "best_start": result.start,
            "perceptual": args.perceptual,
            "perceptual_weight": args.perceptual_weight,
            "learning_rate": args.learning_rate,
            "noise": args.noise,
            "seed": args.seed,
            "pixel_mse": result.pixel_mse,
            "psnr_db": result.psnr,
            "loss_history": result.history,
        },
    )
    print(
        f"Closest image: pixel MSE {result.pixel_mse:.5f} (0-1 scale), PSNR {result.psnr:.1f} dB. "
        f"Wrote target.png, result.png, comparison.png, latent.npy, {animation.name} and "
        f"projection.json to {out}"
    )
    return 0


def _label(args, generator, sampling):
    """The class to search in: required for a conditional generator, refused otherwise."""
    if not sampling.is_conditional(generator):
        if args.class_choice is not None:
            raise ValueError(f"{args.snapshot} draws no classes: drop --class.")
        return None
    class_names = sampling.generator_class_names(generator)
    if args.class_choice is None:
        raise ValueError(
            f"{args.snapshot} is a conditional generator: add --class with one of "
            f"{', '.join(class_names)}."
        )
    return sampling.class_index(args.class_choice, class_names)


def _enlargement(size):
    return max(1, -(-VIEW_SIZE // size))  # ceiling division


def _enlarge(batch, factor):
    """Repeats every pixel `factor` times in each direction: a 28x28 digit becomes visible."""
    import numpy as np

    return np.repeat(np.repeat(batch, factor, axis=1), factor, axis=2)
