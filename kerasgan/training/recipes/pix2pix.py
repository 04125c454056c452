"""pix2pix's recipe: `kerasgan train pix2pix` and `train("pix2pix", ...)`, and its scores.

pix2pix learns from pairs: its data is a paired folder (side-by-side A|B pictures, two
folders matched by file name, or pictures plus an input mode that makes the inputs),
its grid shows fixed held-out pairs as input | output | target, and after every
interval the held-out L1 error and PSNR join stats.jsonl.

Two input modes are classic restoration tasks: `--input-mode downscale` is
super-resolution (a grey picture `--downscale-factor` times smaller -> the full colour
picture), `--input-mode inpaint` is inpainting (random holes of `--hole-size` -> the
picture whole); with inpaint, stats.jsonl also gets `test_hole_l1`, the held-out L1
error inside the holes alone, where the model has to invent what it cannot see.
"""

import dataclasses
import shlex

import numpy as np

from kerasgan import images
from kerasgan.data.input_modes import format_hole_size
from kerasgan.training.options import (
    AdamOptions,
    AugmentationOptions,
    AverageOptions,
    DiscriminatorFreezeOptions,
    InstanceNoiseOptions,
    LossOptions,
    RunOptions,
    number_in,
    one_of,
    option,
    whole_number,
)
from kerasgan.training.recipe import Recipe

GRID_PAIRS = 8  # rows of the input | output | target grid
SCORED_PAIRS = 256  # held-out pairs scored after each interval (at most)

EXAMPLES = """\
examples:
  kerasgan train pix2pix --data datasets/bikes --input-mode edges --image-size 256
  kerasgan train pix2pix --data datasets/bikes --input-mode downscale --downscale-factor 4
  kerasgan train pix2pix --data datasets/bikes --input-mode inpaint --hole-size 0.2-0.5 --holes 2
  kerasgan train pix2pix --data datasets/facades --direction BtoA --epochs 200
  kerasgan train pix2pix --data sketches/ --target-data photos/ --image-size 128 --batch-size 4

--data with train/ and test/ subfolders (as `kerasgan dataset video` writes) trains on
train/; test/ (or val/) gives the input | output | target grids and the held-out L1 and
PSNR in stats.jsonl. The input mode is saved in every generator snapshot, so
`kerasgan live --generator results/.../generator-000010.keras --source 0` needs nothing else.

super-resolution: --input-mode downscale shrinks each picture --downscale-factor times
(grey) and the model learns to draw the full-size colour picture back.
inpainting: --input-mode inpaint paints --holes grey rectangles into each picture, each
side --hole-size of the picture's side (0.25-0.5: a quarter to a half; one number: that
size), new ones every epoch, and the model learns to fill them; its input has a 4th
channel, the hole mask. Live, the same holes of seed 0 are cut into every frame.
"""


def hole_fractions(name, value):
    """A --hole-size in standard form, "MIN-MAX" (or "SIZE"), or a one-sentence ValueError."""
    return format_hole_size(value)


@dataclasses.dataclass
class Pix2PixOptions(
    DiscriminatorFreezeOptions,
    AverageOptions,
    AugmentationOptions,
    AdamOptions,
    InstanceNoiseOptions,
    LossOptions,
    RunOptions,
):
    """pix2pix's options: a `GAN`'s (its own defaults) but discriminator steps, which pix2pix
    does not take (one discriminator update per generator update, as in the paper), plus its
    data and its L1 weight."""

    # pix2pix's data is always a folder of its own: its defaults win over the dataset table.
    uses_dataset_defaults = False

    dataset: str = option(
        None, "a folder: side-by-side A|B images, inputs (with --target-data), or pictures "
        "(with --input-mode)", kind=str, flag="--data", required=True,
    )  # fmt: skip
    # The paper trains 200 epochs of its 400 facades: 80 thousand pairs shown.
    kimg: int = option(
        100, "thousands of training pairs to show (100: the paper's 200 epochs of 400 facades)",
        check=whole_number(),
    )  # fmt: skip
    image_size: int = option(256, "64, 128, 256 or 512", check=whole_number())
    # The paper trains on one pair at a time, and runs batch norm in training mode at test
    # time too. We run the generator in inference mode (the same output for the same frame,
    # which live video needs), whose running statistics match training better when each
    # step normalizes a few pictures together.
    batch_size: int = option(4, "pairs per step (the paper uses 1)", check=whole_number())
    input_mode: str = option(
        "paired", "paired (the data holds the inputs), edges, grayscale, downscale "
        "(super-resolution), posterize or inpaint (fill holes)",
    )  # fmt: skip
    direction: str = option(
        "AtoB", "AtoB (left half -> right half) or BtoA, for side-by-side images",
        check=one_of("AtoB", "BtoA"),
    )  # fmt: skip
    target_data: str = option(
        None, "a folder of targets matched by file name to the inputs in --data", kind=str,
        default_text="none",
    )  # fmt: skip
    downscale_factor: int = option(
        8, "how many times smaller the downscale input mode makes a picture", check=whole_number()
    )
    hole_size: str = option(
        "0.25-0.5", "with --input-mode inpaint: side of a hole as a fraction of the picture's "
        "side, MIN-MAX or one size", check=hole_fractions,
    )  # fmt: skip
    holes: int = option(
        1, "with --input-mode inpaint: holes cut into each picture", check=whole_number()
    )
    l1_weight: float = option(
        100.0, "weight of the L1 loss next to the GAN loss (100 in the paper)", check=number_in(0)
    )
    generator_filters: int = option(64, "filters of the U-Net's first block", check=whole_number())
    discriminator_filters: int = option(
        64, "filters of the PatchGAN's first block", check=whole_number()
    )
    spectral_norm: bool = option(False, "spectral normalization in the discriminator")


