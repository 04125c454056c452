"""The work of `kerasgan generate` shared by the latent families (DCGAN, conditional GAN, StyleGAN2).

Every latent generator turns latent vectors z (and, if conditional, labels) into
images; the families differ in how they draw (`draw(latents)`, `draw_class(latents,
labels)`, `morph_frames(start, end, latents)`), not in what the command writes:
a grid, one image per seed, a walk between keyframes, a class grid, a class morph.
`LatentFamily` is the DCGAN's and the conditional GAN's family; StyleGAN2's draws in W
and reuses the writers.
"""

import numpy as np

from kerasgan.snapshots.interface import SnapshotFamily


class LatentFamily(SnapshotFamily):
    """A z [+ label] -> image family sampled by `generator.predict`: DCGAN, conditional GAN."""

    kind = "latent"

    def generate(self, args, generator):
        from kerasgan.snapshots import sampling

        seeds = sampling.parse_seeds(args.seeds) if args.seeds else None
        latent_dim = sampling.generator_latent_dim(generator)
        args.method = args.method or "slerp"

        def draw(latents):
            return self.sample(generator, latents)

        def draw_class(latents, labels):
            return self.sample(generator, latents, labels)

        def morph_frames(start, end, latents):
            return sampling.class_morph(generator, start, end, latents, args.steps)

        return write_for_labels(
            self, args, generator, seeds, latent_dim, draw, draw_class, morph_frames
        )

    def project(self, args, generator, out):
        from kerasgan.snapshots.projection import project_command

        return project_command(args, generator, out)


def write_for_labels(family, args, generator, seeds, latent_dim, draw, draw_class, morph_frames):
    """The common flow of every latent generator: unconditional, a class grid, a morph, one class.

    `draw(latents)`, `draw_class(latents, labels)` and `morph_frames(start, end, latents)`
    are how this generator turns latent vectors into images; `family` (a `SnapshotFamily`)
    walks between latents and writes the outputs.
    """
    from kerasgan.snapshots import sampling

    morph = args.interpolate_classes
    if not sampling.is_conditional(generator):
        refuse_classes(args)
        return write_samples(family, args, seeds, latent_dim, draw)

    class_names = sampling.generator_class_names(generator)
    if morph:
        return write_class_morph(family, args, morph_frames, class_names, seeds, latent_dim)
    if args.class_choice is None:
        if args.interpolate or args.outdir:
            raise ValueError(
                f"{args.snapshot} is a conditional generator: add --class with one of "
                f"{', '.join(class_names)}."
            )
        return write_class_grid(family, args, draw_class, class_names, seeds, latent_dim)

    label = sampling.class_index(args.class_choice, class_names)
    return write_samples(
        family, args, seeds, latent_dim,
        lambda latents: draw_class(latents, np.full(len(latents), label, dtype="int32")),
    )


def refuse_classes(args):
    """One sentence for --class or --interpolate-classes on a generator that draws no classes."""
    if args.class_choice is not None or args.interpolate_classes:
        raise ValueError(
            f"{args.snapshot} draws no classes (it is not a conditional generator): "
            "drop --class and --interpolate-classes."
        )


def chosen_latents(family, args, seeds, latent_dim):
    """The latents of --seeds (drawn by the family's rule), then those of the --latents files;
    None when neither was given."""
    from kerasgan.snapshots import sampling

    parts = [family.latents_for_seeds(seeds, latent_dim)] if seeds else []
    parts += [sampling.load_latents(path, latent_dim) for path in args.latents or []]
    return np.concatenate(parts) if parts else None


def write_walk(args, keyframes, walk, draw, in_w=False):
    """An animation through `keyframes`: `walk(keyframes, steps, method, loop)`, then `draw`.

    The keyframes are latent vectors z, or with `in_w` a StyleGAN2's ws.
    """
    from kerasgan import images

    frames = draw(walk(keyframes, args.steps, method=args.method, loop=args.loop))
    images.save_animation(args.out, frames, fps=args.fps)
    ending = "looping back to the first" if args.loop else "ending on the last"
    where = " in W" if in_w else ""
    print(
        f"Wrote {len(frames)} frames through {len(keyframes)} keyframes{where} ({args.method}, "
        f"{ending}) to {args.out}"
    )
    return 0


# Seeds drawn and written at a time by --outdir (one progress line after each batch).
SEEDS_PER_BATCH = 256


def write_samples(family, args, seeds, latent_dim, draw):
    """The grid, per-seed images or latent walk of `draw(latents) -> images`."""
    from pathlib import Path

    from kerasgan.snapshots import sampling

    if args.interpolate:
        return write_walk(args, chosen_latents(family, args, seeds, latent_dim), family.walk, draw)
    if args.latents:
        generated = draw(chosen_latents(family, args, seeds, latent_dim))
        family.write_outputs(args.out, generated)
        print(f"Wrote a grid of {len(generated)} {family.makes} to {args.out}")
        return 0
    if seeds:
        if args.outdir:
            # In batches, with a line after each: 10,000 seeds are minutes of work and memory.
            for start in range(0, len(seeds), SEEDS_PER_BATCH):
                batch = seeds[start : start + SEEDS_PER_BATCH]
                generated = draw(family.latents_for_seeds(batch, latent_dim))
                for index, seed in enumerate(batch):
                    path = Path(args.outdir) / f"seed{seed:04d}{family.output_suffix}"
                    family.write_outputs(path, generated[index : index + 1], alone=True)
                if len(seeds) > SEEDS_PER_BATCH:
                    print(f"{start + len(batch):,} of {len(seeds):,} {family.makes} written", flush=True)
            print(f"Wrote {len(seeds)} {family.makes} to {args.outdir}")
        if args.out:
            generated = draw(family.latents_for_seeds(seeds, latent_dim))
            family.write_outputs(args.out, generated)
            print(f"Wrote a grid of {len(seeds)} {family.makes} to {args.out}")
        return 0
    generated = draw(sampling.latent_batch(args.num, latent_dim, seed=args.seed))
    family.write_outputs(args.out, generated)
    print(f"Wrote a grid of {args.num} {family.makes} to {args.out}")
    return 0


def write_class_grid(family, args, draw_class, class_names, seeds, latent_dim):
    """One row per class, one latent vector per column: --seeds, or --num spread over the rows."""
    from kerasgan.snapshots import sampling

    if seeds or args.latents:
        latents = chosen_latents(family, args, seeds, latent_dim)
    else:
        columns = max(1, args.num // len(class_names))
        latents = sampling.latent_batch(columns, latent_dim, seed=args.seed)
    grid_latents, labels = sampling.class_grid_inputs(latents, len(class_names))
    generated = draw_class(grid_latents, labels)
    family.write_outputs(args.out, generated, columns=len(latents), row_labels=class_names)
    print(
        f"Wrote a class grid to {args.out}: one row per class ({len(class_names)}), "
        f"{len(latents)} latent vectors. Add --class NAME for one class."
    )
    return 0


def write_class_morph(family, args, morph_frames, class_names, seeds, latent_dim):
    """An animation from one class to another and back, one image per seed in each frame."""
    from kerasgan import images
    from kerasgan.snapshots import sampling

    start, end = (sampling.class_index(choice, class_names) for choice in args.interpolate_classes)
    latents = chosen_latents(family, args, seeds, latent_dim)
    if latents is None:
        latents = family.latents_for_seeds([args.seed], latent_dim)
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
