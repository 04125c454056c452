"""The StyleGAN2 family: z [+ label] -> w -> image, sampled in W.

Its snapshots take the most flags of `kerasgan generate`: truncation (`--trunc`,
`--trunc-cutoff`), the noise mode, projected ws (`--projected-w`), style mixing
grids, walks in W; `kerasgan project` searches W or W+ (stylegan2_projection.py), and
an export has its truncation and constant noise built in. The sampling itself is in
stylegan2_sampling.py, usable from Python too.
"""

import numpy as np

from kerasgan.snapshots import latent

GENERATE_FLAGS = {
    "--trunc", "--trunc-cutoff", "--noise-mode", "--projected-w", "--style-mix", "--rows",
    "--cols", "--styles",
}  # fmt: skip


class StyleGAN2Family(latent.LatentFamily):
    name = "stylegan2"
    title = "StyleGAN2"
    command_flags = {
        "generate": GENERATE_FLAGS,
        "project": {"--space", "--progress-every"},
        "export": {"--trunc", "--trunc-cutoff"},
    }

    def sample(self, generator, latents, labels=None, truncation_psi=None,
               truncation_cutoff=None, noise_mode=None):
        """Images from z: mapped to ws (truncated toward the average w), then synthesized."""
        from kerasgan.snapshots import stylegan2_sampling as sg2

        ws = sg2.map_to_ws(generator, latents, labels, truncation_psi, truncation_cutoff)
        return sg2.synthesize(generator, ws, noise_mode)

    def latents_for_seeds(self, seeds, latent_dim):
        """z as NVIDIA's generate.py draws it, for every StyleGAN2 (converted or trained here):
        `--seeds 85,265` on NVIDIA's FFHQ network draws the faces NVIDIA's README shows."""
        from kerasgan.snapshots.stylegan2_sampling import latents_for_seeds

        return latents_for_seeds(seeds, latent_dim)

    def walk(self, keyframes, steps_between, method=None, loop=True):
        """ws through keyframe ws: straight lines in W (which is learned, not Gaussian)."""
        from kerasgan.snapshots.stylegan2_sampling import walk_in_w

        return walk_in_w(keyframes, steps_between, method=method or "lerp", loop=loop)

    def generate(self, args, generator):
        from kerasgan.snapshots import sampling

        seeds = sampling.parse_seeds(args.seeds) if args.seeds else None
        check_stylegan2_flags(args, seeds)
        return run_stylegan2(self, args, generator, seeds, sampling.generator_latent_dim(generator))

    def project(self, args, generator, out):
        from kerasgan.snapshots.stylegan2_projection import project_command

        return project_command(args, generator, out)

    def exportable(self, generator, choices):
        """The generator with its truncation (--trunc, --trunc-cutoff) and constant noise built in."""
        from kerasgan.snapshots.export import stylegan2_exportable

        return stylegan2_exportable(generator, choices.get("--trunc"), choices.get("--trunc-cutoff"))

    def describe_export(self, generator):
        mapping, synthesis = generator.get_layer("mapping"), generator.get_layer("synthesis")
        applies_to = (
            "all ws" if mapping.truncation_cutoff is None
            else f"the first {mapping.truncation_cutoff} ws"
        )
        low, high = _measured_output_range(generator)
        return {
            # No tanh at the end: the output is not bounded to [-1, 1] (one drew -2.2 to 0.76),
            # so the range is what the model drew, and readers are told to clip.
            "value_range": [low, high],
            "value_range_note": (
                f"measured over {RANGE_SAMPLES} seeded latents; StyleGAN2's output is not bounded: "
                "clip to [-1, 1] before showing it, as kerasgan does"
            ),
            "stylegan2": {
                "truncation_psi": mapping.truncation_psi,
                "truncation_cutoff": mapping.truncation_cutoff,
                "noise_mode": synthesis.noise_mode,
                "num_ws": synthesis.num_ws,
                "w_dim": synthesis.w_dim,
            },
            "built_in": f"truncation psi {mapping.truncation_psi:g} ({applies_to}), constant noise",
        }


