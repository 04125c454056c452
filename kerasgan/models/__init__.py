"""The GAN models: builders for each network, then a `keras.Model` that trains them.

This is the bottom of kerasgan's stack. A model module imports only Keras,
TensorFlow, NumPy, `kerasgan.losses`, `kerasgan.augment` and other model modules:
never the trainer, the data, the commands or the grader. How a model is trained
from the command line (its options, data, sample grids) is its recipe, in
`kerasgan/training/recipes/`.

The models:

- `gan.py`: `GAN`, the adversarial game as numbered steps, which the DCGAN, the
  conditional GAN, pix2pix and the playground's 2D GAN build on;
- `dcgan.py`, `conditional_gan.py`, `pix2pix.py`: one `GAN` each;
- `stylegan2.py`: `StyleGAN2`, StyleGAN2-ADA's algorithm (its own loss, lazy R1 and
  path length regularizers, style mixing), with its networks in
  `stylegan2_networks.py`, their layers in `stylegan2_layers.py` and its named
  configurations in `stylegan2_configs.py`;
- `cyclegan.py`: `CycleGAN`, two generators and two discriminators without pairs (its
  generator in `cyclegan_networks.py`, its pool of earlier fakes in `image_pool.py`,
  its learning-rate decay in `schedules.py`);
- `wavegan.py`: WaveGAN, the DCGAN in one dimension, for sounds.

The shared parts of adversarial training, which each model uses as it needs (none
inherits options it would have to refuse):

- `adaptive_augmentation.py`: augmentation of what a discriminator sees, and ADA
  (`GAN`, `StyleGAN2`);
- `generator_average.py`: the generator average (EMA), by a fixed decay or a half-life
  in images (`GAN`, `StyleGAN2`);
- `optimizer_pair.py`: the discriminators' and the generators' optimizers, checked,
  wrapped for float16 and saved with the model (all three);
- `distributed_step.py`: loss scaling over replicas and in float16, and the step's
  logs under a multi-worker strategy (all three);
- `lazy_regularization.py`: a costly penalty every N steps only, and Adam adjusted for
  it (`StyleGAN2`'s R1 and path length);
- the loss choice is `kerasgan/losses.py`'s (`GAN`, `CycleGAN`).

`layers.py`: the layers that travel inside saved generators (all that
`kerasgan.snapshots.sampling.load_snapshot` needs).
"""
