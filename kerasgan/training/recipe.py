"""`Recipe`: how `train()` makes, feeds, compiles and shows one kind of model.

A model module (`kerasgan/models/dcgan.py`) knows nothing about how it is trained
from the command line. Its recipe (`kerasgan/training/recipes/dcgan.py`) does: which
options it takes, how they become the model's constructor arguments, what data it
needs, what its sample grid and its reals.png show. `train()` only follows recipes,
and `kerasgan/training/recipes/__init__.py` lists them in one table.

This module holds the `Recipe` record and the pieces most recipes share: the
options -> `GAN` arguments mapping, the default Adam optimizers, the fixed latent
batch, and the default last lines `kerasgan train` prints.
"""

import dataclasses
import shlex
from typing import Callable, Optional

from kerasgan.snapshots import sampling

GRID_SIZE = 64  # images in each sample grid (8 x 8)


def adam_optimizers(options):
    """(discriminator optimizer, generator optimizer): Adam(learning_rate, beta_1) each."""
    import keras

    return (
        keras.optimizers.Adam(options.learning_rate, beta_1=options.beta_1),
        keras.optimizers.Adam(options.learning_rate, beta_1=options.beta_1),
    )


def fixed_latents(options, count=GRID_SIZE):
    """The grid's latent batch, drawn once from the run's seed (and then kept in the checkpoint)."""
    return sampling.latent_batch(count, options.latent_dim, seed=options.seed)


def fixed_latent_sampler(model, data, options, saved_arrays):
    """A `Recipe.sampler` for z -> image generators: the same latents drawn every interval.

    A resumed run takes the latents its checkpoint kept, so its grids continue the first ones.
    """
    from kerasgan.training.callbacks import FixedLatentGrid

    latents = saved_arrays.get("fixed_latents")
    return FixedLatentGrid(latents if latents is not None else fixed_latents(options))


def sample_it(run):
    """The last lines of `kerasgan train` for a generator of latent vectors."""
    snapshot = run.latest_snapshot()
    if snapshot is None:
        return []
    return [
        f"Latest generator: {snapshot}",
        # Quoted, so that a path with spaces (Colab's "My Drive") pastes as one argument.
        f"Sample it:        kerasgan generate --snapshot {shlex.quote(str(snapshot))} --num 64 "
        "--out grid.png",
    ]


@dataclasses.dataclass(frozen=True)
class Recipe:
    """How `train()` makes one kind of model. See `kerasgan/training/recipes/__init__.py`.

    Args:
        summary: one line for `kerasgan train --help` and the model's own `--help`.
        options: the model's `TrainingOptions` subclass (its flags, defaults and checks).
        build: `(options, data) -> model`, an uncompiled `keras.Model` with `generator`
            and `discriminator` attributes, whose `compile` takes `d_optimizer` and
            `g_optimizer` (a `kerasgan.models.gan.GAN` subclass).
        sampler: `(model, data, options, saved_arrays) -> sampler` for the grids: an
            object with `grid(model) -> image` and `arrays() -> dict` (kept in the
            checkpoint, and handed back as `saved_arrays` when the run resumes).
        examples: command lines for the model's `--help`.
        needs_labels: the default data loading yields `(images, labels)`.
        load_data: `(dataset, options) -> data` with `dataset` (a `tf.data.Dataset` of
            batches), `num_examples`, `image_shape` and `description`; default:
            `kerasgan.data.load_training_data`.
        optimizers: `(options) -> (discriminator_optimizer, generator_optimizer)`;
            default: `adam_optimizers`.
        reals_grid: `(batch) -> image` for reals.png; default: a grid of the batch's images.
        evaluators: `(data, options) -> list` of `(model) -> dict` scores added to
            stats.jsonl after each interval (pix2pix's held-out L1 and PSNR); default: none.
        next_steps: `(run) -> lines` that `kerasgan train` prints at the end; default:
            where the latest generator is and how to sample it.
    """

    summary: str
    options: type
    build: Callable
    sampler: Callable
    examples: str = ""
    needs_labels: bool = False
    load_data: Optional[Callable] = None
    optimizers: Callable = adam_optimizers
    reals_grid: Optional[Callable] = None
    evaluators: Optional[Callable] = None
    next_steps: Callable = sample_it