# Latents the export runs to say what range its images have.
RANGE_SAMPLES = 64


def _measured_output_range(generator):
    """The lowest and highest output values over RANGE_SAMPLES seeded inputs (labels 0)."""
    import numpy as np

    random = np.random.default_rng(0)
    inputs = [
        np.zeros((RANGE_SAMPLES, *tensor.shape[1:]), "int32") if "int" in str(tensor.dtype)
        else random.standard_normal((RANGE_SAMPLES, *tensor.shape[1:])).astype("float32")
        for tensor in generator.inputs
    ]  # fmt: skip
    images = np.asarray(generator(inputs if len(inputs) > 1 else inputs[0], training=False))
    return round(float(images.min()), 4), round(float(images.max()), 4)


FAMILY = StyleGAN2Family()


def check_stylegan2_flags(args, seeds):
    """The StyleGAN2 flags' own rules: truncation in range, style mixing flags together."""
    from kerasgan.snapshots.stylegan2_sampling import check_truncation

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


def run_stylegan2(family, args, generator, seeds, latent_dim):
    """A StyleGAN2 snapshot: every image drawn from ws, with truncation and the noise mode."""
    from kerasgan.snapshots import sampling
    from kerasgan.snapshots import stylegan2_sampling as sg2

    sg2.check_truncation(args.truncation_psi, args.truncation_cutoff, sg2.num_ws(generator))
    args.method = args.method or "lerp"
    truncation = dict(truncation_psi=args.truncation_psi, truncation_cutoff=args.truncation_cutoff)
    label = None
    if not sampling.is_conditional(generator):
        latent.refuse_classes(args)
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
        return write_style_mix(family, args, generator, to_ws, latent_dim)
    if args.interpolate or args.projected_w:
        latents = latent.chosen_latents(family, args, seeds, latent_dim)
        parts = [to_ws(latents)] if latents is not None else []
        parts += [sg2.load_projected_ws(path, generator) for path in args.projected_w or []]
        keyframes = np.concatenate(parts)
        if args.interpolate:
            return latent.write_walk(args, keyframes, family.walk, draw_ws, in_w=True)
        return write_projected(family, args, draw_ws(keyframes))

    def morph_frames(start, end, latents):
        return sg2.class_morph_in_w(generator, start, end, latents, args.steps,
                                    noise_mode=args.noise_mode, **truncation)

    return latent.write_for_labels(
        family, args, generator, seeds, latent_dim, lambda latents: draw_ws(to_ws(latents)),
        lambda latents, labels: draw_ws(to_ws(latents, labels)), morph_frames,
    )


def write_projected(family, args, generated):
    """The images of --projected-w (after any --seeds and --latents): one image, or a grid."""
    family.write_outputs(args.out, generated, alone=len(generated) == 1)
    if len(generated) == 1:
        print(f"Wrote the image of {args.projected_w[0]} to {args.out}")
    else:
        print(f"Wrote a grid of {len(generated)} images to {args.out}")
    return 0


def write_style_mix(family, args, generator, to_ws, latent_dim):
    """The style mixing grid of --rows and --cols (seeds), each cell mixed as --styles says."""
    from kerasgan import images
    from kerasgan.snapshots import sampling
    from kerasgan.snapshots import stylegan2_sampling as sg2

    styles = sg2.parse_styles(args.styles or sg2.DEFAULT_STYLES, sg2.num_ws(generator))
    row_seeds, column_seeds = sampling.parse_seeds(args.rows), sampling.parse_seeds(args.cols)
    grid = sg2.style_mixing_grid(
        generator,
        to_ws(family.latents_for_seeds(row_seeds, latent_dim)),
        to_ws(family.latents_for_seeds(column_seeds, latent_dim)),
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
