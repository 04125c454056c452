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
(kerasgan/stylegan2_sampling.py, callable from Python as well):

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

These flags mean nothing to a DCGAN, conditional GAN or pix2pix generator: on one of
those they stop with one sentence.
"""

import argparse

import numpy as np

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

# The flags that only a StyleGAN2 snapshot understands: (argparse dest, flag).
STYLEGAN2_ONLY = (
    ("truncation_psi", "--trunc"),
    ("truncation_cutoff", "--trunc-cutoff"),
    ("noise_mode", "--noise-mode"),
    ("projected_w", "--projected-w"),
    ("style_mix", "--style-mix"),
    ("rows", "--rows"),
    ("cols", "--cols"),
    ("styles", "--styles"),
)


def add_arguments(parser):
    parser.add_argument("--snapshot", required=True, help="a generator-*.keras file")
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

    from kerasgan import files, sampling

    if args.num < 1 or args.steps < 1:
        raise ValueError("--num and --steps must be at least 1.")
    seeds = sampling.parse_seeds(args.seeds) if args.seeds else None
    _check_stylegan2_flags(args, seeds)
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
    if args.out:
        suffix = Path(args.out).suffix.lower()
        animated = args.interpolate or morph
        allowed = (".gif", ".mp4", ".avi") if animated else (".png", ".jpg", ".jpeg")
        if suffix not in allowed:
            raise ValueError(f"--out must end in {', '.join(allowed)} here; got {args.out!r}.")

    if args.out:
        files.check_output_file(args.out, "--out")
    if args.outdir:
        files.check_output_folder(args.outdir, "--outdir")

    model = sampling.load_snapshot(args.snapshot)
    family = sampling.generator_family(model)
    given = [flag for dest, flag in STYLEGAN2_ONLY if getattr(args, dest) not in (None, False)]
    if given and family not in ("StyleGAN2", None):
        named = given[0] if len(given) == 1 else f"{', '.join(given[:-1])} and {given[-1]}"
        raise ValueError(
            f"{named} appl{'ies' if len(given) == 1 else 'y'} to StyleGAN2 snapshots; this is a "
            f"{family} generator ({args.snapshot}), so drop {'it' if len(given) == 1 else 'them'}."
        )
    generator = sampling.check_generator(model, args.snapshot)
    latent_dim = sampling.generator_latent_dim(generator)
    if family == "StyleGAN2":
        return _run_stylegan2(args, generator, seeds, latent_dim)
    args.method = args.method or "slerp"

    def draw(latents):
        return generator.predict(latents, batch_size=64, verbose=0)

    def draw_class(latents, labels):
        return generator.predict([latents, labels], batch_size=64, verbose=0)

    def morph_frames(start, end, latents):
        return sampling.class_morph(generator, start, end, latents, args.steps)

    return _write_for_labels(args, generator, seeds, latent_dim, draw, draw_class, morph_frames)


def _write_for_labels(args, generator, seeds, latent_dim, draw, draw_class, morph_frames):
    """The common flow of every latent generator: unconditional, a class grid, a morph, one class.

    `draw(latents)`, `draw_class(latents, labels)` and `morph_frames(start, end, latents)`
    are how this generator turns latent vectors into images.
    """
    from kerasgan import sampling

    morph = args.interpolate_classes
    if not sampling.is_conditional(generator):
        _refuse_classes(args)
        return _write_samples(args, seeds, latent_dim, draw)

    class_names = sampling.generator_class_names(generator)
    if morph:
        return _write_class_morph(args, morph_frames, class_names, seeds, latent_dim)
    if args.class_choice is None:
        if args.interpolate or args.outdir:
            raise ValueError(
                f"{args.snapshot} is a conditional generator: add --class with one of "
                f"{', '.join(class_names)}."
            )
        return _write_class_grid(args, draw_class, class_names, seeds, latent_dim)

    label = sampling.class_index(args.class_choice, class_names)
    return _write_samples(
        args, seeds, latent_dim,
        lambda latents: draw_class(latents, np.full(len(latents), label, dtype="int32")),
    )


def _refuse_classes(args):
    """One sentence for --class or --interpolate-classes on a generator that draws no classes."""
    if args.class_choice is not None or args.interpolate_classes:
        raise ValueError(
            f"{args.snapshot} draws no classes (it is not a conditional generator): "
            "drop --class and --interpolate-classes."
        )


def _check_stylegan2_flags(args, seeds):
    """The StyleGAN2 flags' own rules, checked before the snapshot is loaded."""
    from kerasgan.stylegan2_sampling import check_truncation

    check_truncation(args.truncation_psi)
    if args.truncation_cutoff is not None and args.truncation_cutoff < 1:
        raise ValueError(
            f"--trunc-cutoff counts the ws truncated from the first: it must be at least 1; "
            f"got {args.truncation_cutoff}."
        )
    mixing = [flag for flag, value in (("--rows", args.rows), ("--cols", args.cols),
                                       ("--styles", args.styles)) if value is not None]
    if not args.style_mix:
        if mixing:
            raise ValueError(f"{' and '.join(mixing)} belong to a style mixing grid: add --style-mix.")
        return
    if not (args.rows and args.cols):
        raise ValueError(
            "--style-mix needs the sources of its rows and columns: add e.g. --rows 85,100,75 "
            "--cols 55,821,1789."
        )
    others = [flag for flag, value in (
        ("--seeds", seeds), ("--latents", args.latents), ("--projected-w", args.projected_w),
        ("--interpolate", args.interpolate), ("--interpolate-classes", args.interpolate_classes),
        ("--outdir", args.outdir)) if value]
    if others:
        raise ValueError(
            f"--style-mix draws its sources from --rows and --cols and writes one picture "
            f"(--out mix.png): drop {' and '.join(others)}."
        )


