"""WaveGAN's recipe: `kerasgan train wavegan` and `train("wavegan", ...)`.

Sound clips in (an `.npz` of clips such as the shared spoken digits, or a folder of
`.wav` files that `kerasgan dataset audio` wrote), and after every interval the sounds of
one fixed latent batch out: `fakes_000010.png` (waveform and spectrogram of each),
their `.wav` files in `fakes_000010/` and a page to hear them, `fakes_000010.html`.

`--cfg` picks a row of `kerasgan.models.wavegan.CONFIGS`: `paper` (16,384 samples at
16 kHz, d = 64) or `small` (4,096 samples at 8 kHz, d = 16, for a CPU). The paper's
training is the default: WGAN-GP, 5 discriminator steps, Adam(1e-4, 0.5, 0.9), batch 64.
"""

import dataclasses

import numpy as np

from kerasgan.training.options import TrainingOptions, number_in, one_of, option, whole_number
from kerasgan.training.recipe import Recipe, sample_it

SOUNDS_SHOWN = 16  # the fixed latent batch: 16 sounds, 4 x 4 in the picture

EXAMPLES = """\
examples:
  kerasgan train wavegan --dataset ../shared/data/spoken_digits.npz
  kerasgan train wavegan --dataset ../shared/data/spoken_digits.npz --cfg small --kimg 50
  kerasgan train wavegan --dataset datasets/drums --interval-steps 500
  kerasgan train wavegan --dataset datasets/drums --loss hinge --discriminator-steps 1
"""


@dataclasses.dataclass
class WaveGANOptions(TrainingOptions):
    """WaveGAN's options: the shared ones with the paper's training, plus its named config."""

    uses_dataset_defaults = False  # sounds: the image datasets' rows do not apply

    dataset: str = option(
        None, "an .npz of clips (x_train, optional sample_rate) or a folder of .wav files",
        kind=str, required=True,
    )  # fmt: skip
    cfg: str = option("paper", "named configuration: paper (16,384 samples at 16 kHz) or small "
                      "(4,096 samples at 8 kHz, narrow)", check=one_of("paper", "small"))
    audio_length: int = option(
        None, "samples per sound, a multiple of 1024", check=whole_number(), kind=int,
        default_text="the config's",
    )  # fmt: skip
    sample_rate: int = option(
        None, "samples per second", check=whole_number(), kind=int, default_text="the config's"
    )
    model_dim: int = option(
        None, "the paper's d: channels of the generator's last layer", check=whole_number(),
        kind=int, default_text="the config's",
    )  # fmt: skip
    latent_dim: int = option(None, "length of z", check=whole_number(), kind=int,
                             default_text="the config's")
    phase_shuffle: int = option(
        2, "the discriminator's largest random shift in samples (0: none)",
        check=whole_number(minimum=0),
    )  # fmt: skip
    batch_size: int = option(64, "clips per step", check=whole_number())
    kimg: int = option(None, "thousands of clips to show", check=whole_number(), kind=int,
                       default_text="1000")
    loss: str = option("wgan-gp", "wgan-gp (the paper's), bce, hinge or lsgan",
                       check=TrainingOptions.__dataclass_fields__["loss"].metadata["check"])
    discriminator_steps: int = option(5, "discriminator updates per generator update",
                                      check=whole_number())
    learning_rate: float = option(
        1e-4, "Adam learning rate of both networks",
        check=number_in(0, low_included=False, example=1e-4),
    )  # fmt: skip
    beta_2: float = option(
        0.9, "Adam's beta_2 (0.9 in the paper)",
        check=number_in(0, 1, high_included=False, example=0.9),
    )  # fmt: skip

    def fill_defaults(self, given):
        from kerasgan.models.wavegan import CONFIGS

        for name, value in CONFIGS[self.cfg].items():
            if getattr(self, name) is None:
                setattr(self, name, value)
        if not self.epochs and not self.kimg:
            self.kimg = 1000

    def check_together(self):
        from kerasgan.models.wavegan import check_audio_length

        super().check_together()
        if self.audio_length is not None:
            check_audio_length(self.audio_length)
        if self.augment:
            raise ValueError(
                "--augment flips and crops pictures; it does not apply to sounds (WaveGAN's "
                "phase shuffle is its own augmentation): leave it out."
            )


def load_data(dataset, options):
    from kerasgan.data.audio_clips import audio_training_data

    return audio_training_data(
        dataset, options.audio_length, options.sample_rate, options.batch_size, options.seed
    )


def build(options, data):
    from kerasgan.models.wavegan import WaveGAN

    return WaveGAN(
        audio_length=options.audio_length,
        sample_rate=options.sample_rate,
        latent_dim=options.latent_dim,
        model_dim=options.model_dim,
        phase_shuffle=options.phase_shuffle,
        **options.model_arguments(),
    )


def optimizers(options):
    """Adam(learning_rate, beta_1, beta_2) for each network: (1e-4, 0.5, 0.9) in the paper."""
    import keras

    return tuple(
        keras.optimizers.Adam(options.learning_rate, beta_1=options.beta_1, beta_2=options.beta_2)
        for _ in range(2)
    )


