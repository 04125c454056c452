"""The history of generated images that CycleGAN's discriminators learn from.

Shrivastava et al. 2017 (https://arxiv.org/abs/1612.07828, section 2.3) noticed that a
discriminator shown only the generator's latest images forgets the artifacts of earlier
ones, and the generator brings them back: the two chase each other around. Showing it a
mix of new and earlier fakes keeps it honest. CycleGAN (section 4 of its paper) keeps 50
earlier images per discriminator:

- until the pool is full, every new fake goes in and is shown as it is;
- after that, each new fake is, with probability one half, swapped for a randomly
  chosen stored one (the stored one is shown, the new one takes its place), and
  otherwise shown as it is.

The pool is a Keras layer whose images, count and random state are variables, so it
runs inside the compiled training step and a checkpoint saves it with the weights: a
resumed run shows the discriminator the same history as one that never stopped.
"""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="kerasgan")
class FakeImagePool(keras.layers.Layer):
    """A pool of earlier generated images; `pool(fakes)` returns what to show the discriminator.

    Args:
        image_shape: (height, width, channels) of one image.
        pool_size: how many earlier images to keep (50 in CycleGAN); 0 turns the pool off.
        seed: seed of its random choices.

    Example:

    ```python
    pool = FakeImagePool((64, 64, 3), pool_size=50, seed=0)
    shown = pool(fake_images)  # same shape; a mix of new and earlier fakes once full
    ```
    """

    def __init__(self, image_shape, pool_size=50, seed=None, **kwargs):
        # float32 under mixed precision too: the generators' outputs are float32, and the
        # stored images are read back exactly as they were written.
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.image_shape = tuple(int(side) for side in image_shape)
        self.pool_size = int(pool_size)
        if self.pool_size < 0:
            raise ValueError(
                f"pool_size must be 0 (no pool) or more (50 in CycleGAN); got {pool_size}."
            )
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        # "only_first_replica": under tf.distribute every replica keeps the same pool.
        self.images = self.add_weight(
            shape=(max(self.pool_size, 1), *self.image_shape), initializer="zeros",
            trainable=False, dtype="float32", aggregation="only_first_replica", name="images",
        )  # fmt: skip
        self.count = self.add_weight(
            shape=(), initializer="zeros", trainable=False, dtype="int32",
            aggregation="only_first_replica", name="count",
        )  # fmt: skip
        self.built = True

    def call(self, fakes):
        if self.pool_size == 0:
            return fakes
        batch_size = fakes.shape[0]
        if batch_size is None:
            raise ValueError(
                "FakeImagePool needs batches of a fixed size (a dataset batched with "
                "drop_remainder=True), so that it can go through them one image at a time."
            )
        shown = []
        fakes = ops.cast(ops.stop_gradient(fakes), "float32")
        # One image at a time, in order, as the paper's pool does: a later image of the
        # batch may get back one that an earlier image of the same batch just stored.
        for index in range(batch_size):
            fake = fakes[index]
            full = ops.greater_equal(self.count, self.pool_size)
            swap = ops.logical_and(
                full, ops.less(keras.random.uniform((), seed=self.seed_generator), 0.5)
            )
            random_slot = keras.random.randint((), 0, self.pool_size, seed=self.seed_generator)
            slot = ops.where(full, random_slot, ops.minimum(self.count, self.pool_size - 1))
            stored = self.images[slot]
            shown.append(ops.where(swap, stored, fake))
            # Not full yet: the fake fills the next slot. Full: it replaces the one shown
            # instead, on a swap, and is not kept otherwise.
            keep = ops.logical_or(ops.logical_not(full), swap)
            new_value = ops.where(keep, fake, stored)
            self.images.assign(
                ops.slice_update(self.images, (slot, 0, 0, 0), ops.expand_dims(new_value, 0))
            )
            self.count.assign(ops.minimum(self.count + 1, self.pool_size))
        return ops.stack(shown)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "image_shape": list(self.image_shape),
            "pool_size": self.pool_size,
            "seed": self.seed,
        }
