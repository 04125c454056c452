"""StyleGAN2-ADA's recipe: `kerasgan train stylegan2` and `train("stylegan2", ...)`.

`--cfg` picks a row of StyleGAN2-ADA's configuration table
(`kerasgan/models/stylegan2_configs.py`): `auto` derives the widths, batch, R1 gamma and
generator average from the resolution, as SG2-ADA's `--cfg auto`; `small` trains on a
CPU; `cifar`, `paper256`, `paper512`, `paper1024` and `stylegan2` are the paper's. Options
given on the command line (`--batch-size`, `--learning-rate`) win over the row. The row is
worked out once, at the image size the data will have, and recorded in training_options.json
(`cfg_values`). StyleGAN2 has its own loss, optimizer and generator average: `--loss`,
`--beta-1` and `--ema-decay` are not its options.
The grid after each interval draws one fixed latent batch with the generator average.
`--augment-p ada` alone augments with ADA's own pipeline (`bgc`), as SG2-ADA does; on a CPU
its geometric resampling is slow, and `--augment translation,cutout` is a cheaper choice.

`--resume-from` an NVIDIA network (a stylegan2-ada-pytorch .pkl, a name from `kerasgan
convert --list`, or a `kerasgan convert` folder) fine-tunes its G, D and G_ema: the
network's settings (resolution, widths, mapping depths, classes, float16 resolutions, the
discriminator's architecture and minibatch-stddev group) replace the row's and are recorded
in `cfg_values`; the row still gives the batch, R1 gamma and the average. A conditional
network trains on the dataset's labels and draws a row per class.
"""

import dataclasses
import sys
from pathlib import Path

from kerasgan.training.options import (
    AugmentationOptions,
    DiscriminatorFreezeOptions,
    RunOptions,
    number_in,
    one_of,
    option,
    whole_number,
)
from kerasgan.training.recipe import Recipe, fixed_latent_sampler

EXAMPLES = """\
examples:
  kerasgan train stylegan2 --dataset datasets/NAME --cfg auto --image-size 64 --augment-p ada --kimg 5000
  kerasgan train stylegan2 --dataset datasets/NAME --cfg small --augment translation,cutout --augment-p ada
  kerasgan train stylegan2 --dataset mnist --cfg small --image-size 32 --kimg 100
  kerasgan train stylegan2 --dataset cifar10 --cfg cifar --augment-p ada
  kerasgan train stylegan2 --dataset my_photos/ --cfg small --resume-from results/00003-stylegan2-mnist --freeze-discriminator-layers 2
  kerasgan train stylegan2 --dataset my_faces/ --resume-from ffhq256 --augment-p ada --freeze-discriminator-layers 4
  kerasgan train stylegan2 --dataset cifar10 --resume-from network-snapshot.pkl --augment-p ada
"""


def _config_names():
    from kerasgan.models.stylegan2_configs import CONFIGS

    return tuple(CONFIGS)


def _resolution(name, value):
    """A side StyleGAN2 draws: a power of two from 32 to 1024 (the sentence lists them)."""
    from kerasgan.models.stylegan2_networks import check_resolution

    return check_resolution(value)


