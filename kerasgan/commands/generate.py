"""`kerasgan generate`: sample a saved generator into a grid, separate images, or an animation.

A conditional generator (from `kerasgan train cgan`) also takes a class: `--class 7`
or `--class cat` (the names are kept in the snapshot). Without `--class` it draws a
class grid, one row per class; `--interpolate-classes 3 8` morphs one class into
another at a fixed latent vector.

Latent walks: the keyframes are the latent vectors of `--seeds` (random, but the
same for the same seed) followed by those in `--latents` files (saved by
`kerasgan project`, or by hand with `np.save`). The walk loops back to the first
keyframe unless `--no-loop`; `--method lerp` walks straight lines, `slerp` (the
default) arcs that keep latents at their typical length.

StyleGAN2 snapshots (`kerasgan train stylegan2`) take more flags, all drawn in W
(kerasgan/snapshots/stylegan2_sampling.py, callable from Python as well):

- `--trunc PSI` pulls each w toward the average w (`w_avg`): 0 draws the average
  image for every seed, 1 (the default of kerasgan's snapshots) no truncation;
  `--trunc-cutoff N` truncates the first N ws only (the coarse styles), leaving the
  fine ones free. `--noise-mode const|random|none` chooses the per-pixel noise.
- `--projected-w FILE` draws the ws `kerasgan project` saved (projected_w.npy: (w_dim,),
  (num_ws, w_dim) or (n, num_ws, w_dim)) as they are, untruncated.
- `--style-mix --rows SEEDS --cols SEEDS --styles 0-6` writes a style mixing grid:
  a blank top-left tile, the column sources along the top, the row sources down the
  left, and in cell (r, c) the image whose ws listed in --styles come from row source r
  and all other ws from column source c (the StyleGAN paper's figure 3: coarse styles,
  pose and shape, from the row; colours and detail from the column). NVIDIA's
  style_mixing.py takes --styles from the column instead: its grid is this one with
  --rows and --cols swapped.
- `--interpolate` walks between the keyframes' ws (after mapping and truncation; the
  --projected-w files join the keyframes), in straight lines (`--method lerp`, the
  default in W) or arcs (slerp).

The snapshot's family (`kerasgan/snapshots/`, found from what the snapshot records) does
the drawing; these flags are StyleGAN2's, and any other family refuses them in one sentence.
"""

import argparse

SUMMARY = "Sample a generator snapshot: a grid, one image per seed, or a latent walk GIF/video."

EXAMPLES = """\
examples:
  kerasgan generate --snapshot results/00000-dcgan-mnist/generator-000010.keras --num 64 --out grid.png
  kerasgan generate --snapshot G.keras --seeds 0-15 --outdir samples/
  kerasgan generate --snapshot G.keras --seeds 0-3 --interpolate --steps 24 --out walk.gif

latent walks through chosen seeds and projected latents (kerasgan project):
  kerasgan generate --snapshot G.keras --seeds 1,5,9 --interpolate --method lerp --out walk.mp4
  kerasgan generate --snapshot G.keras --latents a/latent.npy b/latent.npy --interpolate --out ab.gif
  kerasgan generate --snapshot G.keras --seeds 3 --latents a/latent.npy --interpolate --no-loop --out there.gif

conditional generators (kerasgan train cgan):
  kerasgan generate --snapshot results/00001-cgan-mnist/generator-000010.keras --class 7 --out sevens.png
  kerasgan generate --snapshot results/00002-cgan-cifar10/generator-000050.keras --class cat --num 16 --out cats.png
  kerasgan generate --snapshot G.keras --seeds 0-7 --out classes.png          # one row per class
  kerasgan generate --snapshot G.keras --interpolate-classes 3 8 --seeds 0-3 --out morph.gif

StyleGAN2 snapshots (kerasgan train stylegan2): truncation, noise, projected ws, style mixing, walks in W:
  kerasgan generate --snapshot results/00004-stylegan2-faces/generator-000200.keras --seeds 0-15 --trunc 0.7 --out faces.png
  kerasgan generate --snapshot G.keras --seeds 0-7 --trunc 0.5 --trunc-cutoff 8 --noise-mode none --outdir samples/
  kerasgan generate --snapshot G.keras --projected-w projections/me/projected_w.npy --out me.png
  kerasgan generate --snapshot G.keras --style-mix --rows 85,100,75 --cols 55,821,1789 --styles 0-6 --out mix.png
  kerasgan generate --snapshot G.keras --seeds 1,5,9 --trunc 0.7 --interpolate --out walk.mp4
  kerasgan generate --snapshot G.keras --seeds 3 --projected-w projections/me/projected_w.npy --interpolate --out me.gif
  kerasgan generate --snapshot G.keras --class cat --seeds 0-7 --trunc 0.7 --out cats.png   # a conditional StyleGAN2
"""

