"""Training options: defaults, checks and command line flags come from the dataclass fields."""

import contextlib
import dataclasses
import io
import json
from pathlib import Path

import pytest

from kerasgan.cli import build_parser
from kerasgan.training import recipes
from kerasgan.training.options import TrainingOptions, command_line_options, option, one_of
from kerasgan.training.recipe import Recipe
from kerasgan.training.recipes.cgan import ConditionalGANOptions
from kerasgan.training.recipes.dcgan import DCGANOptions
from kerasgan.training.recipes.pix2pix import Pix2PixOptions
from kerasgan.training.run_folder import TrainingRun
from kerasgan.training.trainer import resolve_options

FIXTURES = Path(__file__).parent / "fixtures"


def help_text(*argv):
    output = io.StringIO()
    with contextlib.redirect_stdout(output), pytest.raises(SystemExit):
        build_parser().parse_args([*argv, "--help"])
    return " ".join(output.getvalue().split())  # argparse wraps lines


def test_dataset_rows_fill_the_defaults_and_what_is_given_wins():
    mnist = resolve_options("dcgan", "mnist")
    # The table's row (batches of 64), with the DCGAN's own measured batch of 32 over it.
    assert (mnist.batch_size, mnist.latent_dim, mnist.kimg, mnist.image_size) == (32, 100, 200, 28)
    assert resolve_options("cgan", "mnist").batch_size == 64
    assert (mnist.learning_rate, mnist.beta_1, mnist.loss, mnist.upsampling) == (8e-4, 0.3, "bce", "transpose")
    cifar = resolve_options("dcgan", "cifar10", batch_size=16, loss="hinge")
    assert (cifar.batch_size, cifar.latent_dim, cifar.kimg, cifar.loss) == (16, 128, 2000, "hinge")
    cgan = resolve_options("cgan", "mnist", conditioning="channel")
    assert (cgan.embedding_dim, cgan.conditioning, cgan.latent_dim) == (8, "channel", 100)
    # pix2pix's own defaults win over the table's row for custom data.
    pix2pix = resolve_options("pix2pix", "frames/")
    assert (pix2pix.image_size, pix2pix.batch_size, pix2pix.kimg, pix2pix.l1_weight) == (256, 4, 100, 100.0)
    assert pix2pix.dataset == str(Path("frames").resolve())


@pytest.mark.parametrize(
    "model, name, value, words",
    [
        ("dcgan", "learning_rate", 0, "learning_rate must be more than 0; got 0: pass a --learning-rate"),
        ("dcgan", "beta_1", 1.0, "beta_1 must be from 0 to 1 (not 1 itself); got 1.0"),
        ("dcgan", "ema_decay", 1, "ema_decay must be from 0 to 1 (not 1 itself); got 1"),
        ("dcgan", "label_smoothing", -0.1, "label_smoothing must be from 0 to 1"),
        ("dcgan", "batch_size", 0, "batch_size must be a whole number of 1 or more; got 0: pass --batch-size"),
        ("dcgan", "epochs", 2.5, "epochs must be a whole number of 1 or more; got 2.5"),
        ("dcgan", "interval_steps", "ten", "interval_steps must be a whole number of 1 or more; got 'ten'"),
        ("dcgan", "freeze_discriminator_layers", -1, "freeze_discriminator_layers must be a whole number of 0"),
        ("dcgan", "upsampling", "bilinear", "upsampling must be one of transpose, resize; got 'bilinear'"),
        ("dcgan", "loss", "wgan", "Unknown GAN loss 'wgan'"),
        ("dcgan", "augment", "flip,rotate", "Unknown augmentation(s) rotate"),
        ("dcgan", "augment_p", 1.5, "augment_p must be from 0 to 1; got 1.5"),
        ("cgan", "conditioning", "concat", "conditioning must be one of projection, channel; got 'concat'"),
        ("pix2pix", "direction", "AtoC", "direction must be one of AtoB, BtoA; got 'AtoC'"),
        ("pix2pix", "l1_weight", -1, "l1_weight must be 0 or more; got -1"),
        ("pix2pix", "latent_dim", 8, "Unknown training option(s) for pix2pix: latent_dim"),
    ],
)
def test_every_bad_value_is_one_sentence_naming_it(model, name, value, words):
    overrides = {name: value}
    if name == "augment_p":
        overrides["augment"] = "flip"
    with pytest.raises(ValueError) as error:
        resolve_options(model, "mnist" if model != "pix2pix" else "frames/", **overrides)
    message = str(error.value)
    assert words in message
    assert "\n" not in message and message.endswith(".")