class FixedLatentSounds:
    """The sounds of one fixed latent batch after every interval: a picture, `.wav` files, a page.

    `grid(model)` draws the sounds and returns their picture (what the run folder saves
    as `fakes_000010.png`); `write_beside(picture_path)` then writes the same sounds as
    `fakes_000010/sound_01.wav`, ... and the listening page `fakes_000010.html`.
    """

    def __init__(self, latents, sample_rate):
        self.latents = np.asarray(latents, dtype="float32")
        self.sample_rate = int(sample_rate)
        self.sounds = None
        self.step = 0

    def arrays(self):
        return {"fixed_latents": self.latents}

    def grid(self, model):
        from kerasgan import sound_views
        from kerasgan.training.callbacks import sampling_generator

        self.step = int(model.generator_optimizer.iterations.numpy())
        generator = sampling_generator(model)
        self.sounds = np.asarray(generator(self.latents, training=False), dtype="float32")[..., 0]
        return sound_views.sounds_grid(self.sounds)

    def write_beside(self, picture_path):
        from kerasgan import audio, files, sound_views

        folder = picture_path.with_suffix("")
        folder.mkdir(exist_ok=True)
        for index, sound in enumerate(self.sounds):
            audio.write_wav(folder / f"sound_{index + 1:02d}.wav", sound, self.sample_rate)
        page = sound_views.listening_page(
            f"{picture_path.parent.name}: {picture_path.stem}", self.sounds, self.sample_rate,
            note="The same latent vectors at every interval: listen to the same sounds grow up.",
        )
        files.write_text(picture_path.with_suffix(".html"), page)
        self.write_tensorboard_audio(picture_path.parent / "logs")

    def write_tensorboard_audio(self, folder):
        """The sounds in TensorBoard's Audio tab, at this step.

        As the run's other TensorBoard events (`TensorBoardLog`): a file of its own, its
        step at the end of its name, written whole and then moved into `logs/`, so a
        resumed run forgets the files of the steps it trains again.
        """
        import tempfile
        from pathlib import Path

        import tensorflow as tf

        from kerasgan import files

        Path(folder).mkdir(exist_ok=True)
        with tempfile.TemporaryDirectory() as building:
            writer = tf.summary.create_file_writer(building, filename_suffix=f".step-{self.step:09d}")
            with writer.as_default(step=self.step):
                tf.summary.audio("fakes", self.sounds[..., None], self.sample_rate, max_outputs=len(self.sounds))
            writer.close()
            for path in Path(building).iterdir():
                files.write_bytes(Path(folder) / f"audio.{path.name}", path.read_bytes())


def sampler(model, data, options, saved_arrays):
    from kerasgan.snapshots import sampling

    latents = saved_arrays.get("fixed_latents")
    if latents is None:
        latents = sampling.latent_batch(SOUNDS_SHOWN, options.latent_dim, seed=options.seed)
    return FixedLatentSounds(latents, options.sample_rate)


def reals_grid(batch):
    from kerasgan import sound_views

    return sound_views.sounds_grid(np.asarray(batch)[:SOUNDS_SHOWN, :, 0])


class SoundScores:
    """An evaluator for stats.jsonl: how a classifier of the dataset's words hears the generator.

    Only for a labelled `.npz` with held-out clips (the spoken digits): the classifier
    (`kerasgan.metrics.sound_classifier`) is trained on its first use, or read from the
    cache, and scores 256 sounds from fixed latents against the held-out clips.
    """

    COUNT = 256

    def __init__(self, options):
        self.options = options
        self.classifier = self.real_sounds = None
        self.latents = np.random.default_rng(options.seed + 1).standard_normal(
            (self.COUNT, options.latent_dim)
        ).astype("float32")

    @staticmethod
    def applies_to(dataset):
        if not str(dataset).endswith(".npz"):
            return False
        with np.load(dataset) as arrays:
            return {"y_train", "x_test", "y_test"} <= set(arrays.files)

    def __call__(self, model):
        from kerasgan.metrics.sound_classifier import classifier_and_test_clips, sound_scores
        from kerasgan.training.callbacks import sampling_generator

        options = self.options
        if self.classifier is None:
            self.classifier, self.real_sounds = classifier_and_test_clips(
                options.dataset, options.sample_rate, options.audio_length
            )
        sounds = np.asarray(sampling_generator(model)(self.latents, training=False))
        scores = sound_scores(self.classifier, sounds, self.real_sounds)
        scores.pop("class_counts")
        return {name: value if isinstance(value, int) else round(float(value), 4)
                for name, value in scores.items()}


def evaluators(data, options):
    return [SoundScores(options)] if SoundScores.applies_to(options.dataset) else []


def next_steps(run):
    lines = sample_it(run)[:1]
    if lines:
        lines.append(f"Listen to it:     open {run.path}/fakes_*.html in a browser")
    return lines


RECIPE = Recipe(
    summary="WaveGAN: a GAN of raw sound (spoken words, drums, your recordings).",
    options=WaveGANOptions,
    build=build,
    sampler=sampler,
    examples=EXAMPLES,
    load_data=load_data,
    optimizers=optimizers,
    reals_grid=reals_grid,
    evaluators=evaluators,
    next_steps=next_steps,
)
