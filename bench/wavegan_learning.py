"""Benchmark: WaveGAN's learning curve on the spoken digits, measured by the digit classifier.

The measure is the one `kerasgan evaluate` and the learning test use
(`kerasgan.metrics.sound_classifier`): 256 sounds from fixed latent vectors, judged by a
classifier of the ten words at the model's rate and length. A sound is "recognised" when
the classifier's top probability is above 0.9; the classifier score is the paper's
"inception score" (1 to 10); the Frechet distance compares the classifier's features of
the sounds with those of the 400 held-out clips (0 for the real clips themselves).

Printed at each point of the budget, one line each: generator steps, CPU seconds,
recognised share, words recognised, classifier score, Frechet distance.

Run by hand (never part of the test suite):

    python bench/wavegan_learning.py                             # the paper's config, 1 CPU hour
    python bench/wavegan_learning.py --cfg small --cpu-seconds 1200 --points 10
    python bench/wavegan_learning.py --cfg small --loss hinge --discriminator-steps 1 --learning-rate 1e-3 --model-dim 8
"""

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from kerasgan.data.audio_clips import audio_training_data, load_clips  # noqa: E402
from kerasgan.metrics.sound_classifier import sound_classifier, sound_scores  # noqa: E402
from kerasgan.models.wavegan import CONFIGS, WaveGAN  # noqa: E402

DIGITS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "spoken_digits.npz"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DIGITS), help="the spoken digits .npz")
    parser.add_argument("--cfg", choices=tuple(CONFIGS), default="paper")
    parser.add_argument("--cpu-seconds", type=float, default=3600, help="training budget in CPU seconds")
    parser.add_argument("--points", type=int, default=6, help="measurements over the budget")
    parser.add_argument("--loss", default="wgan-gp")
    parser.add_argument("--discriminator-steps", type=int, default=5)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--model-dim", type=int, default=None, help="d (default: the config's)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    config = dict(CONFIGS[args.cfg])
    if args.model_dim:
        config["model_dim"] = args.model_dim
    rate, length = config["sample_rate"], config["audio_length"]
    classifier = sound_classifier(args.data, rate, length)
    real = load_clips(args.data, "test", length, rate)[0]
    data = audio_training_data(args.data, length, rate, args.batch_size, args.seed)
    keras.utils.set_random_seed(args.seed)
    gan = WaveGAN(**config, loss=args.loss, discriminator_steps=args.discriminator_steps, seed=args.seed)
    adam = lambda: keras.optimizers.Adam(args.learning_rate, beta_1=0.5, beta_2=0.9)  # noqa: E731
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    latents = np.random.default_rng(args.seed + 1).standard_normal((256, config["latent_dim"])).astype("float32")
    batches = data.dataset.repeat()

    print(f"WaveGAN {args.cfg} (d={config['model_dim']}, {rate} Hz, {length} samples), loss {args.loss}, "
          f"{args.discriminator_steps} D steps, lr {args.learning_rate:g}, batch {args.batch_size}; "
          f"classifier {classifier.test_accuracy:.1%} on held-out clips")
    print(f"{'steps':>7} {'cpu s':>7} {'recognised':>10} {'words':>5} {'score':>6} {'frechet':>8}")

    def measure(steps, cpu):
        scores = sound_scores(classifier, np.asarray(gan.generator(latents)), real)
        print(f"{steps:>7} {cpu:>7.0f} {scores['recognised_share']:>10.3f} {scores['classes_recognised']:>5} "
              f"{scores['classifier_score']:>6.2f} {scores['frechet_distance']:>8.1f}", flush=True)

    measure(0, 0.0)
    steps, cpu = 0, 0.0
    for point in range(1, args.points + 1):
        while cpu < args.cpu_seconds * point / args.points:
            start = time.process_time()
            gan.fit(batches, steps_per_epoch=25, epochs=1, verbose=0)
            cpu += time.process_time() - start
            steps += 25
        measure(steps, cpu)


if __name__ == "__main__":
    main()
