"""Training options: one dataclass per model, each option's default, check and help written once.

`RunOptions` holds what every model's run takes (how long, how big a batch, the
learning rate, the run folder's intervals); the option groups (`LossOptions`,
`AugmentationOptions`, `AverageOptions`, ...) hold those of one shared part of
adversarial training each, and `TrainingOptions` is all of them, what a `GAN` takes.
Each model's recipe adds its own fields in a subclass of the groups its model uses
(`DCGANOptions(TrainingOptions)` adds `latent_dim`, `upsampling`, ...;
`StyleGAN2Options(AugmentationOptions, RunOptions)` has no loss, no beta_1 and no
`ema_decay`, which StyleGAN2 does not use). Every field is made with
`option(default, help, check=...)`, and everything else is made from those fields:

- `train(model, dataset, **options)` accepts exactly the fields of the model's class;
- `kerasgan train MODEL --help` lists one flag per field, with its help and default;
- `training_options.json` in a run folder is `options.to_dict()`.

So a default cannot differ between the command line, `train()` and the docs.

Defaults come in four layers, lowest first: the field's default, the dataset's row
of `configs.DATASET_DEFAULTS` (MNIST and CIFAR-10 have their own image size, batch
size, kimg and latent size), the model's own row for that dataset
(`dataset_defaults`, the settings measured best for that model on that data, such as
the DCGAN's learning rate on MNIST), and a model's own `fill_defaults` (for options
whose default depends on others). What the user passes always wins, and a resumed run
keeps the values its training_options.json recorded.

Example:

```python
from kerasgan.training.recipes.dcgan import DCGANOptions

options = DCGANOptions.resolve("dcgan", "mnist", {"epochs": 5})
print(options.batch_size, options.learning_rate)  # 64 0.0008
```
"""

import argparse
import dataclasses
from pathlib import Path

from kerasgan.training import configs

# ------------------------------------------------------------------------ checks
# A check takes (name, value) and returns the value in standard form, or raises a
# ValueError whose one sentence names the value received and what to pass instead.


def flag_for(name):
    """The command line flag of an option: learning_rate -> --learning-rate."""
    return "--" + name.replace("_", "-")


def whole_number(minimum=1):
    """A whole number of `minimum` or more (None allowed, for "not given")."""

    def check(name, value):
        if value is None:
            return None
        try:
            number = int(value)
            whole = number == float(value) and not isinstance(value, bool)
        except (TypeError, ValueError):
            whole = False
        if not whole or number < minimum:
            raise ValueError(
                f"{name} must be a whole number of {minimum} or more; got {value!r}: "
                f"pass {flag_for(name)} {minimum} or more."
            )
        return number

    return check


def number_in(low, high=None, low_included=True, high_included=True, example=None):
    """A number in the interval from `low` to `high` (no upper end when `high` is None)."""

    def check(name, value):
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = None
        inside = number is not None and (number >= low if low_included else number > low)
        if inside and high is not None:
            inside = number <= high if high_included else number < high
        if not inside:
            if high is None:
                wanted = f"{low} or more" if low_included else f"more than {low}"
            else:
                wanted = f"from {low} to {high}" + ("" if high_included else f" (not {high} itself)")
            hint = f" such as {example}" if example is not None else ""
            raise ValueError(
                f"{name} must be {wanted}; got {value!r}: pass a {flag_for(name)} in that range{hint}."
            )
        return number

    return check


def image_side(name, value):
    """A whole number of pixels; the sentence for 0 or less lists the sizes the image GANs take."""
    try:
        return whole_number()(name, value)
    except ValueError:
        raise ValueError(
            f"{name} must be a whole number of pixels; got {value!r}: pass a size the model "
            "takes, such as --image-size 64 (dcgan and cgan: 28, 32, 64, 128 or 256)."
        ) from None