# The flags that only some families take (StyleGAN2's, today): (argparse dest, flag). Each
# family says which it takes (`SnapshotFamily.command_flags["generate"]`).
FAMILY_FLAGS = (
    ("truncation_psi", "--trunc"),
    ("truncation_cutoff", "--trunc-cutoff"),
    ("noise_mode", "--noise-mode"),
    ("projected_w", "--projected-w"),
    ("style_mix", "--style-mix"),
    ("rows", "--rows"),
    ("cols", "--cols"),
    ("styles", "--styles"),
)


# The most images one grid takes: 64 x 64 of them (a million ran for minutes without a word).
MAX_GRID_IMAGES = 4096


def add_arguments(parser):
    parser.add_argument(
        "--snapshot", required=True,
        help="a generator-*.keras file, an NVIDIA StyleGAN2 .pkl, or a named NVIDIA network "
        "(kerasgan convert --list)",
    )
    parser.add_argument("--num", type=int, default=64, help="images in the grid (default 64)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the grid (default 0)")
    parser.add_argument(
        "--seeds", help="seeds such as 0-15 or 1,5,9: one image (or keyframe) per seed"
    )
    parser.add_argument(
        "--latents",
        nargs="+",
        metavar="NPY",
        help="latent vectors saved as .npy (e.g. latent.npy from kerasgan project): "
        "keyframes after any --seeds, for --interpolate or a grid",
    )
    parser.add_argument(
        "--interpolate", action="store_true", help="walk between keyframes (--seeds, --latents) into a GIF/MP4"
    )
    parser.add_argument(
        "--steps", type=int, default=24, help="frames between two keyframes (default 24)"
    )
    parser.add_argument(
        "--method",
        choices=("slerp", "lerp"),
        help="interpolation path (default: slerp in z; lerp in W, for StyleGAN2 snapshots)",
    )
    parser.add_argument(
        "--loop",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="walk back to the first keyframe, for a seamless loop (default); "
        "--no-loop ends on the last keyframe",
    )
    parser.add_argument("--fps", type=int, default=12, help="frames per second of an animation")
    parser.add_argument("--out", help="output file: .png for a grid, .gif/.mp4 for --interpolate")
    parser.add_argument("--outdir", help="folder for one image per seed (with --seeds)")
    parser.add_argument(
        "--class",
        dest="class_choice",
        metavar="CLASS",
        help="conditional generators: the class to draw, by number (7) or name (cat)",
    )
    parser.add_argument(
        "--interpolate-classes",
        nargs=2,
        metavar=("FROM", "TO"),
        help="conditional generators: morph FROM into TO (and back) at fixed seeds, into a GIF/MP4",
    )
    stylegan2 = parser.add_argument_group("StyleGAN2 snapshots")
    stylegan2.add_argument(
        "--trunc",
        dest="truncation_psi",
        type=float,
        metavar="PSI",
        help="truncation toward the average w, from 0 (the average image for every seed) to 1 "
        "(none; the default of kerasgan's snapshots)",
    )
    stylegan2.add_argument(
        "--trunc-cutoff",
        dest="truncation_cutoff",
        type=int,
        metavar="N",
        help="truncate only the first N ws (the coarse styles); default: all",
    )
    stylegan2.add_argument(
        "--noise-mode",
        choices=("const", "random", "none"),
        help="per-pixel noise: const (the same image for a seed every time; the default of "
        "kerasgan's snapshots), random (fresh at every call) or none",
    )
    stylegan2.add_argument(
        "--projected-w",
        nargs="+",
        metavar="NPY",
        help="ws saved by kerasgan project (projected_w.npy), drawn untruncated: one image "
        "with --out me.png, a grid for several, or keyframes (after any --seeds) for --interpolate",
    )
    stylegan2.add_argument(
        "--style-mix",
        action="store_true",
        help="write a style mixing grid (--rows, --cols, --styles, --out mix.png): cell (r, c) "
        "takes the ws listed in --styles from row source r and every other w from column source c",
    )
    stylegan2.add_argument("--rows", metavar="SEEDS", help="--style-mix: the row sources, e.g. 85,100,75")
    stylegan2.add_argument("--cols", metavar="SEEDS", help="--style-mix: the column sources, e.g. 55,821,1789")
    stylegan2.add_argument(
        "--styles",
        metavar="WS",
        help="--style-mix: the ws (layers, from 0) each cell takes from its row source; "
        "default 0-6, the coarse styles (pose, shape); the rest come from its column",
    )


