"""The WaveGAN family: z -> sound. What `kerasgan generate`, `export` and `evaluate` do with it.

- `generate --out sounds.wav` writes the sounds one after another (a short silence
  between), `--out sounds.png` their picture (waveform and spectrogram each),
  `--out sounds.html` a page to hear them; `--seeds 0-7 --outdir DIR` one `.wav` per seed;
  `--interpolate --seeds 0-3 --out walk.wav` a walk between the seeds' latents as one
  long `.wav`, each step's sound after the last.
- `export`: the generator as any other (a SavedModel), with its sample rate recorded.
- `evaluate --dataset spoken_digits.npz`: the spoken-digit classifier's scores
  (`kerasgan.metrics.sound_classifier`): recognised share, kinds, classifier score and
  Frechet distance against the held-out clips.
"""

from pathlib import Path

import numpy as np

from kerasgan.snapshots.latent import LatentFamily, chosen_latents, refuse_classes

GAP_SECONDS = 0.25  # silence between two sounds in one .wav


class WaveGANFamily(LatentFamily):
    name = "wavegan"
    title = "WaveGAN"
    makes = "sounds"

    def output_suffixes(self, animated=False):
        return (".wav",) if animated else (".wav", ".png", ".html")

    def sample(self, generator, latents, labels=None, **choices):
        """Sounds (n, samples) in [-1, 1]."""
        return np.asarray(super().sample(generator, latents, labels), np.float32).reshape(len(latents), -1)

    def write_outputs(self, path, outputs, sample_rate=16000, **layout):
        """`.wav`: the sounds one after another; `.png`: their picture; `.html`: a listening page."""
        from kerasgan import audio, files, images, sound_views

        path = Path(path)
        if path.suffix == ".png":
            images.save_image(path, sound_views.sounds_grid(outputs))
        elif path.suffix == ".html":
            files.write_text(path, sound_views.listening_page(path.stem, outputs, sample_rate))
        else:
            gap = np.zeros(int(GAP_SECONDS * sample_rate), np.float32)
            pieces = [piece for sound in outputs for piece in (sound, gap)][:-1]
            audio.write_wav(path, np.concatenate(pieces), sample_rate)

    def generate(self, args, generator):
        from kerasgan import audio
        from kerasgan.models.wavegan import generator_sample_rate
        from kerasgan.snapshots import sampling

        refuse_classes(args)
        rate = generator_sample_rate(generator) or 16000
        latent_dim = sampling.generator_latent_dim(generator)
        seeds = sampling.parse_seeds(args.seeds) if args.seeds else None
        if args.interpolate:
            keyframes = chosen_latents(self, args, seeds, latent_dim)
            path = sampling.walk(keyframes, args.steps, method=args.method or "slerp", loop=args.loop)
            sounds = self.sample(generator, path)
            # Back to back, no gap: one long sound that changes as it walks.
            audio.write_wav(args.out, sounds.reshape(-1), rate)
            print(f"Wrote a walk of {len(sounds)} sounds through {len(keyframes)} keyframes "
                  f"({len(sounds) * sounds.shape[1] / rate:.1f} s) to {args.out}")
            return 0
        latents = chosen_latents(self, args, seeds, latent_dim)
        if latents is None:
            latents = sampling.latent_batch(args.num, latent_dim, seed=args.seed)
        sounds = self.sample(generator, latents)
        if args.outdir and seeds:
            for seed, sound in zip(seeds, sounds):
                audio.write_wav(Path(args.outdir) / f"seed{seed:04d}.wav", sound, rate)
            print(f"Wrote {len(seeds)} sounds to {args.outdir}")
        if args.out:
            self.write_outputs(args.out, sounds, sample_rate=rate)
            print(f"Wrote {len(sounds)} sounds to {args.out}")
        return 0

    def describe_export(self, generator):
        from kerasgan.models.wavegan import generator_sample_rate

        return {"makes": "sounds", "sample_rate": generator_sample_rate(generator)}

    def evaluate(self, generator, dataset, snapshot_path, num=1000, seed=0, report=None, **options):
        """The spoken-digit classifier's scores of `num` sounds from this generator."""
        from kerasgan.metrics.sound_classifier import classifier_and_test_clips, sound_scores
        from kerasgan.models.wavegan import generator_sample_rate
        from kerasgan.snapshots import sampling

        if dataset is None or not str(dataset).endswith(".npz"):
            raise ValueError(
                f"Scoring the sounds of {snapshot_path} needs labelled clips to train a classifier "
                "on: pass --dataset with an .npz such as ../shared/data/spoken_digits.npz."
            )
        if report:
            raise ValueError("--report draws pictures of images; for sounds, drop it (or use --json).")
        rate = generator_sample_rate(generator) or 16000
        length = int(generator.outputs[0].shape[1])
        classifier, real = classifier_and_test_clips(dataset, rate, length)
        latents = sampling.latent_batch(int(num), sampling.generator_latent_dim(generator), seed=seed)
        scores = sound_scores(classifier, self.sample(generator, latents), real)
        scores["fid"] = scores.pop("frechet_distance")  # the Frechet distance row of the report
        scores.update(
            extractor=classifier.name, extractor_test_accuracy=classifier.test_accuracy,
            num_images=int(num), num_reference_images=len(real), dataset=Path(dataset).stem,
        )  # fmt: skip
        return scores


FAMILY = WaveGANFamily()
