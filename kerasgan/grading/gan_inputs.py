"""The inputs every GAN assignment sends to the child: latent vectors, labels, images, logits.

Drawn once per grading session from the assignment's seed, so every student
gets the same numbers. Only inputs: nothing here is an expected value.
"""

import numpy as np

from kerasgan.grading.gan_checks import loss_cases


def gan_inputs(data, settings, num_classes=10):
    """Arrays for `child/gan_probes.py`.

    Args:
        data: a `ReferenceData` (uint8 images, integer labels).
        settings: the assignment's settings (latent_dim, seed, sizes).
        num_classes: classes of the dataset, for the labels a conditional generator is given.

    Returns:
        A dict of NumPy arrays: latents and labels for the network probes, 16 real
        test images with their labels, logits for the loss checks, the training images
        and labels, and the latent vectors and labels of the samples to evaluate.
    """
    random = np.random.default_rng(settings["seed"])
    latent_dim = settings["latent_dim"]
    training = random.permutation(len(data.x_train))[: settings["training_images"]]
    real = random.permutation(len(data.x_test))[:16]
    labels = (np.arange(16) % num_classes).astype(np.int32)
    count = settings["evaluation_samples"]
    inputs = {
        "latents": random.standard_normal((16, latent_dim)).astype(np.float32),
        "labels": labels,
        # Each label moved to the next class: a network that ignores labels gives the same output.
        "other_labels": ((data.y_test[real] + 1) % num_classes).astype(np.int32),
        "real_images": data.x_test[real],
        "real_labels": data.y_test[real].astype(np.int32),
        "training_images": data.x_train[training],
        "training_labels": data.y_train[training].astype(np.int32),
        "evaluation_latents": random.standard_normal((count, latent_dim)).astype(np.float32),
        # The same number of samples of every class, for the class-recognition score.
        "evaluation_labels": (np.arange(count) % num_classes).astype(np.int32),
    }
    inputs.update(loss_cases(random, settings["loss_cases"]))
    return inputs
