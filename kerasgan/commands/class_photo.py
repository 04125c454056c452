"""`kerasgan class-photo`: every student's selfie aligned and projected into one face network.

The output folder (see kerasgan/faces/class_photo.py) holds each student's aligned face,
projected face and projected_w.npy under students/NAME/, the class grid
(class_photo.png), the average face (average_face.png, average_w.npy), a morph through
every face in W (morph.mp4) and class.json. A photo without a face is named and skipped.
Each projection is saved as it finishes: run the same command again after a disconnect
and it projects only the faces not yet done.
"""

SUMMARY = "Align and project every selfie in a folder: the class photo, average face and morph."

EXAMPLES = """\
examples:
  kerasgan class-photo selfies/ --out class      # NVIDIA's FFHQ network (--snapshot ffhq)
  kerasgan class-photo selfies/ --snapshot results/00002-stylegan2-faces/generator-000200.keras \\
      --out class
  kerasgan class-photo selfies/ --snapshot G.keras --out class --steps 300 --space w

after a disconnect, the same command continues:
  kerasgan class-photo selfies/ --snapshot G.keras --out class

then draw one student's face again, or walk between two:
  kerasgan generate --snapshot G.keras --projected-w class/students/ada/projected_w.npy \\
      --out ada.png
  kerasgan generate --snapshot G.keras --interpolate --out ada_to_grace.gif --projected-w \\
      class/students/ada/projected_w.npy class/students/grace/projected_w.npy
"""


def add_arguments(parser):
    from kerasgan.snapshots.projection import PERCEPTUAL_CHOICES
    from kerasgan.snapshots.stylegan2_projection import SPACES

    parser.add_argument(
        "selfies", metavar="SELFIES_FOLDER", help="a folder of PNG or JPEG selfies"
    )
    parser.add_argument(
        "--snapshot",
        help="a StyleGAN2 generator-*.keras trained on FFHQ-aligned faces, an NVIDIA .pkl or "
        "a named network (default ffhq: NVIDIA's FFHQ faces, downloaded once and converted)",
    )
    parser.add_argument("--out", default="class", help="output folder (default class)")
    parser.add_argument(
        "--space", choices=SPACES, default="w+",
        help="search one w for every layer (w) or one per layer (w+, default)",
    )
    parser.add_argument(
        "--steps", type=int, default=1000, help="Adam steps per face (default 1000, as NVIDIA's)"
    )
    parser.add_argument(
        "--perceptual", default="multiscale", choices=PERCEPTUAL_CHOICES,
        help="feature distance: multiscale (default, offline), vgg (downloads VGG16) or none",
    )
    parser.add_argument("--seed", type=int, default=0, help="the search's noise (default 0)")
    parser.add_argument(
        "--steps-between", type=int, default=24,
        help="morph frames from one face to the next (default 24)",
    )
    parser.add_argument("--fps", type=int, default=24, help="the morph's frames per second")


def run(args):
    from pathlib import Path

    from kerasgan import files, snapshots
    from kerasgan.faces import class_photo
    from kerasgan.nvidia import networks
    from kerasgan.snapshots import sampling

    for option, value in (("--steps", args.steps), ("--steps-between", args.steps_between),
                          ("--fps", args.fps)):
        if value < 1:
            raise ValueError(f"{option} must be at least 1; got {value}.")
    selfies = class_photo.find_selfies(args.selfies)
    out = Path(args.out)
    files.check_output_folder(out, "--out")
    if args.snapshot is None:
        args.snapshot = networks.default_face_network("projecting the class")
    generator, family = snapshots.load(args.snapshot)
    # The class photo is made of ws: projected in W, averaged and walked in W.
    if family.name != "stylegan2":
        family.refuse("make a class photo (it is made in StyleGAN2's W)", args.snapshot,
                      "pass a StyleGAN2 snapshot trained on aligned faces")
    if int(generator.outputs[0].shape[-1]) != 3:
        raise ValueError(
            f"{args.snapshot} draws grayscale images: pass a StyleGAN2 snapshot that draws "
            "colour faces."
        )
    if sampling.is_conditional(generator):
        raise ValueError(
            f"{args.snapshot} is a conditional generator: pass an unconditional StyleGAN2 "
            "snapshot trained on aligned faces."
        )
    settings = class_photo.ClassPhotoSettings(
        snapshot=str(args.snapshot), space=args.space, steps=args.steps,
        perceptual=args.perceptual, seed=args.seed, steps_between=args.steps_between,
        fps=args.fps,
    )
    print(f"Aligning (FFHQ) and projecting {len(selfies)} photo(s) from {args.selfies}...")
    class_photo.make_class_photo(generator, selfies, out, settings, log=_print)
    return 0


def _print(sentence):
    print(sentence, flush=True)