def one_of(*choices):
    """One of the given words."""

    def check(name, value):
        if value not in choices:
            raise ValueError(
                f"{name} must be one of {', '.join(choices)}; got {value!r}: "
                f"pass {flag_for(name)} {' or '.join(choices)}."
            )
        return value

    return check


def loss_name(name, value):
    """One of kerasgan.losses.LOSS_NAMES."""
    from kerasgan import losses

    return losses.check_loss_name(value)


# ----------------------------------------------------------------------- fields


def option(
    default,
    help,
    check=None,
    kind=None,
    default_text=None,
    flag=None,
    required=False,
    command_line=True,
):
    """A field of a `TrainingOptions` dataclass: one training option.

    Args:
        default: its default (None: decided later, see `default_text`).
        help: one line for `--help`, without the default (added from `default`).
        check: `(name, value) -> value` that puts a value in standard form or raises a
            ValueError naming it (`whole_number()`, `number_in(...)`, `one_of(...)`).
        kind: the type a command line string becomes (default: the default's type).
        default_text: how `--help` says the default when it is None or computed.
        flag: the command line flag (default: `--name-with-dashes`).
        required: the command line must give it.
        command_line: False for options the command line does not set (the model name).
    """
    return dataclasses.field(
        default=default,
        metadata={
            "help": help,
            "check": check,
            "kind": kind or (type(default) if default is not None else str),
            "default_text": default_text,
            "flag": flag,
            "required": required,
            "command_line": command_line,
        },
    )


