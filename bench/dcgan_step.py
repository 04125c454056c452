"""Benchmark: images per second of kerasgan's DCGAN training step against a reference.

The reference is a training step written the way the keras.io example "DCGAN
overriding train_step" writes it: generate fakes, train the discriminator on a
concatenated real+fake batch, then draw new latent vectors and run the
generator a second time for the generator update. Both use the SAME generator
and discriminator (kerasgan's builders), the same batch, the same loss
(binary cross-entropy on logits) and the same optimizers; only the step differs.

kerasgan's step runs the generator once per step and reuses its fakes for both
updates, which is where the speed-up comes from.

Run by hand (never part of the test suite):

    python bench/dcgan_step.py                 # 28x28x1, batch 64
    python bench/dcgan_step.py --size 32 --channels 3 --batch-size 128
    python bench/dcgan_step.py --steps-per-execution 8

It prints images per second for each, measured alternately in the same process,
and the ratio (ours / reference).
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import ops  # noqa: E402

from kerasgan.models.dcgan import DCGAN, dcgan_discriminator, dcgan_generator  # noqa: E402


class ReferenceGAN(keras.Model):
    """The keras.io "DCGAN overriding train_step" step, with correct labels (1 = real)."""

    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(1337)

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn
        self.d_loss_metric = keras.metrics.Mean(name="d_loss")
        self.g_loss_metric = keras.metrics.Mean(name="g_loss")

    @property
    def metrics(self):
        return [self.d_loss_metric, self.g_loss_metric]

    def train_step(self, real_images):
        batch_size = ops.shape(real_images)[0]
        latents = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        generated = self.generator(latents, training=True)
        combined = ops.concatenate([generated, real_images], axis=0)
        labels = ops.concatenate([ops.zeros((batch_size, 1)), ops.ones((batch_size, 1))], axis=0)
        with tf.GradientTape() as tape:
            predictions = self.discriminator(combined, training=True)
            d_loss = self.loss_fn(labels, predictions)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

        latents = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        misleading_labels = ops.ones((batch_size, 1))
        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(latents, training=True), training=True)
            g_loss = self.loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        self.d_loss_metric.update_state(d_loss)
        self.g_loss_metric.update_state(g_loss)
        return {"d_loss": self.d_loss_metric.result(), "g_loss": self.g_loss_metric.result()}


def adam():
    return keras.optimizers.Adam(2e-4, beta_1=0.5)


def build(kind, image_shape, latent_dim, filters, steps_per_execution):
    generator = dcgan_generator(image_shape, latent_dim, base_filters=filters)
    discriminator = dcgan_discriminator(image_shape, base_filters=filters)
    if kind == "kerasgan":
        model = DCGAN(image_shape, latent_dim, generator=generator, discriminator=discriminator)
        model.compile(d_optimizer=adam(), g_optimizer=adam(), steps_per_execution=steps_per_execution)
    else:
        model = ReferenceGAN(discriminator, generator, latent_dim)
        model.compile(adam(), adam(), keras.losses.BinaryCrossentropy(from_logits=True))
    return model


def images_per_second(model, dataset, steps, batch_size):
    """(images per wall second, images per CPU second of this process) over `steps` steps.

    CPU time counts only this process's work, so on a shared machine it moves less
    than the wall clock when other programs run beside the measurement.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    model.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0)
    images = steps * batch_size
    return images / (time.perf_counter() - wall), images / (time.process_time() - cpu)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=28)
    parser.add_argument("--channels", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--latent-dim", type=int, default=100)
    parser.add_argument("--filters", type=int, default=64)
    parser.add_argument("--steps", type=int, default=40, help="timed steps per measurement")
    parser.add_argument("--repeats", type=int, default=3, help="alternating measurements each")
    parser.add_argument("--steps-per-execution", type=int, default=1)
    args = parser.parse_args()

    image_shape = (args.size, args.size, args.channels)
    # Real-valued random images: the speed of a step does not depend on what is in the pixels.
    images = np.random.default_rng(0).uniform(-1, 1, (args.batch_size * 8, *image_shape))
    dataset = (
        tf.data.Dataset.from_tensor_slices(images.astype("float32"))
        .batch(args.batch_size, drop_remainder=True)
        .cache()
        .repeat()
        .prefetch(tf.data.AUTOTUNE)
    )
    models = {
        "kerasgan": build("kerasgan", image_shape, args.latent_dim, args.filters, args.steps_per_execution),
        "reference": build("reference", image_shape, args.latent_dim, args.filters, 1),
    }
    for model in models.values():  # trace and warm up outside the timing
        images_per_second(model, dataset, max(8, args.steps_per_execution * 2), args.batch_size)
    rates = {(name, clock): [] for name in models for clock in ("wall", "CPU")}
    for _ in range(args.repeats):
        for name, model in models.items():
            wall, cpu = images_per_second(model, dataset, args.steps, args.batch_size)
            rates[name, "wall"].append(wall)
            rates[name, "CPU"].append(cpu)

    print(
        f"DCGAN step, {args.size}x{args.size}x{args.channels}, batch {args.batch_size}, "
        f"filters {args.filters}, steps_per_execution {args.steps_per_execution}"
    )
    for clock in ("wall", "CPU"):
        ours = statistics.median(rates["kerasgan", clock])
        reference = statistics.median(rates["reference", clock])
        for name, value in (("kerasgan", ours), ("reference", reference)):
            runs = ", ".join(f"{rate:.0f}" for rate in rates[name, clock])
            print(f"  {name:9s}: {value:8.1f} images per {clock} second  (runs: {runs})")
        print(f"  ratio kerasgan / reference ({clock} time): {ours / reference:.2f}x")


if __name__ == "__main__":
    main()
