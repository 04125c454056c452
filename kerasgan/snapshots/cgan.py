"""The conditional GAN family: [z, label] -> image (see latent.py).

Its class names travel inside the snapshot (the "class_labels" layer), so `--class
cat` works without the dataset; `kerasgan generate` draws a class grid without
`--class`, and `--interpolate-classes` morphs one class into another through the
label embedding (`sampling.class_morph`).
"""

from kerasgan.snapshots.latent import LatentFamily


class ConditionalGANFamily(LatentFamily):
    name = "cgan"
    title = "conditional GAN"
    command_flags = {"project": {"--starts"}}


FAMILY = ConditionalGANFamily()
