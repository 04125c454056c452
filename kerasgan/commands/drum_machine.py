"""`kerasgan drum-machine`: a drum machine page of a WaveGAN's sounds (or of .wav files).

The generator draws a bank of sounds (`--bank`, 64 by default) from latent vectors
of one seed; eight of them start on the pads, and "Change" on a pad picks another
from the bank. The page is one offline HTML file (see kerasgan/drum_machine.py).
"""

SUMMARY = "Make an offline drum machine page from a WaveGAN snapshot or a folder of .wav files."

EXAMPLES = """\
examples:
  kerasgan drum-machine --snapshot results/00000-wavegan-drums/generator-000020.keras --out drums.html
  kerasgan drum-machine --snapshot generator.keras --bank 128 --seed 7 --out drums.html
  kerasgan drum-machine --sounds datasets/drums/train --out my_kit.html
"""

MAX_FOLDER_SOUNDS = 128


def add_arguments(parser):
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--snapshot", help="a WaveGAN generator-*.keras file")
    source.add_argument("--sounds", help="a folder of .wav files instead (the first 128)")
    parser.add_argument("--out", required=True, help="the page to write, e.g. drums.html")
    parser.add_argument("--bank", type=int, default=64, help="sounds the generator draws for the bank (default 64)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the bank's latent vectors (default 0)")
    parser.add_argument("--title", default="Drum machine", help="the page's heading")


def run(args):
    from pathlib import Path

    from kerasgan import files
    from kerasgan.drum_machine import PADS, drum_machine_page

    if Path(args.out).suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"--out is a web page: give it a name ending in .html; got {args.out!r}.")
    if args.bank < PADS:
        raise ValueError(f"--bank must hold at least {PADS} sounds, one per pad; got {args.bank}.")
    files.check_output_file(args.out, "--out")
    if args.snapshot:
        sounds, rate, names = _generated(args)
    else:
        sounds, rate, names = _from_folder(args.sounds)
    files.write_text(args.out, drum_machine_page(sounds, rate, args.title, names))
    print(f"Wrote a drum machine with {len(sounds)} sounds ({rate:,} Hz) to {args.out}: open it in a browser.")
    return 0


def _generated(args):
    from kerasgan import snapshots
    from kerasgan.models.wavegan import generator_sample_rate
    from kerasgan.snapshots import sampling

    generator, family = snapshots.load(args.snapshot)
    if family.makes != "sounds":
        raise ValueError(
            f"{args.snapshot} is a {family.title} generator, which makes {family.makes}, not sounds: "
            "pass the generator-*.keras of a wavegan run, or --sounds with a folder of .wav files."
        )
    latents = sampling.latent_batch(args.bank, sampling.generator_latent_dim(generator), seed=args.seed)
    names = [f"seed {args.seed} #{index + 1}" for index in range(args.bank)]
    return family.sample(generator, latents), generator_sample_rate(generator) or 16000, names


def _from_folder(folder):
    from pathlib import Path

    from kerasgan.data.audio_clips import read_wav_files
    from kerasgan.drum_machine import PADS

    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"--sounds {folder} is not a folder: pass a folder of .wav files.")
    paths = sorted(folder.rglob("*.wav"))[:MAX_FOLDER_SOUNDS]
    if len(paths) < PADS:
        raise ValueError(
            f"{folder} holds {len(paths)} .wav files; a drum machine needs at least {PADS}, one per pad."
        )
    sounds, rate = read_wav_files(paths)
    return sounds, rate, [path.stem for path in paths]
