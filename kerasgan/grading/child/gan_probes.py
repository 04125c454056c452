"""What the grading child calls in a GAN submission (copied into the child as probes.py).

Each probe builds what it needs from the student's functions, calls them on
the grader's inputs and records the raw results. The order is cheap first,
training last, so a submission that hangs or crashes late still has its
early results graded.

Student API, unconditional (dcgan-mnist, see kerasgan/grading/starters/dcgan_mnist.py):

    make_generator(latent_dim) -> keras.Model, latents -> images in [-1, 1]
    make_discriminator() -> keras.Model, images -> (1,) raw logit
    discriminator_loss(real_logits, fake_logits) -> scalar
    generator_loss(fake_logits) -> scalar
    discriminator_step(generator, discriminator, discriminator_optimizer, real_images, latents)
    generator_step(generator, discriminator, generator_optimizer, latents)
    train_step(generator, discriminator, generator_optimizer, discriminator_optimizer,
               real_images, latents) -> (d_loss, g_loss)

Conditional (cgan-mnist, cgan-cifar10): the networks take [input, labels],
`make_generator(latent_dim, num_classes)`, `make_discriminator(num_classes)`,
and the steps take the labels just before the latent vectors:

    discriminator_step(generator, discriminator, discriminator_optimizer, real_images, labels, latents)
    generator_step(generator, discriminator, generator_optimizer, latents, labels)
    train_step(generator, discriminator, generator_optimizer, discriminator_optimizer,
               real_images, labels, latents) -> (d_loss, g_loss)
"""

import numpy as np

from probe_tools import before_each, prepare  # the harness calls them through probes.py
from probe_tools import GAN_PROBE_FUNCTIONS as PROBE_FUNCTIONS
from probe_tools import determinism_probe, gan_probes, replay_probe, training_probe
from probe_tools import images_in_range, run_training, tensors, to_numpy

__all__ = ["PROBES", "PROBE_FUNCTIONS", "prepare", "before_each"]


def conditional(request):
    return bool(request.get("num_classes"))


def build_generator(student, request):
    if conditional(request):
        return student.make_generator(int(request["latent_dim"]), int(request["num_classes"]))
    return student.make_generator(int(request["latent_dim"]))


def build_discriminator(student, request):
    if conditional(request):
        return student.make_discriminator(int(request["num_classes"]))
    return student.make_discriminator()


def generate(generator, latents, labels, request):
    latents, labels = tensors(latents, labels)
    if conditional(request):
        return generator([latents, labels], training=False)
    return generator(latents, training=False)


def discriminate(discriminator, images, labels, request):
    images, labels = tensors(images, labels)
    if conditional(request):
        return discriminator([images, labels], training=False)
    return discriminator(images, training=False)


def probe_generator(student, inputs, request, record):
    generator = build_generator(student, request)
    latents, labels = inputs["latents"], inputs["labels"]
    record("images", to_numpy(generate(generator, latents, labels, request)))
    # Far-out latent vectors: a generator without a final tanh leaves [-1, 1] here.
    large = latents * np.float32(request["large_latent_scale"])
    record("images_large_latents", to_numpy(generate(generator, large, labels, request)))
    if conditional(request):
        # Same latent vectors, other classes: a generator that ignores labels draws the same.
        other = inputs["other_labels"]
        record("images_other_labels", to_numpy(generate(generator, latents, other, request)))


def probe_discriminator(student, inputs, request, record):
    discriminator = build_discriminator(student, request)
    real_images, labels = images_in_range(inputs["real_images"]), inputs["real_labels"]
    record("logits", to_numpy(discriminate(discriminator, real_images, labels, request)))
    if conditional(request):
        other = inputs["other_labels"]
        record(
            "logits_other_labels",
            to_numpy(discriminate(discriminator, real_images, other, request)),
        )


def probe_losses(student, inputs, request, record):
    import tensorflow as tf

    cases = range(int(request["loss_cases"]))
    real = [tf.constant(inputs[f"real_logits_{case}"]) for case in cases]
    fake = [tf.constant(inputs[f"fake_logits_{case}"]) for case in cases]
    # One function at a time: a TODO in one loss leaves the other one graded.
    with record.function("discriminator_loss"):
        for case in cases:
            record(
                f"discriminator_loss_{case}",
                to_numpy(student.discriminator_loss(real[case], fake[case])),
            )
    with record.function("generator_loss"):
        for case in cases:
            record(f"generator_loss_{case}", to_numpy(student.generator_loss(fake[case])))


def step_networks_and_arguments(student, inputs, request, step_name):
    """Fresh networks, and what the step takes after them and the optimizer (see the API above)."""
    generator = build_generator(student, request)
    discriminator = build_discriminator(student, request)
    real_images, labels, latents = tensors(
        images_in_range(inputs["real_images"]), inputs["real_labels"], inputs["latents"]
    )
    if step_name == "discriminator_step":
        arguments = (
            [real_images, labels, latents] if conditional(request) else [real_images, latents]
        )
    else:
        arguments = [latents, labels] if conditional(request) else [latents]
    return generator, discriminator, arguments


def train(student, inputs, request, steps, compile=True):
    """The short training run on real images, batches and latents seeded (see
    probe_tools.run_training).

    Returns (generator, d_losses, g_losses, traced).
    """
    generator = build_generator(student, request)
    discriminator = build_discriminator(student, request)
    images = images_in_range(inputs["training_images"])
    labels = inputs["training_labels"]
    batch_size, latent_dim = int(request["batch_size"]), int(request["latent_dim"])
    random = np.random.default_rng(int(request["seed"]))

    def next_batch():
        batch = random.integers(0, len(images), batch_size)
        latents = random.standard_normal((batch_size, latent_dim)).astype(np.float32)
        if conditional(request):
            return tensors(images[batch], labels[batch], latents)
        return tensors(images[batch], latents)

    d_losses, g_losses, traced = run_training(
        student, generator, discriminator, request, next_batch, steps, compile
    )
    return generator, d_losses, g_losses, traced


def _samples(generator, latents, labels, request, batch_size=100):
    parts = [
        to_numpy(
            generate(
                generator,
                latents[start : start + batch_size],
                labels[start : start + batch_size],
                request,
            )
        )
        for start in range(0, len(latents), batch_size)
    ]
    return np.concatenate(parts).astype(np.float32)


def evaluation_samples(generator, inputs, request):
    """The samples the grader judges after the short run (sample quality, the report's grid)."""
    return _samples(generator, inputs["evaluation_latents"], inputs["evaluation_labels"], request)


def _probe_replay(generator, inputs, request, record):
    """The replay check's samples (see `probe_tools.replay_probe`), labels as the grader asked."""
    replay_probe(lambda latents, labels: _samples(generator, latents, labels, request), inputs, request, record)


def determinism_samples(generator, inputs, request):
    return _samples(generator, inputs["latents"], inputs["labels"], request)


PROBES = gan_probes(
    probe_generator,
    probe_discriminator,
    probe_losses,
    step_networks_and_arguments,
    training=training_probe(train, "samples", evaluation_samples, also=_probe_replay),
    determinism=determinism_probe(train, determinism_samples),
)