# ------------------------------------------------------------------- scores


def translate(generator, inputs, batch_size=16):
    """Runs a generator on a NumPy batch of inputs in [-1, 1], in inference mode."""
    return generator.predict(inputs, batch_size=batch_size, verbose=0)


def image_scores(outputs, targets, masks=None):
    """L1 error and PSNR of images against their targets, all in [-1, 1].

    Args:
        outputs, targets: (N, H, W, C) batches.
        masks: optional boolean (N, H, W, 1) hole masks (`hole_masks`), for the L1 error
            inside the holes too.

    Returns:
        {"test_l1": mean absolute error in [-1, 1] units (the L1 of the loss),
         "test_psnr": mean peak signal-to-noise ratio over the images, in dB, pixels in
         [0, 1] (higher is better; +6 dB is half the error),
         and with masks "test_hole_l1": the mean absolute error over the hole pixels}.
    """
    outputs = np.asarray(outputs, "float64")
    targets = np.asarray(targets, "float64")
    errors = np.abs(outputs - targets)
    l1 = float(np.mean(errors))
    # In [0, 1] units the squared error is a quarter of the one in [-1, 1] units.
    mse = np.mean(np.square(outputs - targets), axis=(1, 2, 3)) / 4.0
    psnr = float(np.mean(10.0 * np.log10(1.0 / np.maximum(mse, 1e-10))))
    scores = {"test_l1": round(l1, 6), "test_psnr": round(psnr, 4)}
    if masks is not None:
        in_holes = np.broadcast_to(np.asarray(masks, bool), errors.shape)
        scores["test_hole_l1"] = round(float(errors[in_holes].mean()), 6)
    return scores


def pair_scores(generator, inputs, targets, masks=None):
    """Held-out L1 error and PSNR (and L1 in the holes) of a generator on (inputs, targets).

    See `image_scores`; inputs and targets in [-1, 1], the generator run in inference mode.
    """
    return image_scores(translate(generator, inputs), targets, masks)


def hole_masks(inputs):
    """Where the holes of inpaint inputs in [-1, 1] are: boolean (N, H, W, 1).

    The inpaint input mode's 4th channel is 255 in the holes and 0 elsewhere, so 1 and -1
    once scaled.
    """
    return np.asarray(inputs)[..., 3:4] > 0


class PairScores:
    """An evaluator for `train(evaluators=...)`: held-out L1 and PSNR in stats.jsonl.

    Args:
        inputs, targets: held-out pairs, float32 in [-1, 1] (`PairedData.test_pairs()`).
        masks: hole masks of inpaint inputs (`hole_masks`), for `test_hole_l1`; or None.
    """

    def __init__(self, inputs, targets, masks=None):
        self.inputs, self.targets, self.masks = inputs, targets, masks

    def __call__(self, model):
        from kerasgan.training.callbacks import sampling_generator

        return pair_scores(sampling_generator(model), self.inputs, self.targets, self.masks)


