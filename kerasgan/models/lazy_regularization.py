"""Lazy regularization: a costly penalty computed every N steps only, multiplied by N.

StyleGAN2 (Karras et al. 2020, https://arxiv.org/abs/1912.04958, section 3.1) runs its R1
penalty every 16 discriminator steps and its path length penalty every 4 generator steps:
the penalties need second-order gradients, and computing them rarely costs little while
training as well. Three small pieces:

- `is_due(step, interval)`: whether the regularizer runs at this step (a tensor, for
  `tf.cond`, so the compiled step only computes the penalty when it is due);
- `gradients_or_zeros`: the penalty's gradients, with zeros where it does not reach
  (`tf.cond`'s branches must both return tensors);
- `lazy_adam`: Adam with the learning rate and betas adjusted for the extra minibatch
  the regularizer counts as.
"""

import keras
from keras import ops


def is_due(step, interval):
    """True at every `interval`-th step (0, N, 2N, ...), as a boolean tensor."""
    return ops.equal(step % interval, 0)


def gradients_or_zeros(tape, loss, variables):
    """Gradients of `loss`, zeros where a variable does not affect it (tf.cond needs tensors)."""
    gradients = tape.gradient(loss, variables)
    return [ops.zeros_like(v) if g is None else g for g, v in zip(gradients, variables)]


def lazy_adam(learning_rate, interval, beta_1=0.0, beta_2=0.99, epsilon=1e-8):
    """Adam adjusted for a regularizer every `interval` steps (0: none).

    With a regularizer every N steps, StyleGAN2 counts N + 1 minibatches per N steps and
    scales the learning rate and the betas by ratio = N / (N + 1), so the optimizer
    behaves as it would with the regularizer in every step.
    """
    ratio = interval / (interval + 1) if interval else 1
    return keras.optimizers.Adam(
        learning_rate=learning_rate * ratio,
        beta_1=beta_1**ratio,
        beta_2=beta_2**ratio,
        epsilon=epsilon,
    )
