"""The generator average (EMA): a copy of the generator whose weights trail the trained ones.

Each step's update pushes the generator's weights around the place the game is heading,
with noise from the minibatch and from the discriminator's own moves. An exponential
moving average of the weights cancels much of that back-and-forth, so its samples change
smoothly between grids and are usually better (Yazici et al. 2019,
https://arxiv.org/abs/1806.04498; StyleGAN's G_ema).

Two ways to say how fast it follows, one per model that keeps an average:

- `warm_up_decay`: a fixed decay (0.999) with a warm-up, for `GAN`'s `ema_decay`;
- `half_life_decay`: a half-life counted in images (StyleGAN2-ADA's `ema_kimg`), so the
  average means the same thing at every batch size.
"""

import keras
from keras import ops


def average_copy(generator):
    """A copy of `generator` with the same weights, changed by averaging, never by an optimizer."""
    average = keras.models.clone_model(generator)
    average.set_weights(generator.get_weights())
    average.trainable = False
    return average


def move_average(average, generator, decay):
    """average = generator + decay * (average - generator), weight by weight.

    Non-trainable weights (batch-norm statistics, StyleGAN2's w_avg) are averages or
    constants already: copied, as StyleGAN copies buffers.
    """
    for average_weight, current in zip(average.weights, generator.weights):
        if current.trainable:
            current = ops.cast(current, average_weight.dtype)
            average_weight.assign(
                current + ops.cast(decay, average_weight.dtype) * (average_weight - current)
            )
        else:
            average_weight.assign(current)


def warm_up_decay(ema_decay, step):
    """`ema_decay`, or less while `step` is small.

    As tf.train.ExponentialMovingAverage's num_updates: at first the average would be
    mostly the random starting weights, so it follows quickly, then slows down.
    """
    step = ops.cast(step, "float32")
    return ops.minimum(ema_decay, (1.0 + step) / (10.0 + step))


def half_life_decay(ema_kimg, ema_rampup, step, global_batch):
    """beta = 0.5 ** (batch / (ema_kimg * 1000)): the average halves its distance every
    `ema_kimg` thousand images. With `ema_rampup`, the half-life is at most that fraction
    of the images seen so far, so early weights, which are poor, are forgotten quickly."""
    images_seen = (ops.cast(step, "float32") - 1.0) * global_batch
    half_life = ops.convert_to_tensor(ema_kimg * 1000.0)
    if ema_rampup is not None:
        half_life = ops.minimum(half_life, images_seen * ema_rampup)
    return ops.power(0.5, global_batch / ops.maximum(half_life, 1e-8))