def test_flags_and_help_are_made_from_the_fields():
    dcgan_help = help_text("train", "dcgan")
    for flag in command_line_options(DCGANOptions):
        assert flag.flag in dcgan_help
    assert "--beta-1 BETA_1 Adam's beta_1 (the DCGAN paper uses 0.5) (default: mnist 0.3, cifar10 0.3, others 0.5)" in dcgan_help
    assert "--batch-size BATCH_SIZE images per step (default: mnist 32, cifar10 32, others 32)" in dcgan_help
    assert "--discriminator-dropout DISCRIMINATOR_DROPOUT dropout rate after each discriminator block (0: none) (default: mnist 0, cifar10 0, others 0.3)" in dcgan_help
    cgan_flags = {flag.flag for flag in command_line_options(ConditionalGANOptions)}
    assert {"--embedding-dim", "--conditioning", "--latent-dim"} <= cgan_flags
    pix2pix_help = help_text("train", "pix2pix")
    assert "--data DATA" in pix2pix_help and "--dataset" not in pix2pix_help
    assert "--image-size IMAGE_SIZE 64, 128, 256 or 512 (default: 256)" in pix2pix_help
    assert "--latent-dim" not in pix2pix_help and "--upsampling" not in pix2pix_help
    train_help = help_text("train")
    assert all(f"{name} {recipe.summary}" in train_help for name, recipe in recipes.RECIPES.items())


@dataclasses.dataclass
class ToyOptions(TrainingOptions):
    """A model of its own: a named config fills the defaults the user did not give."""

    cfg: str = option("small", "named config: small or large", check=one_of("small", "large"))
    width: int = option(None, "channels of every layer", kind=int, default_text="from --cfg")

    def fill_defaults(self, given):
        table = {"small": {"width": 8, "learning_rate": 0.0025}, "large": {"width": 64, "learning_rate": 0.002}}
        for name, value in table[self.cfg].items():
            if name not in given:
                setattr(self, name, value)


def test_one_row_in_the_table_adds_a_model_with_its_flags(monkeypatch):
    toy = Recipe(summary="A toy model.", options=ToyOptions, build=None, sampler=None)
    monkeypatch.setitem(recipes.RECIPES, "toy", toy)

    toy_help = help_text("train", "toy")
    assert "A toy model." in toy_help
    assert "--cfg CFG named config: small or large (default: small)" in toy_help
    assert "--width WIDTH channels of every layer (default: from --cfg)" in toy_help
    assert "toy A toy model." in help_text("train")

    large = resolve_options("toy", "mnist", cfg="large", learning_rate=0.001)
    assert (large.width, large.learning_rate, large.batch_size) == (64, 0.001, 64)
    assert resolve_options("toy", "mnist").width == 8
    with pytest.raises(ValueError, match="cfg must be one of small, large; got 'huge'"):
        resolve_options("toy", "mnist", cfg="huge")


def test_older_options_files_still_match(tmp_path):
    # The fixture (written at bc770d8) reads into today's options as it is, with the options
    # added since at the value it had in effect.
    old = json.loads((FIXTURES / "00000-dcgan-digits" / "training_options.json").read_text())
    # (--deterministic, --distribute and --discriminator-dropout came later: NEWER_OPTIONS
    # gives their values for older runs.)
    added = {"deterministic": False, "distribute": "none", "defaults": None, "discriminator_dropout": 0.3}
    assert DCGANOptions.from_dict(old).to_dict() == {**old, **added}

    # A pix2pix run stored options it never used (latent_dim, upsampling), and an older
    # one lacked the augmentation options: both still match the same command today.
    options = resolve_options("pix2pix", str(tmp_path / "frames"), epochs=2).to_dict()
    run = TrainingRun.create(tmp_path / "results", "pix2pix-frames")
    stored = {**options, "latent_dim": 128, "upsampling": "transpose", "epochs": 1}
    for name in ("augment", "augment_p", "ada_target", "ema_decay"):
        del stored[name]
    run.write_options(stored)
    run.checkpoint_path.write_bytes(b"")
    assert TrainingRun.find_resumable(tmp_path / "results", options).path == run.path
    # A different value of an option it has is a different run.
    assert TrainingRun.find_resumable(tmp_path / "results", {**options, "l1_weight": 10.0}) is None