def _run_stylegan2(args, generator, seeds, latent_dim):
    """A StyleGAN2 snapshot: every image drawn from ws, with truncation and the noise mode."""
    from kerasgan import sampling
    from kerasgan import stylegan2_sampling as sg2

    sg2.check_truncation(args.truncation_psi, args.truncation_cutoff, sg2.num_ws(generator))
    args.method = args.method or "lerp"
    truncation = dict(truncation_psi=args.truncation_psi, truncation_cutoff=args.truncation_cutoff)
    label = None
    if not sampling.is_conditional(generator):
        _refuse_classes(args)
    elif args.class_choice is not None:
        label = sampling.class_index(args.class_choice, sampling.generator_class_names(generator))
    # A class grid and a class morph need no --class; everything drawn in W does.
    needs_class = args.style_mix or args.projected_w or args.interpolate
    if sampling.is_conditional(generator) and label is None and needs_class:
        raise ValueError(
            f"{args.snapshot} is a conditional generator: add --class with one of "
            f"{', '.join(sampling.generator_class_names(generator))}."
        )

    def to_ws(latents, labels=None):
        if labels is None and label is not None:
            labels = np.full(len(latents), label, dtype="int32")
        return sg2.map_to_ws(generator, latents, labels, **truncation)

    def draw_ws(ws):
        return sg2.synthesize(generator, ws, args.noise_mode)

    if args.style_mix:
        return _write_style_mix(args, generator, to_ws, latent_dim)
    if args.interpolate or args.projected_w:
        latents = chosen_latents(args, seeds, latent_dim)
        parts = [to_ws(latents)] if latents is not None else []
        parts += [sg2.load_projected_ws(path, generator) for path in args.projected_w or []]
        keyframes = np.concatenate(parts)
        if args.interpolate:
            return _write_walk(args, keyframes, sg2.walk_in_w, draw_ws, "ws")
        return _write_projected(args, draw_ws(keyframes))

    def morph_frames(start, end, latents):
        return sg2.class_morph_in_w(generator, start, end, latents, args.steps,
                                    noise_mode=args.noise_mode, **truncation)

    return _write_for_labels(
        args, generator, seeds, latent_dim, lambda latents: draw_ws(to_ws(latents)),
        lambda latents, labels: draw_ws(to_ws(latents, labels)), morph_frames,
    )


def _write_projected(args, generated):
    """The images of --projected-w (after any --seeds and --latents): one image, or a grid."""
    from kerasgan import images

    if len(generated) == 1:
        images.save_image(args.out, generated[0])
        print(f"Wrote the image of {args.projected_w[0]} to {args.out}")
    else:
        images.save_grid(args.out, generated)
        print(f"Wrote a grid of {len(generated)} images to {args.out}")
    return 0


def _write_style_mix(args, generator, to_ws, latent_dim):
    """The style mixing grid of --rows and --cols (seeds), each cell mixed as --styles says."""
    from kerasgan import images, sampling
    from kerasgan import stylegan2_sampling as sg2

    styles = sg2.parse_styles(args.styles or sg2.DEFAULT_STYLES, sg2.num_ws(generator))
    row_seeds, column_seeds = sampling.parse_seeds(args.rows), sampling.parse_seeds(args.cols)
    grid = sg2.style_mixing_grid(
        generator,
        to_ws(sampling.latents_for_seeds(row_seeds, latent_dim)),
        to_ws(sampling.latents_for_seeds(column_seeds, latent_dim)),
        styles,
        noise_mode=args.noise_mode,
    )
    images.save_image(args.out, grid.image)
    print(
        f"Wrote a style mixing grid to {args.out}: {len(row_seeds)} rows x {len(column_seeds)} "
        f"columns; each cell takes ws {_ranges(styles)} (of 0-{sg2.num_ws(generator) - 1}) from its "
        "row source and the others from its column source."
    )
    return 0