def held_out_scores(data, options):
    """[A `PairScores` on up to SCORED_PAIRS test pairs], or [] when the data has no test folder."""
    if not data.pairs.test:
        return []
    inputs, targets = data.test_pairs(SCORED_PAIRS)
    inpainting = data.input_mode is not None and data.input_mode.name == "inpaint"
    return [PairScores(inputs, targets, hole_masks(inputs) if inpainting else None)]


# -------------------------------------------------------------------- grids


class PairGrid:
    """The sample grid of a pix2pix run: one row per fixed test pair, input | output | target.

    The pairs are drawn once and kept in the checkpoint, so successive grids (and a
    resumed run) show the same pictures.
    """

    def __init__(self, inputs, targets):
        self.inputs = np.asarray(inputs, dtype="float32")
        self.targets = np.asarray(targets, dtype="float32")

    def arrays(self):
        return {"test_inputs": self.inputs, "test_targets": self.targets}

    def grid(self, model):
        from kerasgan.training.callbacks import sampling_generator

        outputs = translate(sampling_generator(model), self.inputs)
        return side_by_side_grid(self.inputs, outputs, self.targets)


def side_by_side_grid(*columns):
    """One grid row per example, the given batches side by side (input | output | target)."""
    # An inpaint input shows its holed picture; its 4th channel, the mask, is left out.
    columns = [column[..., :3] for column in columns]
    channels = max(column.shape[-1] for column in columns)
    # Grey inputs beside colour outputs are repeated to RGB, to fit in one grid.
    columns = [np.repeat(c, channels // c.shape[-1], axis=-1) for c in columns]
    rows = np.stack(columns, axis=1)  # (examples, columns, H, W, C)
    return images.make_grid(rows.reshape(-1, *rows.shape[2:]), columns=len(columns))


def reals_grid(batch):
    """reals.png for pix2pix: training pairs, one per row, input | target."""
    inputs, targets = (np.asarray(part, dtype="float32")[:GRID_PAIRS] for part in batch)
    return side_by_side_grid(inputs, targets)


# ------------------------------------------------------------------- recipe


def load_data(dataset, options):
    from kerasgan.data.paired import load_paired_data
    from kerasgan.models.pix2pix import check_image_size

    return load_paired_data(
        dataset,
        image_size=check_image_size(options.image_size),
        batch_size=options.batch_size,
        input_mode=options.input_mode,
        direction=options.direction,
        target_folder=options.target_data,
        downscale_factor=options.downscale_factor,
        hole_size=options.hole_size,
        holes=options.holes,
        seed=options.seed,
    )


def build(options, data):
    from kerasgan.models.pix2pix import Pix2Pix

    mode = data.input_mode.to_config() if data.input_mode is not None else None
    return Pix2Pix(
        image_size=data.image_shape[0],
        input_channels=data.input_channels,
        output_channels=data.image_shape[-1],
        l1_weight=options.l1_weight,
        generator_filters=options.generator_filters,
        discriminator_filters=options.discriminator_filters,
        spectral_norm=options.spectral_norm,
        input_mode=mode,
        **options.model_arguments(),
    )


def sampler(model, data, options, saved_arrays):
    if "test_inputs" in saved_arrays:
        return PairGrid(saved_arrays["test_inputs"], saved_arrays["test_targets"])
    return PairGrid(*data.test_pairs(GRID_PAIRS))


def next_steps(run):
    """The held-out scores of the last interval, and how to run the generator live."""
    lines = []
    stats = run.stats()
    if stats and "test_l1" in stats[-1]:
        lines.append(f"Held-out L1 {stats[-1]['test_l1']:.4f}, PSNR {stats[-1]['test_psnr']:.2f} dB")
        if "test_hole_l1" in stats[-1]:
            lines.append(f"Held-out L1 inside the holes {stats[-1]['test_hole_l1']:.4f}")
    snapshot = run.latest_snapshot()
    if snapshot is not None:
        lines.append(f"Latest generator: {snapshot}")
        command = f"kerasgan live --generator {shlex.quote(str(snapshot))} --source 0 --display"
        lines.append(f"Run it live:      {command}")
    return lines


RECIPE = Recipe(
    summary="pix2pix: image-to-image translation from pairs, or from frames and an input mode.",
    options=Pix2PixOptions,
    build=build,
    sampler=sampler,
    examples=EXAMPLES,
    load_data=load_data,
    reals_grid=reals_grid,
    evaluators=held_out_scores,
    next_steps=next_steps,
)
