"""The CycleGAN family: picture -> picture, each snapshot two files (generator_a2b, generator_b2a).

Each of its generators is used as a pix2pix generator is (`kerasgan live`, `kerasgan
export`); it records no input mode, so a frame goes in as it is.
"""

from kerasgan.snapshots.pix2pix import ImageToImageFamily


class CycleGANFamily(ImageToImageFamily):
    name = "cyclegan"
    title = "CycleGAN"


FAMILY = CycleGANFamily()
