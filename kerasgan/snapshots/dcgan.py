"""The DCGAN family: z -> image, sampled with `generator.predict` (see latent.py).

Any other z -> image Keras generator is used the same way.
"""

from kerasgan.snapshots.latent import LatentFamily


class DCGANFamily(LatentFamily):
    name = "dcgan"
    title = "DCGAN"
    command_flags = {"project": {"--starts"}}


FAMILY = DCGANFamily()