def test_the_dcgan_has_its_own_measured_defaults_per_dataset_and_flags_still_win(tmp_path):
    # MNIST and CIFAR-10: the model's own rows fill what the table does not; other images
    # keep the field defaults.
    measured = (8e-4, 0.99, 32, 32, True)
    names = ("learning_rate", "ema_decay", "generator_filters", "discriminator_filters", "mixed_precision")
    for dataset in ("mnist", "cifar10"):
        small = resolve_options("dcgan", dataset)
        assert tuple(getattr(small, name) for name in names) == measured
        assert tuple(small.to_dict()[name] for name in names) == measured  # training_options.json
    others = resolve_options("dcgan", "my_photos/")
    assert tuple(getattr(others, name) for name in names) == (2e-4, 0.0, 64, 64, False)
    # The conditional GAN was not measured: it keeps the field defaults on MNIST too.
    assert resolve_options("cgan", "mnist").learning_rate == 2e-4
    # An explicit flag wins over the dataset's default, from the command line as from train().
    arguments = build_parser().parse_args(["train", "dcgan", "--dataset", "mnist", "--learning-rate", "1e-3"])
    given = {"learning_rate": arguments.learning_rate, "ema_decay": arguments.ema_decay}
    assert given == {"learning_rate": 1e-3, "ema_decay": None}
    chosen = resolve_options("dcgan", "mnist", **given)
    assert (chosen.learning_rate, chosen.ema_decay) == (1e-3, 0.99)
    assert resolve_options("dcgan", "mnist", ema_decay=0).ema_decay == 0.0
    # A flag a dataset turns on can be turned off.
    assert build_parser().parse_args(["train", "dcgan", "--no-mixed-precision"]).mixed_precision is False
    assert resolve_options("dcgan", "mnist", mixed_precision=False).mixed_precision is False
    # --help says each dataset's default.
    assert "(default: mnist 0.0008, cifar10 0.0008, others 0.0002)" in help_text("train", "dcgan")


def test_a_resumed_run_keeps_the_values_it_recorded(tmp_path):
    from kerasgan.training.trainer import _recorded_options

    # A run started before the MNIST defaults changed recorded 2e-4 and no average.
    run = TrainingRun.create(tmp_path / "results", "dcgan-mnist")
    old = resolve_options(
        "dcgan", "mnist", learning_rate=2e-4, ema_decay=0, generator_filters=64, discriminator_filters=64,
        mixed_precision=False, kimg=100,
    ).to_dict()  # fmt: skip
    run.write_options(old)
    recorded = _recorded_options(str(run.path))
    resumed = DCGANOptions.resolve("dcgan", "mnist", {"kimg": 300}, recorded=recorded)
    assert (resumed.learning_rate, resumed.ema_decay, resumed.kimg) == (2e-4, 0.0, 300)
    assert (resumed.generator_filters, resumed.mixed_precision) == (64, False)
    assert resumed.to_dict() == {**old, "kimg": 300}
    # What the command gives still wins; --resume auto and none record nothing to keep.
    assert DCGANOptions.resolve("dcgan", "mnist", {"learning_rate": 1e-3}, recorded=recorded).learning_rate == 1e-3
    assert _recorded_options("auto") is None and _recorded_options("none") is None


def test_every_example_in_the_recipes_is_a_command_line_that_parses():
    import shlex

    parser = build_parser()
    lines = [
        line.strip()
        for recipe in recipes.RECIPES.values()
        for line in recipe.examples.splitlines()
        if line.startswith("  kerasgan ")
    ]
    assert len(lines) >= 3 * len(recipes.RECIPES)
    for line in lines:
        arguments = parser.parse_args(shlex.split(line)[1:])
        assert arguments.command in ("train", "generate"), line


def test_stylegan2_with_ada_alone_augments_with_ada_own_pipeline():
    stylegan2 = recipes.recipe_for("stylegan2").options
    alone = stylegan2.resolve("stylegan2", "mnist", {"augment_p": "ada"})
    assert (alone.augment, alone.augment_p) == ("bgc", "ada")
    chosen = stylegan2.resolve("stylegan2", "mnist", {"augment_p": "ada", "augment": "translation"})
    assert chosen.augment == "translation"
    # The other models keep DiffAugment's four for --augment-p ada alone.
    dcgan = DCGANOptions.resolve("dcgan", "mnist", {"augment_p": "ada"})
    assert dcgan.augment == "flip,translation,color,cutout"