def run(args):
    from pathlib import Path

    from kerasgan import files, snapshots
    from kerasgan.snapshots import sampling

    if args.num < 1 or args.steps < 1:
        raise ValueError("--num and --steps must be at least 1.")
    # Counts and rates checked before the work: --fps 0 failed after rendering every frame.
    if args.fps < 1:
        raise ValueError(f"--fps must be 1 or more; got {args.fps}: pass e.g. --fps 12.")
    if args.num > MAX_GRID_IMAGES:
        raise ValueError(
            f"--num {args.num:,} is more than one grid can show ({MAX_GRID_IMAGES:,} images, a "
            "64 x 64 grid): for many images pass --seeds 0-9999 --outdir samples/, one file each."
        )
    seeds = sampling.parse_seeds(args.seeds) if args.seeds else None
    morph = args.interpolate_classes
    files_given = args.latents or args.projected_w
    if morph and (args.interpolate or args.class_choice is not None):
        raise ValueError(
            "--interpolate-classes already names both classes and makes the animation: "
            "drop --interpolate and --class."
        )
    if args.interpolate and not (seeds or files_given):
        raise ValueError(
            "--interpolate walks between keyframes: add --seeds, e.g. --seeds 0-3, "
            "or --latents a.npy b.npy."
        )
    if files_given and args.outdir:
        raise ValueError(
            "--outdir writes one image per seed: with --latents or --projected-w, pass --out grid.png."
        )
    if seeds and not (args.interpolate or morph) and not args.outdir and not args.out:
        raise ValueError(
            "With --seeds, pass --outdir for one image per seed or --out for one grid."
        )
    if not args.out and not (seeds and args.outdir and not files_given):
        raise ValueError("Pass --out grid.png for the output image.")
    if seeds and args.out and not (args.interpolate or morph) and len(seeds) > MAX_GRID_IMAGES:
        raise ValueError(
            f"--seeds {args.seeds} gives {len(seeds):,} images, more than one grid can show "
            f"({MAX_GRID_IMAGES:,}): pass --outdir samples/ for one file each instead of --out."
        )
    # Where the outputs go is checked before any work, the snapshot's loading included.
    if args.out:
        files.check_output_file(args.out, "--out")
    if args.outdir:
        files.check_output_folder(args.outdir, "--outdir")
    # The snapshot's family draws it; a family flag it does not take is refused in one sentence.
    generator, family = snapshots.load(args.snapshot)
    if args.out:
        # What a file may be depends on what the family makes (images, or sounds).
        allowed = family.output_suffixes(animated=bool(args.interpolate or morph))
        if Path(args.out).suffix.lower() not in allowed:
            raise ValueError(f"--out must end in {', '.join(allowed)} here; got {args.out!r}.")
    given = [flag for dest, flag in FAMILY_FLAGS if getattr(args, dest) not in (None, False)]
    family.check_flags("generate", given, generator, args.snapshot)
    return family.generate(args, generator)
