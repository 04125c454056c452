"""The DCGAN's recipe: `kerasgan train dcgan` and `train("dcgan", ...)`.

Unlabelled images in, an 8 x 8 grid of one fixed latent batch out after every
interval (`FixedLatentGrid`), so successive grids show the same "people" growing up.
"""

import dataclasses

from kerasgan.training.options import TrainingOptions, one_of, option, whole_number
from kerasgan.training.recipe import Recipe, fixed_latent_sampler

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

    # The settings measured best for the DCGAN on each kind of data: what `kerasgan train
    # dcgan --dataset mnist` trains with no other flag. Measured on MNIST with
    # bench/time_to_quality.py: the classifier Frechet distance after 1,000 / 1,250 / 1,500
    # steps of 64 (32 filters, generator average 0.99, bfloat16) was 30.5 / 28.9 / 25.9 at
    # a learning rate of 4e-4, 31.7 / 27.9 / 23.2 at 6e-4 and 28.2 / 23.9 / 21.6 at 8e-4.
    # 32 filters cost half the CPU time of 64 per step or less; 16 discriminator filters
    # were cheaper still but drew worse digits (36.0 against 30.5 at 1,000 steps).
    # bfloat16 against float32 at equal steps: 130.7 / 45.6 / 35.0 / 30.5 / 28.9 / 25.9
    # against 120.9 / 45.2 / 37.8 / 32.0 / 31.0 / 24.7 at 250 to 1,500 steps, no worse, in
    # 0.8x the CPU time. Batches of 128 cost the same CPU time per image in bfloat16.
    #
    # The quick start, `--dataset mnist --kimg 100` (1,563 steps of 64), one setting changed
    # at a time from the row below with beta_1 0.5, by `bench/time_to_quality.py --kimg 100
    # --every 800 --no-reference --seeds 0 1 2 --set ...`: CPU seconds of training, Frechet
    # distance, share recognised with p > 0.9, digits drawn in 5% of the samples or more;
    # medians of seeds 0, 1 and 2 unless fewer are named.
    # - beta_1 0.5: 148 s, 22.2, 42.7%, 3 digits (seeds: 22.7 / 22.2 / 20.9; 43 / 41 / 43%).
    # - beta_1 0.3: 148 s, 19.3, 47.6%, 4 digits (seeds: 19.3 / 20.3 / 18.3; 50 / 48 / 47%):
    #   better on every seed, kept.
    # - hinge loss: 147 s, 21.7, 41.7%, 4 digits: no clear difference; bce stays.
    # - spectral norm in D (seed 0): 147 s, 39.4, 22.3%, 1 digit: far worse at this rate.
    # - resize upsampling: 193 s, 20.0, 44.6%, 5 digits: better, but 30% more CPU per step,
    #   past the quick start's budget (at 800 steps, 100 s: 40.1 / 31.0 / 26.7, against
    #   transpose's 33.6 / 36.7 / 36.7 at 77 s).
    # - learning rate 1.2e-3: seed 0 24.1, 38.7%; seed 1 collapsed (202 at 800 steps).
    # - ema_decay 0.995: the same grids as 0.99 here (the warm-up keeps the decay under 0.99
    #   until step 890 and under 0.995 until step 1,790).
    # - 48 generator filters: 123 CPU s by step 800 (1.6x), past the budget; stopped.
    # - label smoothing 0.1: 154 s, 19.7, 46.4%, 5 digits (seeds: 19.9 / 19.7 / 16.5; 46 / 46 /
    #   50%): no clear difference; none stays.
    # - batch_size 32 (3,125 steps): 171 s, 14.7, 50.2%, 5 digits (seeds: 15.7 / 14.7 / 13.1;
    #   48 / 50 / 51%): a better distance on every seed for 15% more CPU, but the recognised
    #   share moves little; measured on a busy machine, to be measured again before it is kept.
    dataset_defaults = {
        # MNIST: a learning rate of 8e-4 and a generator average of 0.99 (4e-4 and 0.99 drew
        # clearly better digits after 300 s than 2e-4 and no average, and 8e-4 better still),
        # Adam's beta_1 0.3, 32 filters in both networks, and 16-bit compute where the
        # hardware is faster at it.
        "mnist": {
            "learning_rate": 8e-4,
            "beta_1": 0.3,
            "ema_decay": 0.99,
            "generator_filters": 32,
            "discriminator_filters": 32,
            "mixed_precision": True,
        },
        # CIFAR-10 and your own images: 4e-4 with an average of 0.99 drew clearly worse
        # CIFAR-10 images after 300 s than the field defaults, which stay (2e-4, no average,
        # 64 filters, float32).
    }

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

    return DCGAN(
        image_shape=data.image_shape, **network_arguments(options), **options.model_arguments()
    )


RECIPE = Recipe(
    summary="Deep convolutional GAN on unlabelled images.",
    options=DCGANOptions,
    build=build,
    sampler=fixed_latent_sampler,
    examples=EXAMPLES,
)
