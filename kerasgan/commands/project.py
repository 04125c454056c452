"""`kerasgan project`: find the latent vector whose image is closest to a picture.

The output folder holds what a student wants to look at and keep:

    target.png       the picture, fitted to the generator's size
    result.png       the generator's closest image
    comparison.png   target | result | difference, enlarged
    latent.npy       the latent vector: walk from it with `kerasgan generate --latents`
    search.gif       the search, a frame every few steps (or search.mp4 with --animation mp4)
    projection.json  the errors, the settings and the loss at every step

A StyleGAN2 snapshot is searched in W or W+ (kerasgan/stylegan2_projection.py), and
its folder holds target.png, comparison.png and:

    projected.png    the generator's closest image
    projected_w.npy  (num_ws, w_dim): draw it again with `kerasgan generate --projected-w`
    projection.gif   the search (or projection.mp4 with --animation mp4)
    projection.json  the space, the distance, the PSNR, the settings and the distance at every step
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

StyleGAN2 snapshots (W+ by default; --space w keeps one w for every layer):
  kerasgan project --snapshot results/00002-stylegan2-faces/generator-000200.keras \\
      --target face.jpg --space w+ --steps 1000 --outdir projections/face
  kerasgan project --snapshot G.keras --target face.jpg --space w --perceptual vgg --outdir out

a face photo into a network trained on aligned faces: --align crops it as FFHQ's first
  kerasgan project --snapshot G.keras --target selfie.jpg --align --outdir projections/me

then draw the projected w again:
  kerasgan generate --snapshot G.keras --projected-w projections/face/projected_w.npy --out face.png
"""

# Small images are enlarged for viewing (nearest neighbour, so pixels stay sharp) to at least this.
VIEW_SIZE = 192


def add_arguments(parser):
    from kerasgan.snapshots.projection import PERCEPTUAL_CHOICES
    from kerasgan.snapshots.stylegan2_projection import SPACES

    parser.add_argument("--snapshot", required=True, help="a generator-*.keras file")
    parser.add_argument(
        "--image", "--target", dest="image", required=True,
        help="the picture to find (PNG or JPEG)",
    )
    parser.add_argument(
        "--align", action="store_true",
        help="find the face in the picture and align it as FFHQ's faces were first (for "
        "networks trained on aligned faces); writes aligned.png and landmarks.png",
    )
    parser.add_argument(
        "--steps", type=int, help="Adam steps (default 300; 1000 for StyleGAN2, as NVIDIA's)"
    )
    parser.add_argument(
        "--starts", type=int,
        help="random starting latents; the best wins (default 4; not for StyleGAN2)",
    )
    parser.add_argument(
        "--space", choices=SPACES,
        help="StyleGAN2 only: search one w for every layer (w) or one per layer (w+, default)",
    )
    parser.add_argument(
        "--out", "--outdir", dest="out", help="output folder (default projections/IMAGE-NAME)"
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
        "(default, offline; also called edges), vgg (downloads ImageNet VGG16 weights) or none",
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
        help="noise on z at the start, fading out by 3/4 of the steps (0 turns it off); "
        "for StyleGAN2 on w, as a fraction of the spread of w",
    )
    parser.add_argument(
        "--progress-every", type=int,
        help="StyleGAN2: print the distance every N steps (default: 10 lines in all)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="random starts and noise (default 0)"
    )
    parser.add_argument(
        "--frame-every", type=int, default=5, help="a frame of the search every N steps"
    )
    parser.add_argument("--fps", type=int, default=12, help="frames per second of the search")
    parser.add_argument(
        "--animation", default="gif", choices=("gif", "mp4"),
        help="search.gif or search.mp4 (for StyleGAN2 projection.gif or projection.mp4)"
    )


