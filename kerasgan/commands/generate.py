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
"""


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
        "--method", default="slerp", choices=("slerp", "lerp"), help="interpolation path"
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


def run(args):
    from pathlib import Path

    from kerasgan import files, sampling

    if args.num < 1 or args.steps < 1:
        raise ValueError("--num and --steps must be at least 1.")
    seeds = sampling.parse_seeds(args.seeds) if args.seeds else None
    morph = args.interpolate_classes
    if morph and (args.interpolate or args.class_choice is not None):
        raise ValueError(
            "--interpolate-classes already names both classes and makes the animation: "
            "drop --interpolate and --class."
        )
    if args.interpolate and not (seeds or args.latents):
        raise ValueError(
            "--interpolate walks between keyframes: add --seeds, e.g. --seeds 0-3, "
            "or --latents a.npy b.npy."
        )
    if args.latents and args.outdir:
        raise ValueError("--outdir writes one image per seed: with --latents, pass --out grid.png.")
    if seeds and not (args.interpolate or morph) and not args.outdir and not args.out:
        raise ValueError(
            "With --seeds, pass --outdir for one image per seed or --out for one grid."
        )
    if not args.out and not (seeds and args.outdir and not args.latents):
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

    generator = sampling.load_generator(args.snapshot)
    latent_dim = sampling.generator_latent_dim(generator)
    if not sampling.is_conditional(generator):
        if args.class_choice is not None or morph:
            raise ValueError(
                f"{args.snapshot} draws no classes (it is not a conditional generator): "
                "drop --class and --interpolate-classes."
            )
        return _write_samples(args, seeds, latent_dim, generator.predict)

    class_names = sampling.generator_class_names(generator)
    if morph:
        return _write_class_morph(args, generator, class_names, seeds, latent_dim)
    if args.class_choice is None:
        if args.interpolate or args.outdir:
            raise ValueError(
                f"{args.snapshot} is a conditional generator: add --class with one of "
                f"{', '.join(class_names)}."
            )
        return _write_class_grid(args, generator, class_names, seeds, latent_dim)

    label = sampling.class_index(args.class_choice, class_names)

    def draw_class(latents, **options):
        labels = np.full(len(latents), label, dtype="int32")
        return generator.predict([latents, labels], **options)

    return _write_samples(args, seeds, latent_dim, draw_class)


def chosen_latents(args, seeds, latent_dim):
    """The latents of --seeds, then those of the --latents files; None when neither was given."""
    from kerasgan import sampling

    parts = [sampling.latents_for_seeds(seeds, latent_dim)] if seeds else []
    parts += [sampling.load_latents(path, latent_dim) for path in args.latents or []]
    return np.concatenate(parts) if parts else None


def _write_samples(args, seeds, latent_dim, draw):
    """The grid, per-seed images or latent walk of `draw(latents) -> images`."""
    from pathlib import Path

    from kerasgan import images, sampling

    if args.interpolate:
        keyframes = chosen_latents(args, seeds, latent_dim)
        latents = sampling.walk(keyframes, args.steps, method=args.method, loop=args.loop)
        frames = draw(latents, batch_size=64, verbose=0)
        images.save_animation(args.out, frames, fps=args.fps)
        ending = "looping back to the first" if args.loop else "ending on the last"
        print(
            f"Wrote {len(frames)} frames through {len(keyframes)} keyframes ({args.method}, "
            f"{ending}) to {args.out}"
        )
        return 0
    if args.latents:
        generated = draw(chosen_latents(args, seeds, latent_dim), batch_size=64, verbose=0)
        images.save_grid(args.out, generated)
        print(f"Wrote a grid of {len(generated)} images to {args.out}")
        return 0
    if seeds:
        latents = sampling.latents_for_seeds(seeds, latent_dim)
        generated = draw(latents, batch_size=64, verbose=0)
        if args.outdir:
            for seed, image in zip(seeds, generated):
                images.save_image(Path(args.outdir) / f"seed{seed:04d}.png", image)
            print(f"Wrote {len(seeds)} images to {args.outdir}")
        if args.out:
            images.save_grid(args.out, generated)
            print(f"Wrote a grid of {len(seeds)} images to {args.out}")
        return 0
    latents = sampling.latent_batch(args.num, latent_dim, seed=args.seed)
    generated = draw(latents, batch_size=64, verbose=0)
    images.save_grid(args.out, generated)
    print(f"Wrote a grid of {args.num} images to {args.out}")
    return 0


def _write_class_grid(args, generator, class_names, seeds, latent_dim):
    """One row per class, one latent vector per column: --seeds, or --num spread over the rows."""
    from kerasgan import images, sampling

    if seeds or args.latents:
        latents = chosen_latents(args, seeds, latent_dim)
    else:
        columns = max(1, args.num // len(class_names))
        latents = sampling.latent_batch(columns, latent_dim, seed=args.seed)
    grid_latents, labels = sampling.class_grid_inputs(latents, len(class_names))
    generated = generator.predict([grid_latents, labels], batch_size=64, verbose=0)
    images.save_grid(args.out, generated, columns=len(latents), row_labels=class_names)
    print(
        f"Wrote a class grid to {args.out}: one row per class ({len(class_names)}), "
        f"{len(latents)} latent vectors. Add --class NAME for one class."
    )
    return 0


def _write_class_morph(args, generator, class_names, seeds, latent_dim):
    """An animation from one class to another and back, one image per seed in each frame."""
    from kerasgan import images, sampling

    start, end = (sampling.class_index(choice, class_names) for choice in args.interpolate_classes)
    latents = chosen_latents(args, seeds, latent_dim)
    if latents is None:
        latents = sampling.latents_for_seeds([args.seed], latent_dim)
    frames = sampling.class_morph(generator, start, end, latents, args.steps)
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
