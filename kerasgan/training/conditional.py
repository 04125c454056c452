"""Training the conditional GAN: its recipe for `train("cgan", ...)` and its class grid.

`kerasgan train cgan --dataset cifar10` works like `kerasgan train dcgan`, with
two differences: the data comes with labels (MNIST digits, CIFAR-10 classes, or
one subfolder per class), and every interval's picture is a class grid: one row
per class, one fixed latent vector per column. Reading down a column shows what
the label changes for the same z; reading along a row shows what z changes
within a class.
"""

import numpy as np

from kerasgan import images, sampling
from kerasgan.training.callbacks import sampling_generator
from kerasgan.training.trainer import (
    ModelRecipe,
    gan_training_options,
    fixed_latents,
    register_model,
)

# Latent vectors (columns) in each class grid: 8 columns, as in the DCGAN's 8 x 8 grid.
CLASS_GRID_COLUMNS = 8

# Options the conditional GAN adds to those of the DCGAN, with their defaults.
CONDITIONAL_DEFAULTS = {"embedding_dim": 8, "conditioning": "projection"}


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
        latents, labels = sampling.class_grid_inputs(self.latents, len(self.class_names))
        generator = sampling_generator(model)
        generated = generator.predict([latents, labels], verbose=0, batch_size=64)
        return images.make_grid(generated, columns=len(self.latents), row_labels=self.class_names)


def _build_conditional_gan(options, data):
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
        latent_dim=options["latent_dim"],
        embedding_dim=options["embedding_dim"],
        conditioning=options["conditioning"],
        generator_filters=options["generator_filters"],
        discriminator_filters=options["discriminator_filters"],
        upsampling=options["upsampling"],
        spectral_norm=options["spectral_norm"],
        **gan_training_options(options),
    )


def _class_grid_sampler(model, data, options, saved_arrays):
    latents = saved_arrays.get("class_grid_latents")
    if latents is None:
        latents = fixed_latents(options, count=CLASS_GRID_COLUMNS)
    return ClassGrid(latents, model.class_names)


register_model(
    "cgan",
    ModelRecipe(
        build=_build_conditional_gan,
        sampler=_class_grid_sampler,
        needs_labels=True,
        defaults=CONDITIONAL_DEFAULTS,
    ),
)
