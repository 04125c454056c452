"""Assignment `pix2pix`: colour grey CIFAR-10 photos with a U-Net and a PatchGAN (Isola et al. 2017).

Paper: https://arxiv.org/abs/1611.07004. The task is image-to-image
translation on real pairs made from CIFAR-10: the input is a photo's grey
version (ITU-R 601 luma), the target the photo itself. The student writes the
U-Net generator, the PatchGAN discriminator (which judges an input and an
image together, patch by patch), the losses (the generator's is the GAN loss
plus 100 times the L1 distance to the target), and the steps.

| check                    | points | what it catches                                    |
|--------------------------|--------|----------------------------------------------------|
| generator_output         | 10     | wrong output shape or dtype                        |
| generator_range          | 10     | no tanh at the end (seen with large inputs)       |
| discriminator_output     | 10     | one logit per image instead of a map of patches   |
| discriminator_uses_input | 10     | a discriminator that looks at the image alone     |
| discriminator_loss       | 10     | wrong labels, sum instead of mean                 |
| generator_loss           | 15     | the L1 weight of 100 missing, L2 instead of L1    |
| discriminator_step       | 10     | the generator changes in the discriminator's step |
| generator_step           | 10     | the discriminator changes in the generator's step |
| losses_fall              | 10     | a training step that does not train (G's loss)    |
| determinism              | 5      | results that change under one seed                |
"""

import numpy as np

from kerasgan.grading import gan_checks
from kerasgan.grading.assignments import Assignment
from kerasgan.grading.checks import Check, Verdict, describe

IMAGE_SIZE = 32
L1_WEIGHT = 100.0

SETTINGS = {
    "seed": 20240919,
    "large_input_scale": 50.0,
    "loss_cases": 3,
    "l1_weight": L1_WEIGHT,
    "training_steps": 60,
    "batch_size": 32,
    "learning_rate": 1e-3,
    "beta_1": 0.5,
    "training_images": 2048,
    "determinism_steps": 2,
    # The generator's loss (mostly 100 * L1) falls from the first step: to 0.44 of its start
    # in the reference, to 0.8 without the L1 weight. The discriminator's barely moves in
    # 60 steps (0.8 of its start in the reference, not at all without the L1 weight).
    "falling_loss": "generator",
    "loss_fall_ratio": 0.9,
    "loss_window": 20,
}

# The logits of one pair in the loss cases: a 4 x 4 map of patches.
PATCHES = (4, 4, 1)


def grey(images):
    """ITU-R 601 luma of uint8 RGB images, as uint8 (N, H, W, 1): the pix2pix inputs."""
    weights = np.array([0.299, 0.587, 0.114], dtype=np.float64)
    luma = np.asarray(images, dtype=np.float64) @ weights
    return np.clip(np.rint(luma), 0, 255).astype(np.uint8)[..., np.newaxis]


def make_inputs(data, settings):
    """Grey inputs and colour targets, logits and images for the loss checks."""
    random = np.random.default_rng(settings["seed"])
    training = random.permutation(len(data.x_train))[: settings["training_images"]]
    chosen = random.permutation(len(data.x_test))[:32]
    shown, other = chosen[:16], chosen[16:]
    inputs = {
        "inputs": grey(data.x_test[shown]),
        "targets": data.x_test[shown],
        "other_inputs": grey(data.x_test[other]),
        "training_inputs": grey(data.x_train[training]),
        "training_targets": data.x_train[training],
        "evaluation_inputs": grey(data.x_test[shown[:8]]),
        "evaluation_targets": data.x_test[shown[:8]],
    }
    inputs.update(gan_checks.loss_cases(random, settings["loss_cases"], PATCHES))
    for case in range(settings["loss_cases"]):
        count = len(inputs[f"fake_logits_{case}"])
        shape = (count, IMAGE_SIZE, IMAGE_SIZE, 3)
        inputs[f"generated_{case}"] = random.uniform(-1, 1, shape).astype(np.float32)
        inputs[f"targets_{case}"] = random.uniform(-1, 1, shape).astype(np.float32)
    return inputs


def report_samples(outputs, context):
    """Three rows: the grey inputs, the generator's colours, the real photos (8 of each)."""
    inputs = context.inputs
    grey_inputs = np.repeat(inputs["evaluation_inputs"], 3, axis=-1).astype(np.float32) / 127.5 - 1
    targets = inputs["evaluation_targets"].astype(np.float32) / 127.5 - 1
    generated = np.clip(outputs.array("training", "outputs"), -1, 1)
    return np.concatenate([grey_inputs, generated, targets])