def _ranges(numbers):
    """[0, 1, 2, 5] -> '0-2,5'."""
    parts, start = [], None
    for index, number in enumerate(numbers):
        if start is None:
            start = number
        if index + 1 == len(numbers) or numbers[index + 1] != number + 1:
            parts.append(str(number) if number == start else f"{start}-{number}")
            start = None
    return ",".join(parts)


def chosen_latents(args, seeds, latent_dim):
    """The latents of --seeds, then those of the --latents files; None when neither was given."""
    from kerasgan import sampling

    parts = [sampling.latents_for_seeds(seeds, latent_dim)] if seeds else []
    parts += [sampling.load_latents(path, latent_dim) for path in args.latents or []]
    return np.concatenate(parts) if parts else None


def _write_walk(args, keyframes, walk, draw, space="latents"):
    """An animation through `keyframes`: `walk(keyframes, steps, method, loop)`, then `draw`."""
    from kerasgan import images

    frames = draw(walk(keyframes, args.steps, method=args.method, loop=args.loop))
    images.save_animation(args.out, frames, fps=args.fps)
    ending = "looping back to the first" if args.loop else "ending on the last"
    where = " in W" if space == "ws" else ""
    print(
        f"Wrote {len(frames)} frames through {len(keyframes)} keyframes{where} ({args.method}, "
        f"{ending}) to {args.out}"
    )
    return 0


def _write_samples(args, seeds, latent_dim, draw):
    """The grid, per-seed images or latent walk of `draw(latents) -> images`."""
    from pathlib import Path

    from kerasgan import images, sampling

    if args.interpolate:
        return _write_walk(args, chosen_latents(args, seeds, latent_dim), sampling.walk, draw)
    if args.latents:
        generated = draw(chosen_latents(args, seeds, latent_dim))
        images.save_grid(args.out, generated)
        print(f"Wrote a grid of {len(generated)} images to {args.out}")
        return 0
    if seeds:
        generated = draw(sampling.latents_for_seeds(seeds, latent_dim))
        if args.outdir:
            for seed, image in zip(seeds, generated):
                images.save_image(Path(args.outdir) / f"seed{seed:04d}.png", image)
            print(f"Wrote {len(seeds)} images to {args.outdir}")
        if args.out:
            images.save_grid(args.out, generated)
            print(f"Wrote a grid of {len(seeds)} images to {args.out}")
        return 0
    generated = draw(sampling.latent_batch(args.num, latent_dim, seed=args.seed))
    images.save_grid(args.out, generated)
    print(f"Wrote a grid of {args.num} images to {args.out}")
    return 0


def _write_class_grid(args, draw_class, class_names, seeds, latent_dim):
    """One row per class, one latent vector per column: --seeds, or --num spread over the rows."""
    from kerasgan import images, sampling

    if seeds or args.latents:
        latents = chosen_latents(args, seeds, latent_dim)
    else:
        columns = max(1, args.num // len(class_names))
        latents = sampling.latent_batch(columns, latent_dim, seed=args.seed)
    grid_latents, labels = sampling.class_grid_inputs(latents, len(class_names))
    generated = draw_class(grid_latents, labels)
    images.save_grid(args.out, generated, columns=len(latents), row_labels=class_names)
    print(
        f"Wrote a class grid to {args.out}: one row per class ({len(class_names)}), "
        f"{len(latents)} latent vectors. Add --class NAME for one class."
    )
    return 0


def _write_class_morph(args, morph_frames, class_names, seeds, latent_dim):
    """An animation from one class to another and back, one image per seed in each frame."""
    from kerasgan import images, sampling

    start, end = (sampling.class_index(choice, class_names) for choice in args.interpolate_classes)
    latents = chosen_latents(args, seeds, latent_dim)
    if latents is None:
        latents = sampling.latents_for_seeds([args.seed], latent_dim)
    frames = morph_frames(start, end, latents)
    if len(latents) > 1:
        frames = np.stack([images.make_grid(frame) for frame in frames])
    else:
        frames = frames[:, 0]
    images.save_animation(args.out, frames, fps=args.fps)
    print(
        f"Wrote {len(frames)} frames morphing {class_names[start]} into {class_names[end]} "
        f"and back to {args.out}"
    )
    return 0
