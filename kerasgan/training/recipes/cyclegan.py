"""CycleGAN's recipe: `kerasgan train cyclegan --data-a A --data-b B`, `train("cyclegan", ...)`.

CycleGAN learns from two folders that have no pairs between them. Its grid shows fixed
held-out images of both domains on their way round, A -> B -> A beside B -> A -> B, and
each snapshot is two files, `generator_a2b-*.keras` and `generator_b2a-*.keras`, each a
plain image-to-image generator that `kerasgan live` and `kerasgan export` take.
"""

import dataclasses
import math
import shlex

import numpy as np

from kerasgan.training.options import (
    AdamOptions,
    LossOptions,
    RunOptions,
    dataset_identity,
    loss_name,
    number_in,
    option,
    whole_number,
)
from kerasgan.training.recipe import Recipe
from kerasgan.training.recipes.pix2pix import side_by_side_grid, translate

GRID_ROWS = 8  # held-out images of each domain in the grid

EXAMPLES = """\
examples:
  kerasgan train cyclegan --data-a datasets/summer --data-b datasets/winter --image-size 128
  kerasgan train cyclegan --data-a photos/ --data-b paintings/ --image-size 256 --epochs 200
  kerasgan train cyclegan --data-a a/ --data-b b/ --image-size 64 --residual-blocks 6 --kimg 20

Each --data-* is a folder of images or a dataset from `kerasgan dataset video` (its test/
folder gives the fixed images of the A -> B -> A | B -> A -> B grids). Both generators are
saved after every interval: run one live with
`kerasgan live --generator results/.../generator_a2b-000010.keras --source 0 --display`.
"""


@dataclasses.dataclass
class CycleGANOptions(AdamOptions, LossOptions, RunOptions):
    """CycleGAN's options: the run's, the loss and Adam's (the paper's defaults), its two
    domains and its terms. No augmentation, instance noise, discriminator steps, generator
    average or frozen discriminator layers (it has two discriminators): CycleGAN does not
    use them."""

    uses_dataset_defaults = False  # its data is always two folders of its own

    dataset: str = option(
        None, "domain A: a folder of images, or a dataset from kerasgan dataset video", kind=str,
        flag="--data-a", required=True,
    )  # fmt: skip
    data_b: str = option(
        None, "domain B: a folder of images, or a dataset from kerasgan dataset video", kind=str,
        required=True,
    )  # fmt: skip
    # The paper: 200 epochs of about a thousand images at batch 1.
    kimg: int = option(
        200, "thousands of steps' images of each domain to show (or pass --epochs instead)",
        check=whole_number(),
    )  # fmt: skip
    image_size: int = option(
        256, "square images, a multiple of 4 (256 in the paper)", check=whole_number(28)
    )
    batch_size: int = option(
        1, "images of each domain per step (1 in the paper)", check=whole_number()
    )
    loss: str = option(
        "lsgan", "lsgan (least squares, the paper's), bce, hinge or wgan-gp", check=loss_name
    )
    generator_filters: int = option(
        64, "filters of the ResNet generators' first layer", check=whole_number()
    )
    residual_blocks: int = option(
        None, "residual blocks per generator", check=whole_number(), kind=int,
        default_text="9 from 256 pixels, else 6",
    )  # fmt: skip
    discriminator_filters: int = option(
        64, "filters of the PatchGANs' first layer", check=whole_number()
    )
    cycle_weight: float = option(
        10.0, "weight of the cycle-consistency L1 terms", check=number_in(0)
    )
    identity_weight: float = option(
        None, "weight of the identity L1 terms (0: off)", check=number_in(0), kind=float,
        default_text="half of --cycle-weight",
    )  # fmt: skip
    pool_size: int = option(
        50, "earlier fakes kept for each discriminator (0: none)", check=whole_number(minimum=0)
    )

    def fill_defaults(self, given):
        if "epochs" in given and "kimg" not in given:
            self.kimg = None  # --epochs says how long the run is
        if self.residual_blocks is None:
            self.residual_blocks = 9 if int(self.image_size) >= 256 else 6
        if self.identity_weight is None:
            self.identity_weight = 0.5 * float(self.cycle_weight)
        self.data_b = dataset_identity(self.data_b)

    def check_together(self):
        super().check_together()
        from kerasgan.models.cyclegan import check_image_size

        check_image_size(self.image_size)
        if self.dataset == self.data_b:
            # Both domains the same images: the generators learn nothing but the identity.
            raise ValueError(
                f"--data-a and --data-b are the same folder ({self.data_b}): CycleGAN translates "
                "between two different sets of images, so pass a second folder to --data-b."
            )
        if self.epochs and self.kimg:
            raise ValueError(
                f"--epochs {self.epochs} and --kimg {self.kimg} both say how long to train: "
                "pass one of them."
            )


