"""Augmentation of what a discriminator sees, with ADA's adaptive probability, as one piece.

`GAN` and `StyleGAN2` each keep one `AdaptiveAugmentation`: the augmentations chosen,
their probability p (a model variable, so the compiled step reads its current value and
the checkpoint saves it), and ADA's running sum of E[sign(D(real))], which moves p toward
a target every few steps (Karras et al. 2020, https://arxiv.org/abs/2006.06676). The
augmentations themselves are `kerasgan/augment.py`'s.
"""

import tensorflow as tf
from keras import ops

from kerasgan import augment as augmentation


class AdaptiveAugmentation:
    """Differentiable augmentation with a probability p that ADA may adapt.

    Args:
        augment: a list or a comma-separated string of augmentations (`kerasgan/augment.py`).
        augment_probability: p, each augmentation's chance per image; default 1, or 0 with
            `ada`, where it is only the starting value.
        ada: adapt p while training.
        ada_target: the value of E[sign(D(real))] that ADA aims for (0.6 in the paper).
        ada_interval: steps between two adjustments of p.
        ada_kimg: thousands of images over which p could go from 0 to 1.
        add_variable: `(name, value) -> variable`, the model's way to make a state variable
            (the variables belong to the model, in the order they are made here).
    """

    def __init__(self, augment=(), augment_probability=None, ada=False, ada_target=0.6,
                 ada_interval=4, ada_kimg=100, add_variable=None):  # fmt: skip
        augmentations = augmentation.parse_augmentations(augment)
        if ada and not augmentations:
            raise ValueError(
                "ada adapts the probability of augmentations, but none were chosen: pass "
                "augment='flip,translation,color,cutout' (or some of them)."
            )
        if augment_probability is None:
            augment_probability = 0.0 if ada else 1.0
        if not 0.0 <= float(augment_probability) <= 1.0:
            raise ValueError(f"augment_probability must be in [0, 1]; got {augment_probability}.")
        if int(ada_interval) < 1 or float(ada_kimg) <= 0:
            raise ValueError("ada_interval must be 1 or more and ada_kimg more than 0.")
        self.augmentations = augmentations
        self.initial_probability = float(augment_probability)
        self.ada = bool(ada)
        self.ada_target = float(ada_target)
        self.ada_interval = int(ada_interval)
        self.ada_kimg = float(ada_kimg)
        self.probability = None
        if self.augmentations:
            self.probability = add_variable("augment_probability", augment_probability)
        if self.ada:
            # sum and count of E[sign(D(real))] since the last adjustment of p
            self.real_sign_sum = add_variable("ada_real_sign_sum", 0.0)
            self.real_sign_count = add_variable("ada_real_sign_count", 0.0)

    def __bool__(self):
        return bool(self.augmentations)

    def augment(self, images, seed_generator):
        """Each image transformed at random, afresh at every step (unchanged if none chosen)."""
        if not self.augmentations:
            return images  # decided in Python: no ops at all
        return augmentation.augment_images(
            images, self.augmentations, self.probability, seed_generator
        )

    def update(self, real_logits, step, probability_tracker):
        """Records p in its tracker and, with ADA, moves p toward the target every few steps."""
        if not self.augmentations:
            return
        probability_tracker.update_state(self.probability)
        if not self.ada:
            return
        self.real_sign_sum.assign_add(ops.mean(ops.sign(ops.cast(real_logits, "float32"))))
        self.real_sign_count.assign_add(1.0)
        # Arithmetic instead of an `if`: the same graph runs at every step, and only every
        # `ada_interval`-th step changes p and starts a new sum.
        adjust_now = ops.cast(ops.equal(step % self.ada_interval, 0), "float32")
        real_sign_rate = self.real_sign_sum / ops.maximum(self.real_sign_count, 1.0)
        global_batch = ops.cast(ops.shape(real_logits)[0], "float32") * float(
            tf.distribute.get_strategy().num_replicas_in_sync
        )
        step_size = global_batch * self.ada_interval / (self.ada_kimg * 1000.0)
        new_probability = augmentation.adjusted_probability(
            self.probability, real_sign_rate, self.ada_target, step_size
        )
        self.probability.assign(
            self.probability + adjust_now * (new_probability - self.probability)
        )
        self.real_sign_sum.assign(self.real_sign_sum * (1.0 - adjust_now))
        self.real_sign_count.assign(self.real_sign_count * (1.0 - adjust_now))

    def get_config(self):
        """The constructor's arguments (without `add_variable`), for the model's config."""
        return {
            "augment": list(self.augmentations),
            "augment_probability": self.initial_probability,
            "ada": self.ada,
            "ada_target": self.ada_target,
            "ada_interval": self.ada_interval,
            "ada_kimg": self.ada_kimg,
        }