@dataclasses.dataclass
class RunOptions:
    """The options every model's run takes. Each model's options class builds on it.

    A model's class takes `RunOptions` with the groups of options its model uses
    (`LossOptions`, `AugmentationOptions`, ...; `TrainingOptions` is all of them, what
    a `GAN` uses), so an option a model would ignore is not offered for it: StyleGAN2
    has no `--beta-1`, CycleGAN no `--augment`.

    Subclasses add fields with `option(...)`, may redefine a field to change its
    default or help (pix2pix's `--data`, its 256-pixel images), and may override:

    - `uses_dataset_defaults`: whether `configs.DATASET_DEFAULTS` fills the fields of
      its rows (False for a model whose data is always custom and whose own defaults
      should win, such as pix2pix);
    - `dataset_defaults`: the model's own defaults per kind of dataset ("mnist",
      "cifar10", "custom"), applied over the table's row: the settings measured best
      for this model on that data (each with the measurement in a comment);
    - `fill_defaults(given)`: defaults that depend on other options. It runs after the
      dataset's row is applied, so it may also replace a row's value (a named config's
      batch size, say) for any option not in `given`, the names the user passed;
    - `check_together()`: checks that involve more than one option (call `super()`).

    Example:

    ```python
    options = DCGANOptions.resolve("dcgan", "cifar10", {"loss": "hinge"})
    options.to_dict()  # what training_options.json holds
    ```
    """

    uses_dataset_defaults = True  # class attributes, not fields
    dataset_defaults = {}

    model: str = option("dcgan", "the model's name in the recipe table", command_line=False)
    dataset: str = option(
        "mnist", "mnist, cifar10, a folder of images, or an .npz with the keras.datasets keys"
    )
    epochs: int = option(
        None, "passes over the training data", check=whole_number(), kind=int,
        default_text="enough for --kimg",
    )  # fmt: skip
    kimg: int = option(None, "thousands of training images to show", check=whole_number(), kind=int)
    image_size: int = option(
        None, "square image size: 28, or a power of two from 32 to 256", check=image_side,
        kind=int,
    )  # fmt: skip
    batch_size: int = option(None, "images per step", check=whole_number(), kind=int)
    learning_rate: float = option(
        2e-4, "Adam learning rate of both networks",
        check=number_in(0, low_included=False, example=2e-4),
    )  # fmt: skip
    interval_steps: int = option(
        None, "steps between grids and checkpoints", check=whole_number(), kind=int,
        default_text="one epoch",
    )  # fmt: skip
    snapshot_every: int = option(
        1, "save a generator snapshot every N intervals", check=whole_number()
    )
    seed: int = option(0, "random seed", check=whole_number(minimum=0))
    mixed_precision: bool = option(
        False, "16-bit compute: bfloat16 where the CPU or GPU has it, float16 on older GPUs (it says which)"
    )
    # keras.utils.set_random_seed plus TensorFlow's deterministic ops, and a resumed run
    # continues from the data pipeline's exact position (kerasgan/training/trainer.py).
    deterministic: bool = option(
        False, "bit-for-bit reproducible: one seed gives one run, and a killed run resumed "
        "equals the run that never stopped (slower ops; skips the data already seen on resume)",
    )  # fmt: skip
    # Fine-tuning: start from another run's weights (kerasgan/training/fine_tune.py).
    resume_from: str = option(
        None, "fine-tune: a NEW run starting from this run folder, checkpoint or generator "
        "snapshot (weights only)", kind=str, default_text="none",
    )  # fmt: skip
    # Several GPUs, machines or a TPU (kerasgan/training/distribute.py). --batch-size stays
    # the global batch, split over the replicas, and the learning rate is not rescaled.
    distribute: str = option(
        "none", "train on none (one device), mirrored (this machine's GPUs), multiworker "
        "(machines listed in TF_CONFIG) or tpu",
        check=one_of("none", "mirrored", "multiworker", "tpu"),
    )  # fmt: skip

    # Worked out, not a flag: which row of defaults the data got and why, for the reader
    # of training_options.json (configs.look_at_data).
    defaults: str = option(
        None, "the row of dataset defaults the data got, and why (worked out, not a flag)",
        kind=str, command_line=False,
    )  # fmt: skip

    # ------------------------------------------------------------- making one

    @classmethod
    def resolve(cls, model, dataset, overrides, recorded=None, rows_by_name=False):
        """The options of a run: field defaults, the dataset's rows, then `overrides`.

        Args:
            model: the model's name (stored in the options).
            dataset: the dataset name or path (stored as a name or an absolute path,
                so a run resumed from another folder still matches).
            overrides: option name -> value; None means "not given".
            recorded: the options a run folder recorded (its training_options.json), when
                resuming it: they replace every default, so a run continues with the values
                it started with even after a default changed; `overrides` still win.
            rows_by_name: choose the dataset's row by its name (only mnist and cifar10 get
                theirs), as runs recorded before the rows followed the data did: how the
                same command finds such a run to continue (see trainer.train).
        """
        names = [field.name for field in dataclasses.fields(cls)]
        unknown = sorted(set(overrides) - set(names) - {"model", "dataset"})
        # An option another model takes: a sentence saying so, not "unknown".
        shared = {field.name for field in dataclasses.fields(TrainingOptions)}
        not_used = [name for name in unknown if name in shared]
        if not_used:
            raise ValueError(
                f"{', '.join(not_used)} {'does' if len(not_used) == 1 else 'do'} not apply to "
                f"{model}, which does not use {'it' if len(not_used) == 1 else 'them'}: leave "
                f"{'it' if len(not_used) == 1 else 'them'} out (see kerasgan train {model} --help)."
            )
        if unknown:
            raise ValueError(
                f"Unknown training option(s) for {model}: {', '.join(unknown)}. "
                f"The options are: {', '.join(n for n in names if n not in ('model', 'dataset'))}."
            )
        given = {name: value for name, value in overrides.items() if value is not None}
        values = {}
        if cls.uses_dataset_defaults or cls.dataset_defaults:
            # The row is chosen by what the images are, not by the dataset's name: an .npz
            # or a folder of small grey digits trains as MNIST does.
            if rows_by_name:
                look = configs.DataLook(configs.dataset_kind(dataset), "chosen by name")
            else:
                look = configs.look_at_data(dataset)
            if cls.uses_dataset_defaults:
                row = configs.DATASET_DEFAULTS[look.kind]
                values.update({name: value for name, value in row.items() if name in names})
                if look.image_size is not None:
                    values["image_size"] = look.image_size
            values.update(cls.dataset_defaults.get(look.kind, {}))
            values["defaults"] = None if rows_by_name else str(look)
        if recorded:
            # A run recorded before the field existed: which row it had is not known.
            kept = {**NEWER_OPTIONS, "defaults": None, **recorded}
            values.update({name: kept[name] for name in names if name in kept})
            # fill_defaults must not replace what the run recorded either.
            given = {**{name: kept[name] for name in names if kept.get(name) is not None}, **given}
        values.update(given)
        values.update(model=model, dataset=dataset_identity(dataset))
        options = cls(**values)
        options.check_each()  # fill_defaults may read any option: first each in standard form
        options.fill_defaults(set(given))
        options.check()
        return options

    @classmethod
    def from_dict(cls, values):
        """The options a run folder's training_options.json holds (older runs included)."""
        known = {field.name for field in dataclasses.fields(cls)}
        older = {name: value for name, value in NEWER_OPTIONS.items() if name in known}
        return cls(**{**older, **{k: v for k, v in values.items() if k in known}})

    def to_dict(self):
        """Option name -> value, as training_options.json stores it."""
        return dataclasses.asdict(self)

    # ---------------------------------------------------------- hooks and checks

    def fill_defaults(self, given):
        """Sets defaults that depend on other options; `given` names those the user passed."""

    def check(self):
        """Checks every option, puts each in standard form; raises one ValueError sentence."""
        self.check_each()
        self.check_together()

    def check_each(self):
        """Runs the check of every field that has one (and a value)."""
        for field in dataclasses.fields(self):
            check = field.metadata.get("check")
            value = getattr(self, field.name)
            if check is not None and value is not None:
                setattr(self, field.name, check(field.name, value))

    def model_arguments(self):
        """The model's constructor arguments these options give: each group adds its own."""
        return {"seed": self.seed}

    def check_together(self):
        """Checks of several options at once (here: fine-tuning); a group adds its own."""
        if self.resume_from is not None:
            from kerasgan.training.fine_tune import pretrained_file

            self.resume_from = str(pretrained_file(self.resume_from, self.model))


