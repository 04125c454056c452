"""What the grading child calls in a pix2pix submission (copied into the child as probes.py).

The task: colour a grey 32 x 32 CIFAR-10 photo. Student API (see
kerasgan/grading/starters/pix2pix.py):

    make_generator() -> keras.Model, grey (32, 32, 1) -> colour (32, 32, 3) in [-1, 1]
    make_discriminator() -> keras.Model, [grey input, colour image] -> patch logits (P, P, 1)
    discriminator_loss(real_logits, fake_logits) -> scalar
    generator_loss(fake_logits, generated, targets) -> scalar (GAN loss + 100 * L1)
    discriminator_step(generator, discriminator, discriminator_optimizer, inputs, targets)
    generator_step(generator, discriminator, generator_optimizer, inputs, targets)
    train_step(generator, discriminator, generator_optimizer, discriminator_optimizer,
               inputs, targets) -> (d_loss, g_loss)
"""

import numpy as np

from probe_tools import before_each, prepare  # the harness calls them through probes.py
from probe_tools import GAN_PROBE_FUNCTIONS as PROBE_FUNCTIONS
from probe_tools import determinism_probe, gan_probes, training_probe
from probe_tools import images_in_range, run_training, tensors, to_numpy

__all__ = ["PROBES", "PROBE_FUNCTIONS", "prepare", "before_each"]


def probe_generator(student, inputs, request, record):
    generator = student.make_generator()
    grey = images_in_range(inputs["inputs"])
    record("images", to_numpy(generator(tensors(grey), training=False)))
    # Far-out inputs: a generator without a final tanh leaves [-1, 1] here.
    large = grey * np.float32(request["large_input_scale"])
    record("images_large_inputs", to_numpy(generator(tensors(large), training=False)))


def probe_discriminator(student, inputs, request, record):
    discriminator = student.make_discriminator()
    grey, colour = tensors(images_in_range(inputs["inputs"]), images_in_range(inputs["targets"]))
    record("logits", to_numpy(discriminator([grey, colour], training=False)))
    # The same colour photos with other grey inputs: a pix2pix discriminator judges the pair.
    other = tensors(images_in_range(inputs["other_inputs"]))
    record("logits_other_inputs", to_numpy(discriminator([other, colour], training=False)))


def probe_losses(student, inputs, request, record):
    cases = range(int(request["loss_cases"]))
    logits = [
        tensors(inputs[f"real_logits_{case}"], inputs[f"fake_logits_{case}"]) for case in cases
    ]
    images = [tensors(inputs[f"generated_{case}"], inputs[f"targets_{case}"]) for case in cases]
    # One function at a time: a TODO in one loss leaves the other one graded.
    with record.function("discriminator_loss"):
        for case, (real, fake) in zip(cases, logits):
            record(f"discriminator_loss_{case}", to_numpy(student.discriminator_loss(real, fake)))
    with record.function("generator_loss"):
        for case, ((_, fake), (generated, targets)) in zip(cases, zip(logits, images)):
            loss = student.generator_loss(fake, generated, targets)
            record(f"generator_loss_{case}", to_numpy(loss))


def step_networks_and_arguments(student, inputs, request, step_name):
    """Fresh networks, and the (grey input, colour target) pairs both steps take."""
    generator, discriminator = student.make_generator(), student.make_discriminator()
    grey, colour = tensors(images_in_range(inputs["inputs"]), images_in_range(inputs["targets"]))
    return generator, discriminator, [grey, colour]


def train(student, inputs, request, steps, compile=True):
    """The short training run on real pairs (see probe_tools.run_training).

    Returns (generator, d_losses, g_losses, traced).
    """
    generator, discriminator = student.make_generator(), student.make_discriminator()
    grey = images_in_range(inputs["training_inputs"])
    colour = images_in_range(inputs["training_targets"])
    batch_size = int(request["batch_size"])
    random = np.random.default_rng(int(request["seed"]))

    def next_batch():
        batch = random.integers(0, len(grey), batch_size)
        return tensors(grey[batch], colour[batch])

    d_losses, g_losses, traced = run_training(
        student, generator, discriminator, request, next_batch, steps, compile
    )
    return generator, d_losses, g_losses, traced


def evaluation_outputs(generator, inputs, request):
    """The colourings of the grader's evaluation inputs, shown in the report."""
    grey = tensors(images_in_range(inputs["evaluation_inputs"]))
    return to_numpy(generator(grey, training=False)).astype(np.float32)


def determinism_samples(generator, inputs, request):
    return to_numpy(generator(tensors(images_in_range(inputs["inputs"])), training=False))


PROBES = gan_probes(
    probe_generator,
    probe_discriminator,
    probe_losses,
    step_networks_and_arguments,
    training=training_probe(train, "outputs", evaluation_outputs),
    determinism=determinism_probe(train, determinism_samples),
)
