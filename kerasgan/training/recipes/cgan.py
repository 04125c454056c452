"""The conditional GAN's recipe: `kerasgan train cgan` and `train("cgan", ...)`.

`kerasgan train cgan --dataset cifar10` works like `kerasgan train dcgan`, with
two differences: the data comes with labels (MNIST digits, CIFAR-10 classes, or
one subfolder per class), and every interval's picture is a class grid: one row
per class, one fixed latent vector per column. Reading down a column shows what
the label changes for the same z; reading along a row shows what z changes
within a class.
"""

import dataclasses

import numpy as np

from kerasgan import images
from kerasgan.snapshots import sampling
from kerasgan.training.options import one_of, option, whole_number
from kerasgan.training.recipe import Recipe, fixed_latents
from kerasgan.training.recipes.dcgan import DCGANOptions, network_arguments

# Latent vectors (columns) in each class grid: 8 columns, as in the DCGAN's 8 x 8 grid.
CLASS_GRID_COLUMNS = 8

EXAMPLES = """\
examples:
  kerasgan train cgan --dataset mnist
  kerasgan train cgan --dataset cifar10 --epochs 50 --ema-decay 0.999
  kerasgan train cgan --dataset mnist --conditioning channel --embedding-dim 16
  kerasgan train cgan --dataset datasets/shapes --image-size 64

A folder dataset needs one subfolder per class; the subfolder names become the class
names, which travel inside every generator snapshot:
  kerasgan generate --snapshot results/00000-cgan-shapes/generator-000010.keras --class circle --out circles.png
"""


@dataclasses.dataclass
class ConditionalGANOptions(DCGANOptions):
    """The conditional GAN's options: the DCGAN's, plus how the label enters the networks."""

    # Not the DCGAN's per-dataset settings: those were measured for the DCGAN only, and
    # the conditional GAN keeps the field defaults until it is measured the same way.
    dataset_defaults = {}

    embedding_dim: int = option(8, "length of each class's learned label vector", check=whole_number())
    conditioning: str = option(
        "projection", "how the discriminator takes the label: projection or channel",
        check=one_of("projection", "channel"),
    )  # fmt: skip


class ClassGrid:
    """Sample grid of a conditional generator: one row per class, one fixed z per column.

    The same latent vectors every time (and after a resume, from the checkpoint),
    so successive grids show the same columns learning their classes.

    Args:
        latents: (columns, latent_dim) fixed latent vectors.
        class_names: one name per class, written at the start of each row.

    Example:

    ```python
    sampler = ClassGrid(np.random.default_rng(0).standard_normal((8, 128)), ["0", "1", ...])
    images.save_image("classes.png", sampler.grid(cgan))
    ```
    """

    def __init__(self, latents, class_names):
        self.latents = np.asarray(latents, dtype="float32")
        self.class_names = [str(name) for name in class_names]

    def arrays(self):
        return {"class_grid_latents": self.latents}

    def grid(self, model):
        from kerasgan.training.callbacks import sampling_generator

        latents, labels = sampling.class_grid_inputs(self.latents, len(self.class_names))
        generator = sampling_generator(model)
        generated = generator.predict([latents, labels], verbose=0, batch_size=64)
        return images.make_grid(generated, columns=len(self.latents), row_labels=self.class_names)


def build(options, data):
    from kerasgan.models.conditional_gan import ConditionalGAN

    if data.num_classes < 2:
        raise ValueError(
            f"{data.description} has no classes, and a conditional GAN needs at least two: "
            "use a dataset with labels (mnist, cifar10, or a folder with one subfolder per class)."
        )
    return ConditionalGAN(
        image_shape=data.image_shape,
        num_classes=data.num_classes,
        class_names=data.class_names,
        embedding_dim=options.embedding_dim,
        conditioning=options.conditioning,
        **network_arguments(options),
        **options.model_arguments(),
    )


def sampler(model, data, options, saved_arrays):
    latents = saved_arrays.get("class_grid_latents")
    if latents is None:
        latents = fixed_latents(options, count=CLASS_GRID_COLUMNS)
    return ClassGrid(latents, model.class_names)


RECIPE = Recipe(
    summary="Conditional GAN: labels enter through an Embedding layer.",
    options=ConditionalGANOptions,
    build=build,
    sampler=sampler,
    examples=EXAMPLES,
    needs_labels=True,
)