# ----------------------------------------------------------------- option groups
# Each group is the options of one shared part of adversarial training
# (kerasgan/models/adversarial_loss.py, augment.py, generator_average.py, ...). A model's
# options class lists the groups its model uses before `RunOptions`
# (`class CycleGANOptions(AdamOptions, LossOptions, RunOptions)`), and `model_arguments()`
# gives the model's constructor arguments of all of them.


@dataclasses.dataclass
class LossOptions:
    """The loss choice (kerasgan/losses.py): GAN and CycleGAN."""

    loss: str = option("bce", "bce (non-saturating), hinge, lsgan or wgan-gp", check=loss_name)
    label_smoothing: float = option(
        0.0, "one-sided label smoothing for bce/lsgan, e.g. 0.1",
        check=number_in(0, 1, high_included=False, example=0.1),
    )  # fmt: skip
    gradient_penalty_weight: float = option(
        10.0, "weight of the gradient penalty of the wgan-gp loss", check=number_in(0)
    )

    def model_arguments(self):
        return {
            **super().model_arguments(),
            "loss": self.loss,
            "label_smoothing": self.label_smoothing,
            "gradient_penalty_weight": self.gradient_penalty_weight,
        }


@dataclasses.dataclass
class InstanceNoiseOptions:
    """Instance noise on what `GAN`'s discriminator sees."""

    instance_noise: float = option(
        0.0, "std of noise added to the discriminator's inputs, annealed to 0", check=number_in(0)
    )
    instance_noise_steps: int = option(
        10_000, "steps over which the instance noise falls to 0", check=whole_number()
    )
    def model_arguments(self):
        return {
            **super().model_arguments(),
            "instance_noise": self.instance_noise,
            "instance_noise_steps": self.instance_noise_steps,
        }


