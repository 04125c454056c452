"""pix2pix learns: on real photos, a little CPU training halves the held-out L1 error.

The task: give colour and detail back to CIFAR-10 photos (enlarged to 64 x 64) from a
grey copy shrunk 4 times (16 x 16) and blown up again, the "downscale" input mode.
Scored on 64 held-out test photos the model never trained on, in inference mode.

Measured (seed 0, 100 steps of 8 pairs): L1 0.41 -> 0.14, PSNR 12.7 -> 21 dB; the
thresholds below leave a wide margin.
"""

import keras

from kerasgan.data.paired import load_paired_data
from kerasgan.models.pix2pix import Pix2Pix
from kerasgan.training.recipes.pix2pix import pair_scores

STEPS = 100


def test_a_few_minutes_of_training_halve_the_held_out_error(cifar_folder):
    keras.utils.set_random_seed(0)
    data = load_paired_data(cifar_folder, 64, 8, input_mode="downscale", downscale_factor=4)
    test_inputs, test_targets = data.test_pairs()
    assert len(test_inputs) == 64
    model = Pix2Pix(
        image_size=64, input_channels=1, generator_filters=16, discriminator_filters=16,
        input_mode=data.input_mode.to_config(),
    )  # fmt: skip
    model.compile()

    before = pair_scores(model.generator, test_inputs, test_targets)
    model.fit(data.dataset.repeat(), steps_per_epoch=STEPS, epochs=1, verbose=0)
    after = pair_scores(model.generator, test_inputs, test_targets)
    print(
        f"\nheld-out L1 {before['test_l1']:.3f} -> {after['test_l1']:.3f}, PSNR "
        f"{before['test_psnr']:.1f} -> {after['test_psnr']:.1f} dB after {STEPS} steps"
    )

    assert after["test_l1"] <= 0.5 * before["test_l1"]
    # Half the error is about 6 dB more PSNR.
    assert after["test_psnr"] >= before["test_psnr"] + 5.0
