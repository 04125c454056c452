"""pix2pix learns super-resolution: the "downscale" input mode against bicubic upsampling.

The task: CIFAR-10 photos (enlarged to 64 x 64) from a grey copy 4 times smaller
(16 x 16), which the input mode blows up again, bicubic (`input_modes.downscale`). So
the input itself is the bicubic upsampling of the low-resolution picture, and the
reference a model must beat is that input, shown as RGB. Scored on 64 held-out test
photos, in inference mode.

Measured (seed 0, 16 filters, batch 8; 18 CPU seconds of training for 150 steps; seed 1
gave 0.413 -> 0.140 and 21.1 dB, the same):

| run                                   | held-out L1 | PSNR    |
|---------------------------------------|-------------|---------|
| untrained model                       | 0.412       | 12.7 dB |
| after 150 steps                       | 0.139       | 21.1 dB |
| after 400 steps                       | 0.140       | 21.2 dB |
| bicubic upsampling of the grey input  | 0.122       | 22.3 dB |
| bilinear upsampling of the grey input | 0.131       | 21.7 dB |
| bicubic upsampling of a colour copy   | 0.050       | 29.3 dB |

A few CPU minutes do not beat bicubic: the model comes within about 1 dB of it and then
stays there (400 steps give the same). The input is grey, so the model has colour to
invent as well as detail; bicubic upsampling of a *colour* small copy, information the
model never gets, is far ahead. The bars below are what was measured, with a margin:
the error falls by more than half (about 6 dB more PSNR), and ends close to bicubic's.
"""

import keras
import numpy as np

from kerasgan.data.paired import load_paired_data
from kerasgan.models.pix2pix import Pix2Pix
from kerasgan.training.recipes.pix2pix import image_scores, pair_scores

STEPS = 150


def test_a_few_minutes_of_training_come_close_to_bicubic_upsampling(cifar_folder):
    keras.utils.set_random_seed(0)
    data = load_paired_data(cifar_folder, 64, 8, input_mode="downscale", downscale_factor=4)
    test_inputs, test_targets = data.test_pairs()
    model = Pix2Pix(
        image_size=64, input_channels=1, generator_filters=16, discriminator_filters=16,
        input_mode=data.input_mode.to_config(),
    )  # fmt: skip
    model.compile()

    # The input is the low-resolution picture upsampled bicubic; grey, so repeated to RGB.
    bicubic = image_scores(np.repeat(test_inputs, 3, axis=-1), test_targets)
    before = pair_scores(model.generator, test_inputs, test_targets)
    model.fit(data.dataset.repeat(), steps_per_epoch=STEPS, epochs=1, verbose=0)
    after = pair_scores(model.generator, test_inputs, test_targets)
    print(
        f"\nheld-out L1 {before['test_l1']:.3f} -> {after['test_l1']:.3f}, PSNR "
        f"{before['test_psnr']:.1f} -> {after['test_psnr']:.1f} dB after {STEPS} steps; "
        f"bicubic L1 {bicubic['test_l1']:.3f}, PSNR {bicubic['test_psnr']:.1f} dB"
    )

    assert after["test_l1"] <= 0.5 * before["test_l1"]
    assert after["test_psnr"] >= before["test_psnr"] + 5.0
    assert after["test_l1"] <= 1.3 * bicubic["test_l1"]
    assert after["test_psnr"] >= bicubic["test_psnr"] - 2.5