@dataclasses.dataclass
class DiscriminatorStepsOptions:
    """Discriminator updates per generator update (`GAN`; 5 is usual for WGAN-GP)."""

    discriminator_steps: int = option(
        1, "discriminator updates per generator update", check=whole_number()
    )

    def model_arguments(self):
        return {**super().model_arguments(), "discriminator_steps": self.discriminator_steps}


@dataclasses.dataclass
class AdamOptions:
    """Adam's beta_1, for models trained with the DCGAN paper's Adam (StyleGAN2 has its own)."""

    beta_1: float = option(
        0.5, "Adam's beta_1 (the DCGAN paper uses 0.5)",
        check=number_in(0, 1, high_included=False, example=0.5),
    )  # fmt: skip


@dataclasses.dataclass
class AugmentationOptions:
    """Differentiable augmentation and ADA (kerasgan/augment.py): GAN and StyleGAN2."""

    # Differentiable augmentation (kerasgan/augment.py): none by default. "flip,translation,
    # color,cutout" helps most with a few hundred or thousand images.
    augment: str = option(
        None, "differentiable augmentation of real and fake images: flip,translation,color,cutout (or some)",
        kind=str, default_text="none",
    )  # fmt: skip
    augment_p: str = option(
        None, "chance of each augmentation per image: a number or ada (adapted to the discriminator)",
        kind=str, default_text="1",
    )  # fmt: skip
    ada_target: float = option(
        0.6, "with --augment-p ada: the E[sign(D(real))] to aim for", check=number_in(-1, 1)
    )

    def check_together(self):
        from kerasgan import augment

        names = augment.parse_augmentations(self.augment)
        probability = self.augment_p
        if probability is not None and str(probability).strip().lower() == "ada":
            probability = "ada"
            # "ada" alone means all four: ADA chooses how often to augment, not what.
            names = names or augment.AUGMENTATIONS
        elif probability is not None:
            probability = number_in(0, 1, example="0.5 or ada")("augment_p", probability)
            if not names:
                raise ValueError(
                    "augment_p needs augmentations: add --augment flip,translation,color,cutout."
                )
        self.augment = ",".join(names) or None
        self.augment_p = probability
        super().check_together()

    def model_arguments(self):
        adaptive = self.augment_p == "ada"
        return {
            **super().model_arguments(),
            "augment": self.augment,
            "augment_probability": None if adaptive else self.augment_p,
            "ada": adaptive,
            "ada_target": self.ada_target,
        }


@dataclasses.dataclass
class DiscriminatorFreezeOptions:
    """Fine-tuning a model with one discriminator: keep its first layers as they were learned."""

    freeze_discriminator_layers: int = option(
        0, "with --resume-from: keep the discriminator's first N layers fixed",
        check=whole_number(minimum=0),
    )  # fmt: skip

    def check_together(self):
        super().check_together()
        if self.freeze_discriminator_layers and self.resume_from is None:
            raise ValueError(
                "freeze_discriminator_layers keeps layers a pretrained discriminator learned: "
                "give the run to start from with --resume-from."
            )


@dataclasses.dataclass
class AverageOptions:
    """`GAN`'s generator average by a fixed decay (StyleGAN2 counts its own in images)."""

    # Off by default: over a short run the average trails far behind the generator, and a
    # student should first see what the trained generator itself draws. 0.999 for long runs.
    ema_decay: float = option(
        0.0, "keep a moving average of the generator for grids and snapshots, e.g. 0.999 (0: none)",
        check=number_in(0, 1, high_included=False, example=0.999),
    )  # fmt: skip

    def model_arguments(self):
        return {**super().model_arguments(), "ema_decay": self.ema_decay}