@dataclasses.dataclass
class StyleGAN2Options(DiscriminatorFreezeOptions, AugmentationOptions, RunOptions):
    """StyleGAN2-ADA's options: the run's, augmentation and ADA, and the named configuration.

    No loss, beta_1, instance noise or `ema_decay`: StyleGAN2 trains with its own loss,
    Adam(beta_1=0), R1 and path length regularizers and generator average, all from `--cfg`.
    """

    uses_dataset_defaults = False  # the --cfg row decides batch and learning rate

    cfg: str = option("auto", "named configuration: auto, small, cifar, paper256, paper512, "
                      "paper1024 or stylegan2", check=one_of(*_config_names()))
    image_size: int = option(
        None, "square image size: a power of two from 32 to 1024", check=_resolution, kind=int,
        default_text="from the data; 32 for mnist and cifar10",
    )  # fmt: skip
    kimg: int = option(None, "thousands of training images to show", check=whole_number(),
                       kind=int, default_text="200 for mnist, 2000 otherwise")
    latent_dim: int = option(
        None, "length of z", check=whole_number(), kind=int, default_text="the config's"
    )
    learning_rate: float = option(
        None, "Adam learning rate of both networks", kind=float, default_text="the config's",
        check=number_in(0, low_included=False, example=0.0025),
    )  # fmt: skip
    # The --cfg row at the run's image size, as StyleGAN2's arguments (widths, R1 gamma,
    # generator average, ...): worked out once, so batch, gamma and EMA come from one row,
    # and kept in training_options.json, so the reader sees them and a resume keeps them.
    cfg_values: dict = option(
        None, "the --cfg row at the run's image size (worked out, not a flag)", kind=dict,
        command_line=False,
    )  # fmt: skip

    def fill_defaults(self, given):
        from kerasgan.data.sources import native_image_size
        from kerasgan.models.stylegan2_configs import stylegan2_config

        network = self._nvidia_network(given)
        if self.image_size is None and self.dataset in ("mnist", "cifar10"):
            self.image_size = 32  # MNIST's 28 px are resized to the nearest size StyleGAN2 draws
        if self.image_size is None and self.dataset.lower().endswith(".npz"):
            self.image_size = _drawable_size(self.dataset)
        if self.image_size is None:
            # The size the data will come in: the config's row is that resolution's.
            self.image_size = native_image_size(self.dataset)
        if self.image_size is not None:
            self.image_size = _resolution("image_size", self.image_size)
        config = stylegan2_config(self.cfg, self.image_size or 256)
        self.batch_size = self.batch_size or config["batch_size"]
        self.learning_rate = self.learning_rate or config["learning_rate"]
        self.latent_dim = self.latent_dim or config["latent_dim"]
        if self.cfg_values is None:
            self.cfg_values = model_config(self, config, network)
        if not self.epochs and not self.kimg:
            self.kimg = 200 if self.dataset == "mnist" else 2000

    def _nvidia_network(self, given):
        """Fine-tuning NVIDIA's network: its settings, which fix the image size and z's length.

        Returns None for any other run. A dataset whose images are not the network's size
        (or a --image-size or --latent-dim that differs from the network's) is one sentence.
        """
        if self.resume_from is None or self.cfg_values is not None:
            return None  # not fine-tuning, or a resumed run: its recorded values stand
        from kerasgan.data.sources import native_image_size
        from kerasgan.training.fine_tune import is_nvidia_source, nvidia_settings, pretrained_file

        source = pretrained_file(self.resume_from)
        if not is_nvidia_source(source):
            return None
        network = nvidia_settings(source)
        size = network["image_size"]
        if "image_size" in given and self.image_size != size:
            raise ValueError(
                f"NVIDIA's network {source} draws {size}-pixel images, not {self.image_size}: "
                f"pass --image-size {size} (or leave it out) to fine-tune it."
            )
        if "latent_dim" in given and self.latent_dim != network["latent_dim"]:
            raise ValueError(
                f"NVIDIA's network {source} takes a z of length {network['latent_dim']}, not "
                f"{self.latent_dim}: leave --latent-dim out to fine-tune it."
            )
        side = None if "image_size" in given else native_image_size(self.dataset)
        # MNIST's 28 px are drawn at 32 (as a run from scratch does); a folder is resized.
        folder = Path(self.dataset).is_dir()
        if side is not None and not folder and _power_of_two_above(side) != size:
            raise ValueError(
                f"The dataset {self.dataset} holds {side}-pixel images and NVIDIA's network "
                f"{source} draws {size}-pixel ones: fine-tune it on images of {size} pixels, or "
                f"pass --image-size {size} to resize these."
            )
        self.image_size = size
        self.latent_dim = network["latent_dim"]
        return network

    def check_together(self):
        if self.augment is None and str(self.augment_p).strip().lower() == "ada":
            # --augment-p ada alone: ADA's own pipeline, as StyleGAN2-ADA's default (augpipe bgc).
            self.augment = "bgc"
        super().check_together()


def _drawable_size(path):
    """The size StyleGAN2 draws for an .npz's images: theirs, or the next power of two it draws.

    An .npz of MNIST digits (28 px) trains at 32 px, as `--dataset mnist` does, and says so.
    """
    from kerasgan.data.keras_datasets import npz_image_side

    side = npz_image_side(path)
    if side is None:
        return None
    size = _power_of_two_above(side)
    if size != side:
        print(
            f"kerasgan: {Path(path).name} holds {side}-pixel images; StyleGAN2 draws powers of "
            f"two, so they are resized to {size} (pass --image-size to choose another size).",
            file=sys.stderr,
        )
    return size


