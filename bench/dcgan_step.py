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
and the ratio (ours / reference), in float32 and under mixed precision (the policy
`kerasgan.precision.choose_mixed_precision()` picks for this machine: bfloat16 where
the CPU or GPU computes it, float16 on older GPUs), per wall second and per CPU second
of this process. On a shared machine trust the CPU figures: the wall clock also counts
the time other programs held the cores.

Then a short profile of kerasgan's step in each precision: CPU milliseconds of the
generator's forward pass, the discriminator's forward passes (real and fake), the two
backward passes, and what remains of the step (the optimizer updates, metrics and the
loop around the step), each part timed as a compiled function of its own.

    python bench/dcgan_step.py --precision float32          # float32 only
    python bench/dcgan_step.py --policy mixed_float16       # force a policy

Measured on 2 shared cores with AVX512_BF16 (images per CPU second, median of 3), kerasgan
against the reference in the same precision: 64 filters 1.28x in float32 and 1.35x in
bfloat16 (kerasgan bfloat16 / reference float32: 1.81x); with --steps-per-execution 8 1.30x
and 1.33x (the loop around the step is about 5% of it); 32 filters, the MNIST default,
1.31x and 1.24x (kerasgan bfloat16 / reference float32: 1.66x). The profile at 64 filters in
float32: generator forward 25%, discriminator forward 9%, the backward passes 61%, the rest
5%. The reference's extra cost is its second generator pass and the discriminator's third
forward pass; what remains is the same convolutions in both steps, so 1.5x in one precision
needs cheaper convolutions, not a different step.
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

from kerasgan import losses  # noqa: E402
from kerasgan.models.dcgan import DCGAN, dcgan_discriminator, dcgan_generator  # noqa: E402
from kerasgan.precision import choose_mixed_precision  # noqa: E402


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


def build(kind, image_shape, latent_dim, filters, steps_per_execution, policy):
    """A compiled GAN whose layers compute under `policy` (the global policy while building)."""
    previous = keras.config.dtype_policy()
    keras.mixed_precision.set_global_policy(policy)
    try:
        generator = dcgan_generator(image_shape, latent_dim, base_filters=filters)
        discriminator = dcgan_discriminator(image_shape, base_filters=filters)
        if kind == "kerasgan":
            model = DCGAN(image_shape, latent_dim, generator=generator, discriminator=discriminator)
            model.compile(d_optimizer=adam(), g_optimizer=adam(), steps_per_execution=steps_per_execution)
        else:
            model = ReferenceGAN(discriminator, generator, latent_dim)
            model.compile(adam(), adam(), keras.losses.BinaryCrossentropy(from_logits=True))
    finally:
        keras.mixed_precision.set_global_policy(previous)
    return model


