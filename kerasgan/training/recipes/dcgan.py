"""The DCGAN's recipe: `kerasgan train dcgan` and `train("dcgan", ...)`.

Unlabelled images in, an 8 x 8 grid of one fixed latent batch out after every
interval (`FixedLatentGrid`), so successive grids show the same "people" growing up.
"""

import dataclasses

from kerasgan.training.options import TrainingOptions, one_of, option, whole_number
from kerasgan.training.recipe import Recipe, fixed_latents, gan_arguments

EXAMPLES = """\
examples:
  kerasgan train dcgan --dataset mnist
  kerasgan train dcgan --dataset mnist --epochs 10
  kerasgan train dcgan --dataset cifar10 --loss hinge --epochs 50
  kerasgan train dcgan --dataset datasets/waves --image-size 64 --outdir results
  kerasgan train dcgan --dataset ../shared/data/mnist_subset.npz --interval-steps 100
  kerasgan train dcgan --dataset my_500_photos/ --augment flip,translation,color,cutout --augment-p ada
  kerasgan train dcgan --dataset my_photos/ --resume-from results/00003-dcgan-cifar10 --freeze-discriminator-layers 2
"""


@dataclasses.dataclass
class DCGANOptions(TrainingOptions):
    """The DCGAN's options: the shared ones, plus its latent size and its two networks."""

    latent_dim: int = option(None, "length of the latent vector z", check=whole_number(), kind=int)
    upsampling: str = option(
        "transpose", "transpose or resize (nearest-neighbour resize + convolution: no checkerboard "
        "artifacts)", check=one_of("transpose", "resize"),
    )  # fmt: skip
    generator_filters: int = option(
        64, "filters of the generator's last block", check=whole_number()
    )
    discriminator_filters: int = option(
        64, "filters of the discriminator's first block", check=whole_number()
    )
    spectral_norm: bool = option(False, "spectral normalization in the discriminator")


def network_arguments(options):
    """The DCGAN network arguments, shared with the conditional GAN."""
    return {
        "latent_dim": options.latent_dim,
        "generator_filters": options.generator_filters,
        "discriminator_filters": options.discriminator_filters,
        "upsampling": options.upsampling,
        "spectral_norm": options.spectral_norm,
    }


def build(options, data):
    from kerasgan.models.dcgan import DCGAN

    return DCGAN(image_shape=data.image_shape, **network_arguments(options), **gan_arguments(options))


def sampler(model, data, options, saved_arrays):
    from kerasgan.training.callbacks import FixedLatentGrid

    latents = saved_arrays.get("fixed_latents")
    return FixedLatentGrid(latents if latents is not None else fixed_latents(options))


RECIPE = Recipe(
    summary="Deep convolutional GAN on unlabelled images.",
    options=DCGANOptions,
    build=build,
    sampler=sampler,
    examples=EXAMPLES,
)