def test_stylegan2_gets_batch_gamma_and_ema_from_the_one_resolution_its_data_has(tmp_path):
    import numpy as np

    from kerasgan.models.stylegan2_configs import stylegan2_config

    # A folder without --image-size comes at 64 px: every value of the auto row is 64 px's,
    # not the batch of the 256 px row with the gamma and EMA of the 64 px one.
    folder = tmp_path / "photos"
    folder.mkdir()
    options = resolve_options("stylegan2", str(folder))
    row = stylegan2_config("auto", 64)
    assert row["batch_size"] != stylegan2_config("auto", 256)["batch_size"]  # the rows differ
    assert options.image_size == 64 and options.batch_size == row["batch_size"]
    for name in ("r1_gamma", "ema_kimg", "ema_rampup", "channel_base", "mbstd_group_size"):
        assert options.cfg_values[name] == row[name], name
    # ... and recorded as they are in training_options.json.
    assert json.loads(json.dumps(options.to_dict()))["cfg_values"] == options.cfg_values

    # An .npz comes at its own side, read from the array's header: 128 px here.
    np.savez(tmp_path / "faces.npz", x_train=np.zeros((2, 128, 128, 3), "uint8"),
             y_train=np.zeros(2), x_test=np.zeros((1, 128, 128, 3), "uint8"), y_test=np.zeros(1))
    options = resolve_options("stylegan2", str(tmp_path / "faces.npz"))
    row = stylegan2_config("auto", 128)
    assert options.image_size == 128 and options.batch_size == row["batch_size"]
    assert options.cfg_values["r1_gamma"] == pytest.approx(0.0002 * 128**2 / row["batch_size"])
    # A batch given on the command line wins; the gamma stays the row's, as in StyleGAN2-ADA.
    options = resolve_options("stylegan2", str(folder), batch_size=8)
    assert options.batch_size == 8 and options.cfg_values["mbstd_group_size"] == 4
    assert options.cfg_values["r1_gamma"] == stylegan2_config("auto", 64)["r1_gamma"]


def test_an_option_a_model_does_not_use_is_not_offered_and_given_anyway_is_one_sentence():
    from kerasgan.commands.train import run_training

    unused = {
        "stylegan2": (
            "--beta-1", "--loss", "--ema-decay", "--instance-noise", "--discriminator-steps"
        ),
        "cyclegan": (
            "--augment", "--ema-decay", "--instance-noise", "--discriminator-steps",
            "--freeze-discriminator-layers",
        ),
        "pix2pix": ("--discriminator-steps",),
    }
    for model, flags in unused.items():
        text = help_text("train", model)
        for flag in flags:
            assert f"{flag} " not in text, (model, flag)
    assert "--beta-1" in help_text("train", "dcgan") and "--beta-1" in help_text("train", "cyclegan")
    argv = ["train", "stylegan2", "--dataset", "mnist", "--beta-1", "0.5"]
    arguments = build_parser().parse_args(argv)
    with pytest.raises(ValueError) as error:
        run_training(arguments)
    assert str(error.value) == (
        "--beta-1 0.5 does not apply to stylegan2, which does not use it: leave it out "
        "(kerasgan train stylegan2 --help lists its options)."
    )
    # The same from train(): a sentence, not "unknown option".
    with pytest.raises(ValueError, match="^beta_1 does not apply to stylegan2"):
        resolve_options("stylegan2", "mnist", beta_1=0.5)


def test_an_older_stylegan2_run_that_recorded_options_it_never_used_still_continues(tmp_path):
    # Runs written before StyleGAN2's options were its own recorded loss, beta_1 and
    # ema_decay, and no cfg_values: the same command today still finds them.
    options = resolve_options("stylegan2", "mnist", kimg=1).to_dict()
    stored = {**options, "loss": "bce", "beta_1": 0.5, "ema_decay": 0.0, "label_smoothing": 0.0}
    del stored["cfg_values"]
    run = TrainingRun.create(tmp_path / "results", "stylegan2-mnist")
    run.write_options(stored)
    run.checkpoint_path.write_bytes(b"")
    assert TrainingRun.find_resumable(tmp_path / "results", options).path == run.path
    # Resumed by its folder, it gets the values the run was built with.
    stylegan2 = recipes.recipe_for("stylegan2").options
    resumed = stylegan2.resolve("stylegan2", "mnist", {}, recorded=stored)
    assert resumed.cfg_values == options["cfg_values"]