def run(args):
    from pathlib import Path

    from kerasgan import files
    from kerasgan.snapshots import projection, sampling, stylegan2_sampling

    for option, value in (("--steps", args.steps), ("--starts", args.starts),
                          ("--frame-every", args.frame_every),
                          ("--progress-every", args.progress_every)):
        if value is not None and value < 1:
            raise ValueError(f"{option} must be at least 1; got {value}.")
    out = Path(args.out or Path("projections") / Path(args.image).stem)
    files.check_output_folder(out, "--out")
    generator = sampling.load_generator(args.snapshot)
    label = _label(args, generator, sampling)
    stylegan2 = stylegan2_sampling.is_stylegan2(generator)
    _check_options_fit(args, stylegan2)
    image_shape = tuple(int(value) for value in generator.outputs[0].shape[1:])
    if args.align:
        args.image = _align_target(args.image, image_shape[0], out)
    target, note = projection.load_target(args.image, image_shape, require_color=stylegan2)
    if note:
        print(note)
    if stylegan2:
        return _run_stylegan2(args, generator, label, target, note, out)
    steps, starts = args.steps or 300, args.starts or 4

    print(
        f"Searching {steps} steps from {starts} random starts "
        f"({args.perceptual} features)..."
    )
    result = projection.project(
        generator,
        target,
        steps=steps,
        starts=starts,
        label=label,
        perceptual=args.perceptual,
        perceptual_weight=args.perceptual_weight,
        learning_rate=args.learning_rate,
        latent_noise=args.noise,
        frame_every=args.frame_every,
        seed=args.seed,
    )

    animation = out / f"search.{args.animation}"
    _save_pictures(out, "result.png", animation, target, result.image, result.frames, args.fps)
    _save_array(out / "latent.npy", result.latent)
    files.write_json(
        out / "projection.json",
        {
            "snapshot": str(args.snapshot),
            "image": str(args.image),
            "note": note,
            "class": label,
            "steps": steps,
            "starts": starts,
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


def _run_stylegan2(args, generator, label, target, note, out):
    """Searches W or W+ of a StyleGAN2 snapshot and writes the folder (see the module docstring)."""
    from kerasgan import files
    from kerasgan.snapshots import stylegan2_projection

    space = args.space or "w+"
    steps = args.steps or 1000
    every = args.progress_every or max(1, steps // 10)
    how = "one w for every layer" if space == "w" else "one w, then one w per layer from half way"
    print(f"Searching {steps} steps in {space.upper()}: {how} ({args.perceptual} features)...")

    def progress(step, distance):
        if step % every == 0 or step == steps:
            print(f"step {step}/{steps}: distance {distance:.5f}", flush=True)

    result = stylegan2_projection.project_stylegan2(
        generator,
        target,
        space=space,
        steps=steps,
        label=label,
        perceptual=args.perceptual,
        perceptual_weight=args.perceptual_weight,
        learning_rate=args.learning_rate,
        w_noise=args.noise,
        frame_every=args.frame_every,
        seed=args.seed,
        progress=progress,
    )
    animation = out / f"projection.{args.animation}"
    _save_pictures(out, "projected.png", animation, target, result.image, result.frames, args.fps)
    _save_array(out / "projected_w.npy", result.ws)
    num_ws, w_dim = result.ws.shape
    files.write_json(
        out / "projection.json",
        {
            "snapshot": str(args.snapshot),
            "target": str(args.image),
            "note": note,
            "class": label,
            "space": space,
            "steps": steps,
            "num_ws": num_ws,
            "w_dim": w_dim,
            "perceptual": args.perceptual,
            "perceptual_weight": args.perceptual_weight,
            "learning_rate": args.learning_rate,
            "noise": args.noise,
            "seed": args.seed,
            "distance": result.distance,
            "pixel_mse": result.pixel_mse,
            "psnr_db": result.psnr,
            "distance_history": result.distances,
        },
    )
    print(
        f"Closest image: distance {result.distance:.5f}, PSNR {result.psnr:.1f} dB. Wrote "
        f"target.png, projected.png, comparison.png, projected_w.npy ({num_ws}x{w_dim}), "
        f"{animation.name} and projection.json to {out}"
    )
    return 0


def _align_target(photo, size, out):
    """Aligns the photo's largest face at the generator's size; returns the aligned file's path."""
    from kerasgan import images
    from kerasgan.faces import alignment

    aligned = alignment.align_photo(photo, size=size, largest=True)
    images.save_image(out / "aligned.png", aligned.aligned[0])
    images.save_image(out / "landmarks.png", alignment.draw_landmarks(aligned.photo, aligned.faces))
    print(
        f"Aligned the face in {photo} as FFHQ's were (eyes and mouth placed, upright, "
        f"{size}x{size}): projecting {out / 'aligned.png'} (the crop: {out / 'landmarks.png'})."
    )
    return out / "aligned.png"


def _check_options_fit(args, stylegan2):
    """--starts is for z searches only; --space and --progress-every for StyleGAN2 only."""
    if stylegan2 and args.starts is not None:
        raise ValueError(
            f"{args.snapshot} is a StyleGAN2 snapshot, whose search starts at the mean w: "
            "drop --starts."
        )
    if not stylegan2:
        for option, value in (("--space", args.space), ("--progress-every", args.progress_every)):
            if value is not None:
                raise ValueError(
                    f"{option} is for StyleGAN2 snapshots, and {args.snapshot} is not one: "
                    f"drop {option}."
                )


def _save_pictures(out, result_name, animation, target, result, frames, fps):
    """target.png, the result, comparison.png and the animation of the search, enlarged if small."""
    import numpy as np

    from kerasgan import images

    images.save_image(out / "target.png", target)
    images.save_image(out / result_name, result)
    # The difference image: black where they agree, white where they differ most.
    difference = np.abs(result - target) - 1.0
    factor = _enlargement(target.shape[0])
    images.save_grid(
        out / "comparison.png", _enlarge(np.stack([target, result, difference]), factor),
        columns=3, padding=4, background=255,
    )
    # Each frame shows the target beside the search's current image.
    pairs = np.stack([images.make_grid(np.stack([target, frame]), columns=2) for frame in frames])
    images.save_animation(animation, _enlarge(pairs, factor), fps=fps)


def _save_array(path, array):
    """A .npy file, written atomically."""
    import io

    import numpy as np

    from kerasgan import files

    buffer = io.BytesIO()
    np.save(buffer, array)
    files.write_bytes(path, buffer.getvalue())


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
