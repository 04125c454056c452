"""`kerasgan project`: find the latent vector whose image is closest to a picture.

The output folder holds what a student wants to look at and keep:

    target.png       the picture, fitted to the generator's size
    result.png       the generator's closest image
    comparison.png   target | result | difference, enlarged
    latent.npy       the latent vector: walk from it with `kerasgan generate --latents`
    search.gif       the search, a frame every few steps (or search.mp4 with --animation mp4)
    projection.json  the errors, the settings and the loss at every step

A StyleGAN2 snapshot is searched in W or W+ (kerasgan/snapshots/stylegan2_projection.py), and
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

then draw the projected w again:
  kerasgan generate --snapshot G.keras --projected-w projections/face/projected_w.npy --out face.png
"""


# The flags that only some families take: (argparse dest, flag). Each family says which it
# takes (`SnapshotFamily.command_flags["project"]`).
FAMILY_FLAGS = (
    ("starts", "--starts"),
    ("space", "--space"),
    ("progress_every", "--progress-every"),
)


def add_arguments(parser):
    from kerasgan.snapshots.projection import PERCEPTUAL_CHOICES
    from kerasgan.snapshots.stylegan2_projection import SPACES

    parser.add_argument("--snapshot", required=True, help="a generator-*.keras file")
    parser.add_argument(
        "--image", "--target", dest="image", required=True,
        help="the picture to find (PNG or JPEG)",
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

    from kerasgan import files, snapshots

    for option, value in (("--steps", args.steps), ("--starts", args.starts),
                          ("--frame-every", args.frame_every),
                          ("--progress-every", args.progress_every)):
        if value is not None and value < 1:
            raise ValueError(f"{option} must be at least 1; got {value}.")
    out = Path(args.out or Path("projections") / Path(args.image).stem)
    files.check_output_folder(out, "--out")
    # The snapshot's family searches its own latent space (z, or StyleGAN2's W and W+).
    generator, family = snapshots.load(args.snapshot)
    given = [flag for dest, flag in FAMILY_FLAGS if getattr(args, dest) is not None]
    family.check_flags("project", given, generator, args.snapshot)
    return family.project(args, generator, out)
