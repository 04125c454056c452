"""StyleGAN2-ADA's named configurations (`--cfg`), one table, and the `auto` rule.

As stylegan2-ada-pytorch's `cfg_specs` (train.py): each row fixes the batch, the
networks' width, the learning rate, the R1 weight gamma and the generator average.
`auto` derives them from the resolution (and the number of devices), as SG2-ADA does:

    batch  = max(min(devices * min(4096 // res, 32), 64), devices)
    width  = 0.5 (channel_base 16384) below 512 px, 1 (32768) from 512 px
    gamma  = 0.0002 * res^2 / batch
    ema    = batch * 10 / 32 kimg, with a ramp-up of 0.05

`small` is kerasgan's own: few feature maps and a short mapping, about 127 training images
per CPU second at 32 px (bench/stylegan2.py). Measured on MNIST at 32 px it draws digits the
domain classifier recognises after 400-600 steps, but of two to four kinds only over the
first 1,000 steps (mode collapse); its R1 gamma (0.01) and EMA ramp-up (0.05) were the best of
the settings measured. Without path length and style mixing, with learning rate 0.0015, R1
gamma 0.1, a minibatch-stddev group of 32 or a slower generator average, the first 1,000 steps
looked the same: the generator hops from two to five kinds of digit to others every few hundred
steps. Without path length and style mixing, trained on to 3,000 steps (96 kimg, about 580
CPU seconds) it drew nine kinds, 37% of its samples recognised.
`bench/stylegan2_learning.py` measures this against the DCGAN at equal CPU time and, with
`--pair`, tells the two networks apart: StyleGAN2's discriminator trains the DCGAN's
generator to all ten digits (45% recognised after 1,200 steps); a DCGAN generator without
batch normalization (measured by hand, not a `--pair`) learned nothing against it in 800
steps; StyleGAN2's generator hops between
templates against either discriminator. The generator is the part that collapses: a z
reaches it only through the styles, and nothing in it couples the images of a batch.
NVIDIA's own networks and loss (stylegan2-ada-pytorch), trained on the same images with the
same settings by a plain CPU loop, do the same: one template for every z at each of 600,
800, 1,000 and 1,200 steps, four kinds drawn at most, one or two from 800 steps on. The
early collapse belongs to StyleGAN2 at these widths, not to this port.
"""

# Every row: the model's options (StyleGAN2 arguments) and the training options.
CONFIGS = {
    # name        batch mbstd channel_base lr    gamma  ema   ramp  map
    "stylegan2": dict(batch_size=32, mbstd_group_size=4, channel_base=32768, learning_rate=0.002,
                      r1_gamma=10.0, ema_kimg=10.0, ema_rampup=None, mapping_layers=8),
    "paper256": dict(batch_size=64, mbstd_group_size=8, channel_base=16384, learning_rate=0.0025,
                     r1_gamma=1.0, ema_kimg=20.0, ema_rampup=None, mapping_layers=8),
    "paper512": dict(batch_size=64, mbstd_group_size=8, channel_base=32768, learning_rate=0.0025,
                     r1_gamma=0.5, ema_kimg=20.0, ema_rampup=None, mapping_layers=8),
    "paper1024": dict(batch_size=32, mbstd_group_size=4, channel_base=65536, learning_rate=0.002,
                      r1_gamma=2.0, ema_kimg=10.0, ema_rampup=None, mapping_layers=8),
    # CIFAR-10: 512 maps at every resolution, no path length, no style mixing, no D residuals.
    "cifar": dict(batch_size=64, mbstd_group_size=32, channel_base=32768, learning_rate=0.0025,
                  r1_gamma=0.01, ema_kimg=500.0, ema_rampup=0.05, mapping_layers=2,
                  path_length_weight=0.0, style_mixing_probability=0.0,
                  discriminator_architecture="orig"),
    # A CPU: 64 maps at most, z and w of 64, no float16.
    "small": dict(batch_size=32, mbstd_group_size=4, channel_base=512, channel_max=64,
                  learning_rate=0.0025, r1_gamma=0.01, ema_kimg=10.0, ema_rampup=0.05,
                  mapping_layers=2, latent_dim=64, w_dim=64, num_fp16_res=0),
    "auto": None,  # derived by `stylegan2_config`
}

DEFAULTS = dict(
    channel_max=512,
    latent_dim=512,
    w_dim=512,
    num_fp16_res=4,
    path_length_weight=2.0,
    style_mixing_probability=0.9,
    discriminator_architecture="resnet",
)
# The options that are not StyleGAN2 model arguments.
TRAINING_OPTIONS = ("batch_size", "learning_rate")


def auto_config(image_size, devices=1):
    """SG2-ADA's `auto` row for a resolution and a number of devices (GPUs)."""
    batch = max(min(devices * min(4096 // image_size, 32), 64), devices)
    return dict(
        batch_size=batch,
        mbstd_group_size=min(batch // devices, 4),
        channel_base=32768 if image_size >= 512 else 16384,
        learning_rate=0.002 if image_size >= 1024 else 0.0025,
        r1_gamma=0.0002 * image_size**2 / batch,
        ema_kimg=batch * 10 / 32,
        ema_rampup=0.05,
        mapping_layers=2,
    )


def stylegan2_config(name, image_size, devices=1):
    """The full option set of a named configuration at an image size.

    Args:
        name: a key of CONFIGS ("auto", "small", "cifar", "paper256", ...).
        image_size: the resolution (`auto` depends on it).
        devices: the number of devices training together (`auto` depends on it).

    Returns:
        A dict: StyleGAN2 arguments plus "batch_size" and "learning_rate".

    Example:

    ```python
    config = stylegan2_config("auto", 64)
    config["r1_gamma"]  # 0.0002 * 64**2 / 32 = 0.0256
    ```
    """
    if name not in CONFIGS:
        raise ValueError(
            f"There is no StyleGAN2 config named {name!r}: choose one of {', '.join(CONFIGS)}."
        )
    row = auto_config(int(image_size), int(devices)) if name == "auto" else CONFIGS[name]
    return {**DEFAULTS, **row}


def model_options(config):
    """The StyleGAN2 arguments of a config (without batch size and learning rate)."""
    return {key: value for key, value in config.items() if key not in TRAINING_OPTIONS}