def discriminator_output(outputs, context):
    """A map of patch logits per pair, shaped (N, P, P, 1) with P > 1, in float32."""
    logits = outputs.array("discriminator", "logits")
    count = len(context.inputs["inputs"])
    patch_map = (
        logits.ndim == 4
        and logits.shape[0] == count
        and logits.shape[-1] == 1
        and logits.shape[1] > 1
        and logits.shape[2] > 1
    )
    if not patch_map or logits.dtype != np.float32:
        return Verdict(
            False,
            f"For {count} pairs, expected float32 patch logits shaped ({count}, P, P, 1) with "
            f"P > 1; got {describe(logits)}. A PatchGAN ends with a Conv2D(1, ...) and no "
            "Flatten or Dense.",
        )
    return Verdict(True, f"Got float32 patch logits shaped {logits.shape}.")


def discriminator_uses_input(outputs, context):
    """The discriminator judges the pair: another grey input changes its logits."""
    per_pair = gan_checks.changes_per_item(
        outputs, "discriminator", "logits", "logits_other_inputs", "images"
    )
    unchanged = int(np.sum(per_pair <= 1e-7))
    if unchanged:
        return Verdict(
            False,
            f"With other grey inputs and the same colour photos, {unchanged} of {len(per_pair)} "
            "pairs got the same logits: the discriminator must see the input with the image "
            "(concatenate them), or any realistic photo passes, whatever the input was.",
        )
    return Verdict(True, "Other inputs, other logits: the discriminator judges the pair.")


def _softplus(values):
    return np.logaddexp(0.0, np.asarray(values, dtype=np.float64))


def _generator_mistakes(inputs, fake, case):
    generated = inputs[f"generated_{case}"].astype(np.float64)
    targets = inputs[f"targets_{case}"].astype(np.float64)
    adversarial = _softplus(-fake).mean()
    l1 = np.abs(targets - generated).mean()
    return {
        "the L1 term without its weight of 100": adversarial + l1,
        "the L1 term alone, without the GAN loss": L1_WEIGHT * l1,
        "the GAN loss alone, without the L1 term": adversarial,
        "a squared (L2) distance instead of L1": adversarial
        + L1_WEIGHT * np.square(targets - generated).mean(),
    }


def generator_loss(outputs, context):
    """GAN loss + 100 * mean |target - generated|, computed with kerasgan.losses."""
    inputs = context.inputs

    def reference(losses, real, fake, case):
        l1 = np.abs(inputs[f"targets_{case}"] - inputs[f"generated_{case}"]).astype(np.float64)
        return float(np.asarray(losses.bce_generator_loss(fake))) + L1_WEIGHT * l1.mean()

    return gan_checks.compare_losses(
        outputs,
        context,
        "generator_loss",
        reference,
        lambda real, fake, case: _generator_mistakes(inputs, fake, case),
    )


CHECKS = [
    Check(
        "generator_output",
        "make_generator: float32 colour images shaped (N, 32, 32, 3)",
        10,
        gan_checks.generator_output((IMAGE_SIZE, IMAGE_SIZE, 3), count_key="inputs"),
        judges=("make_generator",),
    ),
    Check(
        "generator_range",
        "make_generator: pixels stay in [-1, 1], even for very large inputs",
        10,
        gan_checks.range_check("input images", "images_large_inputs", "large_input_scale"),
        judges=("make_generator",),
    ),
    Check(
        "discriminator_output",
        "make_discriminator: a float32 map of patch logits, shaped (N, P, P, 1)",
        10,
        discriminator_output,
        judges=("make_discriminator",),
    ),
    Check(
        "discriminator_uses_input",
        "make_discriminator: judges the (input, image) pair, not the image alone",
        10,
        discriminator_uses_input,
        judges=("make_discriminator",),
    ),
    Check(
        "discriminator_loss",
        "discriminator_loss: binary cross-entropy on patch logits, real = 1, fake = 0",
        10,
        gan_checks.discriminator_loss,
        judges=("discriminator_loss",),
    ),
    Check(
        "generator_loss",
        "generator_loss: GAN loss + 100 * L1 distance to the target",
        15,
        generator_loss,
        judges=("generator_loss",),
    ),
    *gan_checks.step_checks(),
    Check(
        "losses_fall",
        "train_step: over a short run on real pairs, the generator's loss falls",
        10,
        gan_checks.losses_fall,
        judges=("train_step",),
    ),
    Check(
        "determinism",
        "Same seed, same results: two short runs give identical outputs and losses",
        5,
        gan_checks.determinism,
        judges=("train_step",),
    ),
]

ASSIGNMENT = Assignment(
    name="pix2pix",
    title="pix2pix: colouring grey CIFAR-10 photos",
    dataset="cifar10",
    student_functions=gan_checks.STUDENT_FUNCTIONS,
    starter_file="pix2pix.py",
    probes_file="pix2pix_probes.py",
    probe_names=gan_checks.PROBE_NAMES,
    settings=SETTINGS,
    checks=CHECKS,
    make_inputs=make_inputs,
    report_samples=report_samples,
)