def total_steps(options, data):
    """The run's training steps, as `train()` counts them (--epochs or --kimg)."""
    if options.kimg is None:
        return int(options.epochs) * (data.num_examples // options.batch_size)
    return math.ceil(int(options.kimg) * 1000 / options.batch_size)


# -------------------------------------------------------------------- grids


class CycleGrid:
    """The grid of a CycleGAN run: one row per fixed held-out pair of images,
    a | G(a) | F(G(a)) | b | F(b) | G(F(b)); and the two generators of each snapshot.

    The images are drawn once and kept in the checkpoint, so a resumed run shows the same.
    """

    def __init__(self, images_a, images_b):
        self.images_a = np.asarray(images_a, dtype="float32")
        self.images_b = np.asarray(images_b, dtype="float32")

    def arrays(self):
        return {"held_out_a": self.images_a, "held_out_b": self.images_b}

    def grid(self, model):
        a2b, b2a = model.generator_a2b, model.generator_b2a
        fake_b = translate(a2b, self.images_a)
        fake_a = translate(b2a, self.images_b)
        return side_by_side_grid(
            self.images_a, fake_b, translate(b2a, fake_b),
            self.images_b, fake_a, translate(a2b, fake_a),
        )  # fmt: skip

    def snapshots(self, model):
        """{file name prefix: generator}: what each snapshot saves."""
        return {"generator_a2b": model.generator_a2b, "generator_b2a": model.generator_b2a}


def reals_grid(batch):
    """reals.png for CycleGAN: training images of both domains, A | B (not pairs)."""
    images_a, images_b = (np.asarray(part, dtype="float32")[:GRID_ROWS] for part in batch)
    return side_by_side_grid(images_a, images_b)


# ------------------------------------------------------------------- recipe


def load_data(dataset, options):
    from kerasgan.data.unpaired import load_unpaired_data

    return load_unpaired_data(
        dataset, options.data_b, image_size=options.image_size, batch_size=options.batch_size,
        seed=options.seed,
    )  # fmt: skip


def build(options, data):
    from kerasgan.models.cyclegan import CycleGAN

    return CycleGAN(
        image_size=data.image_shape[0],
        channels=data.image_shape[-1],
        generator_filters=options.generator_filters,
        residual_blocks=options.residual_blocks,
        discriminator_filters=options.discriminator_filters,
        cycle_weight=options.cycle_weight,
        identity_weight=options.identity_weight,
        pool_size=options.pool_size,
        loss=options.loss,
        label_smoothing=options.label_smoothing,
        gradient_penalty_weight=options.gradient_penalty_weight,
        total_steps=total_steps(options, data),
        seed=options.seed,
    )


def sampler(model, data, options, saved_arrays):
    if "held_out_a" in saved_arrays:
        return CycleGrid(saved_arrays["held_out_a"], saved_arrays["held_out_b"])
    return CycleGrid(*data.held_out(GRID_ROWS))


def next_steps(run):
    """Where the latest generators are and how to run one live."""
    snapshots = sorted(run.path.glob("generator_a2b-[0-9]*.keras"))
    if not snapshots:
        return []
    a2b = snapshots[-1]
    b2a = a2b.with_name(a2b.name.replace("generator_a2b", "generator_b2a"))
    return [
        f"Latest generators: {a2b} (A -> B) and {b2a} (B -> A)",
        f"Run one live:      kerasgan live --generator {shlex.quote(str(a2b))} --source 0 --display",
    ]


RECIPE = Recipe(
    summary="CycleGAN: translation between two folders of images that have no pairs.",
    options=CycleGANOptions,
    build=build,
    sampler=sampler,
    examples=EXAMPLES,
    load_data=load_data,
    reals_grid=reals_grid,
    next_steps=next_steps,
)
