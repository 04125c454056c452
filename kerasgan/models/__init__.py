"""The GAN models: builders for each network, then a `keras.Model` that trains them.

This is the bottom of kerasgan's stack. A model module imports only Keras,
TensorFlow, NumPy, `kerasgan.losses`, `kerasgan.augment` and other model modules:
never the trainer, the data, the commands or the grader. How a model is trained
from the command line (its options, data, sample grids) is its recipe, in
`kerasgan/training/recipes/`.

- `gan.py`: `GAN`, the training algorithm every model shares;
- `dcgan.py`, `conditional_gan.py`, `pix2pix.py`, `cyclegan.py`: one model each
  (CycleGAN's generator in `cyclegan_networks.py`, its pool of earlier fakes in
  `image_pool.py`, its learning-rate decay in `schedules.py`);
- `layers.py`: the layers that travel inside saved generators (all that
  `kerasgan.snapshots.sampling.load_snapshot` needs).
"""