def _power_of_two_above(side):
    """The smallest side StyleGAN2 draws that holds `side` pixels (28 -> 32)."""
    from kerasgan.models.stylegan2_networks import MAX_RESOLUTION, MIN_RESOLUTION

    size = MIN_RESOLUTION
    while size < min(side, MAX_RESOLUTION):
        size *= 2
    return size


def model_config(options, config, network=None):
    """StyleGAN2's arguments from a `stylegan2_config` row and the run's options.

    `network`: the settings of an NVIDIA network to fine-tune (`fine_tune.nvidia_settings`),
    which replace the row's widths, mapping depths, classes, float16 resolutions and the
    discriminator's architecture; the row still gives R1 gamma, the average and the regularizers.
    """
    from kerasgan.models.stylegan2_configs import model_options

    arguments = model_options(config)
    arguments["latent_dim"] = options.latent_dim
    if not options.mixed_precision:
        arguments["num_fp16_res"] = 0
    if network:
        arguments.update({key: value for key, value in network.items() if key != "image_size"})
    # NVIDIA's minibatch-stddev group is at most the batch, min(group, batch).
    arguments["mbstd_group_size"] = min(arguments["mbstd_group_size"], options.batch_size)
    return arguments


def load_data(dataset, options):
    """The images, with labels when fine-tuning a conditional NVIDIA network.

    A conditional network needs a dataset with as many classes as it has; `build` checks the count.
    """
    from kerasgan.data import load_training_data

    classes = options.cfg_values.get("num_classes", 0)
    if classes:
        _require_classes(dataset, options)
    return load_training_data(
        dataset,
        image_size=options.image_size,
        batch_size=options.batch_size,
        labels=bool(classes),
        channels=options.cfg_values.get("image_channels"),
        seed=options.seed,
    )


def _require_classes(dataset, options):
    """A folder without one subfolder per class cannot feed a conditional network: one sentence."""
    from kerasgan.data.image_folder import scan_image_folder

    folder = Path(dataset)
    if not folder.is_dir():
        return  # mnist, cifar10 and an .npz all have labels
    folder = folder / "train" if (folder / "train").is_dir() else folder
    scan_image_folder(folder, verbose=False)  # its own sentence for an empty folder
    try:
        scan_image_folder(folder, labels=True, verbose=False)
    except ValueError:
        raise ValueError(_class_mismatch(options, dataset, 0)) from None


def _class_mismatch(options, dataset, found):
    classes = options.cfg_values["num_classes"]
    has = f"has {found} classes" if found else "has no classes (no subfolder per class)"
    return (
        f"NVIDIA's network {options.resume_from} is conditional on {classes} classes but the "
        f"dataset {dataset} {has}: fine-tune it on a dataset with {classes} classes, or start "
        "from an unconditional network."
    )


def build(options, data):
    from kerasgan.models.stylegan2 import StyleGAN2
    from kerasgan.models.stylegan2_networks import check_resolution

    image_size = check_resolution(data.image_shape[0])
    if image_size != options.image_size:
        raise ValueError(
            f"The data's images are {image_size} pixels but the options were worked out for "
            f"{options.image_size}: pass --image-size {image_size}."
        )
    arguments = {"image_channels": int(data.image_shape[-1]), **options.cfg_values}
    if arguments.get("num_classes"):
        if data.num_classes != arguments["num_classes"]:
            raise ValueError(_class_mismatch(options, options.dataset, data.num_classes))
        arguments["class_names"] = data.class_names
    return StyleGAN2(image_size, **arguments, **options.model_arguments())


def sampler(model, data, options, saved_arrays):
    """The grid: one fixed latent batch; a conditional model draws a row per class (as cgan's)."""
    if model.num_classes:
        from kerasgan.training.recipes import cgan

        return cgan.sampler(model, data, options, saved_arrays)
    return fixed_latent_sampler(model, data, options, saved_arrays)


def optimizers(options):
    """SG2-ADA's Adam(beta_1=0, beta_2=0.99) for each network, adjusted for lazy regularization."""
    from kerasgan.models.stylegan2 import stylegan2_optimizer

    path_length_interval = 4 if options.cfg_values["path_length_weight"] else 0
    return (
        stylegan2_optimizer(options.learning_rate, 16),
        stylegan2_optimizer(options.learning_rate, path_length_interval),
    )


RECIPE = Recipe(
    summary="StyleGAN2-ADA (style-based generator, lazy R1, path length, style mixing).",
    options=StyleGAN2Options,
    build=build,
    sampler=sampler,
    load_data=load_data,
    optimizers=optimizers,
    examples=EXAMPLES,
)