def images_per_second(model, dataset, steps, batch_size):
    """(images per wall second, images per CPU second of this process) over `steps` steps.

    CPU time counts only this process's work, so on a shared machine it moves less
    than the wall clock when other programs run beside the measurement.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    model.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0, shuffle=False)
    images = steps * batch_size
    return images / (time.perf_counter() - wall), images / (time.process_time() - cpu)


def cpu_milliseconds(function, calls):
    """CPU milliseconds per call of a compiled function, after one call to trace it."""
    function()
    start = time.process_time()
    for _ in range(calls):
        outputs = function()
    tf.nest.map_structure(lambda tensor: tensor.numpy(), outputs)  # wait for the last call
    return 1000 * (time.process_time() - start) / calls


def profile_step(model, dataset, latent_dim, batch_size, calls):
    """Where one kerasgan step's CPU time goes: each part timed as a tf.function of its own."""
    real_images = next(iter(dataset))
    latents = tf.random.normal((batch_size, latent_dim))
    generator, discriminator = model.generator, model.discriminator

    @tf.function
    def generator_forward():
        return generator(latents, training=True)

    fake_images = generator_forward()

    @tf.function
    def discriminator_forward():
        return discriminator(real_images, training=True), discriminator(fake_images, training=True)

    @tf.function
    def forward_and_backward():
        with tf.GradientTape() as generator_tape, tf.GradientTape() as discriminator_tape:
            fakes = generator(latents, training=True)
            real_logits = discriminator(real_images, training=True)
            fake_logits = discriminator(fakes, training=True)
            d_loss = losses.discriminator_loss("bce", real_logits, fake_logits, 1.0)
            g_loss = losses.generator_loss("bce", fake_logits)
        return (
            discriminator_tape.gradient(d_loss, discriminator.trainable_variables),
            generator_tape.gradient(g_loss, generator.trainable_variables),
        )

    parts = {
        "generator forward": cpu_milliseconds(generator_forward, calls),
        "discriminator forward (real + fake)": cpu_milliseconds(discriminator_forward, calls),
    }
    both_passes = cpu_milliseconds(forward_and_backward, calls)
    parts["backward passes (both networks)"] = both_passes - sum(parts.values())
    _, images_per_cpu_second = images_per_second(model, dataset, calls, batch_size)
    step = 1000 * batch_size / images_per_cpu_second
    parts["optimizer updates, metrics, loop"] = step - both_passes
    return step, parts


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
    parser.add_argument(
        "--precision", default="float32,mixed",
        help="float32, mixed, or both (default); mixed is the policy chosen for this machine",
    )
    parser.add_argument("--policy", default=None, help="the mixed policy to use instead of the chosen one")
    parser.add_argument("--profile-calls", type=int, default=20, help="calls per part in the profile (0: none)")
    args = parser.parse_args()

    choice = choose_mixed_precision()
    mixed_policy = args.policy or choice.policy
    policies = []
    for name in args.precision.split(","):
        policy = "float32" if name.strip() == "float32" else mixed_policy
        if policy not in policies:
            policies.append(policy)

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
    models = {}
    for policy in policies:
        models["kerasgan", policy] = build(
            "kerasgan", image_shape, args.latent_dim, args.filters, args.steps_per_execution, policy
        )
        models["reference", policy] = build("reference", image_shape, args.latent_dim, args.filters, 1, policy)
    for model in models.values():  # trace and warm up outside the timing
        images_per_second(model, dataset, max(8, args.steps_per_execution * 2), args.batch_size)
    rates = {(key, clock): [] for key in models for clock in ("wall", "CPU")}
    for _ in range(args.repeats):
        for key, model in models.items():
            wall, cpu = images_per_second(model, dataset, args.steps, args.batch_size)
            rates[key, "wall"].append(wall)
            rates[key, "CPU"].append(cpu)

    print(
        f"DCGAN step, {args.size}x{args.size}x{args.channels}, batch {args.batch_size}, "
        f"filters {args.filters}, steps_per_execution {args.steps_per_execution}, "
        f"{os.cpu_count()} CPU cores"
    )
    print(choice.sentence() + (f" (measured: {mixed_policy}, as asked)" if args.policy else ""))
    medians = {key: statistics.median(values) for key, values in rates.items()}
    for clock in ("CPU", "wall"):
        print(f"images per {clock} second (median of {args.repeats}; runs in brackets):")
        for policy in policies:
            for name in ("kerasgan", "reference"):
                runs = ", ".join(f"{rate:.0f}" for rate in rates[(name, policy), clock])
                print(f"  {name:9s} {policy:15s}: {medians[(name, policy), clock]:7.1f}  ({runs})")
            ratio = medians[("kerasgan", policy), clock] / medians[("reference", policy), clock]
            print(f"  ratio kerasgan / reference in {policy}: {ratio:.2f}x")
        if len(policies) > 1:
            mixed, reference = ("kerasgan", policies[1]), ("reference", "float32")
            print(
                f"  kerasgan {policies[1]} / kerasgan float32: "
                f"{medians[mixed, clock] / medians[('kerasgan', 'float32'), clock]:.2f}x; "
                f"/ reference float32: {medians[mixed, clock] / medians[reference, clock]:.2f}x"
            )

    if args.profile_calls:
        for policy in policies:
            step, parts = profile_step(
                models["kerasgan", policy], dataset, args.latent_dim, args.batch_size, args.profile_calls
            )
            print(f"where kerasgan's step spends its CPU time in {policy} ({step:.1f} ms per step):")
            for part, milliseconds in parts.items():
                # Parts compiled apart cost a little more than inside one step, so a small
                # remainder can come out below zero: it is then lost in that difference.
                note = "  (below this split's noise)" if milliseconds < 0 else ""
                print(f"  {part:36s} {milliseconds:7.1f} ms  {100 * milliseconds / step:5.1f}%{note}")


if __name__ == "__main__":
    main()