@dataclasses.dataclass
class TrainingOptions(
    DiscriminatorFreezeOptions,
    AverageOptions,
    AugmentationOptions,
    AdamOptions,
    DiscriminatorStepsOptions,
    InstanceNoiseOptions,
    LossOptions,
    RunOptions,
):
    """The options of a `GAN` (DCGAN, conditional GAN, pix2pix): the run's and every group's.

    Example:

    ```python
    options = DCGANOptions.resolve("dcgan", "cifar10", {"loss": "hinge"})
    options.to_dict()  # what training_options.json holds
    ```
    """


def dataset_identity(dataset):
    """Dataset names stay names; paths become absolute, so a resume from elsewhere matches."""
    if str(dataset).lower() in ("mnist", "cifar10"):
        return str(dataset).lower()
    return str(Path(dataset).expanduser().resolve())


def default_of(options_class, name):
    """The default of one option of `options_class`."""
    return {field.name: field.default for field in dataclasses.fields(options_class)}[name]


# Options added after runs already existed, with the value those runs had in effect:
# a run folder whose training_options.json lacks them still resumes.
NEWER_OPTIONS = {
    name: default_of(TrainingOptions, name)
    for name in (
        "augment", "augment_p", "ada_target", "ema_decay", "resume_from",
        "freeze_discriminator_layers", "deterministic", "distribute",
    )
}  # fmt: skip
# The DCGAN's and the conditional GAN's discriminator dropout, fixed at 0.3 before it was an option.
NEWER_OPTIONS["discriminator_dropout"] = 0.3


# ------------------------------------------------------------------ command line


@dataclasses.dataclass
class CommandLineOption:
    """One flag of `kerasgan train MODEL`, made from one field."""

    name: str
    flag: str
    arguments: dict


def command_line_options(options_class):
    """The flags of `kerasgan train MODEL` for `options_class`, in field order.

    Each flag's default is None ("not given"), so that the dataset's defaults and the
    model's own still apply; the help says what the default is.
    """
    flags = []
    for field in dataclasses.fields(options_class):
        metadata = field.metadata
        if not metadata.get("command_line", True):
            continue
        text = metadata["help"] + _default_suffix(options_class, field)
        if metadata["kind"] is bool:
            # --flag turns it on; a flag some dataset turns on by default also has --no-flag.
            on_somewhere = any(row.get(field.name) for row in options_class.dataset_defaults.values())
            action = argparse.BooleanOptionalAction if on_somewhere else "store_true"
            arguments = {"action": action, "default": None, "help": text}
        else:
            arguments = {"type": metadata["kind"], "help": text}
            if metadata["required"]:
                arguments["required"] = True
        flags.append(CommandLineOption(field.name, metadata["flag"] or flag_for(field.name), arguments))
    return flags


def _default_suffix(options_class, field):
    if field.metadata["required"]:
        return ""
    model_rows = options_class.dataset_defaults
    if field.metadata["kind"] is bool:
        # A flag that only turns something on: its help names the datasets where it is on.
        on_for = [kind for kind, row in model_rows.items() if row.get(field.name)]
        return f" (default: on for {', '.join(on_for)})" if on_for else ""
    from_table = options_class.uses_dataset_defaults and field.name in configs.DATASET_DEFAULTS["custom"]
    if from_table or any(field.name in row for row in model_rows.values()):
        per_dataset = []
        for kind, row in configs.DATASET_DEFAULTS.items():
            value = row[field.name] if from_table else field.default
            value = model_rows.get(kind, {}).get(field.name, value)
            per_dataset.append(f"{'others' if kind == 'custom' else kind} {_shown(value)}")
        return f" (default: {', '.join(per_dataset)})"
    shown = field.metadata["default_text"] or _shown(field.default)
    return f" (default: {shown})"


def _shown(value):
    if value is None:
        return "from the data"
    return f"{value:g}" if isinstance(value, float) else str(value)


def options_help(options_class):
    """Markdown lines, one per option of `options_class`: `--flag`: help (default)."""
    return [f"- `{option.flag}`: {option.arguments['help']}" for option in command_line_options(options_class)]
