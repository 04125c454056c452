"""`kerasgan dataset video` and `kerasgan dataset audio`: training sets from videos and sounds.

The flags are made from `VideoDatasetSettings` and `FilterSettings`, the one table of
defaults; `parse_time` and `parse_rate` read the times and rates people type.
"""

import argparse
import re
import sys

SUMMARY = "Build training datasets (from YouTube videos, video links, files or folders)."

EXAMPLES = """\
examples:
  kerasgan dataset video https://youtu.be/aqz-KE-bpKQ --out datasets/bunny --size 256
  kerasgan dataset video https://youtu.be/aqz-KE-bpKQ --out datasets/bunny --start 1:00 --end 3:00
  kerasgan dataset video https://example.org/waves.mp4 --out datasets/waves --every 10f
  kerasgan dataset video clips/ --out datasets/waves --frames 400 --format png
  kerasgan dataset video a.mp4 b.mp4 --out datasets/mix --size 128 --max-images 2000 --one-per-scene
  kerasgan dataset video https://youtu.be/VIDEO_ID --out datasets/mine --cookies cookies.txt
"""

VIDEO_EXAMPLES = EXAMPLES + """
The folder gets train/ and test/ (whole blocks of time, never interleaved frames),
manifest.json (sources, settings, every kept and dropped frame) and contact_sheet.jpg.
Run the same command again to resume or to add sources: downloads are cached and
finished videos are not read again.

YouTube says "Sign in to confirm you're not a bot"? Export your browser's cookies
for youtube.com to cookies.txt (Netscape format, e.g. with a "Get cookies.txt"
browser extension) and pass --cookies cookies.txt.
"""


# Flags made from VideoDatasetSettings and FilterSettings fields (see add_setting_flags).
SPLIT_AND_DOWNLOAD_FLAGS = (
    ("test_fraction", "fraction of each video for test/ (default %(default)s)"),
    ("split_blocks", "time blocks per video for the split (default %(default)s)"),
    ("seed", "chooses test blocks and random crops (default %(default)s)"),
    ("max_height", "largest video height to download (default %(default)s)"),
)
# One per FilterSettings field: each filter's switch, then its threshold.
FILTER_FLAGS = (
    ("drop_dark", "drop dark frames"),
    ("dark_threshold", "mean gray level below which a frame is dark (default %(default)s)"),
    ("drop_bright", "drop washed-out frames"),
    (
        "bright_threshold",
        "mean gray level above which a frame is too bright (default %(default)s)",
    ),
    ("drop_flat", "drop flat frames (solid colors, fades)"),
    (
        "flat_threshold",
        "gray level standard deviation below which a frame is flat (default %(default)s)",
    ),
    ("drop_blurry", "drop blurry frames"),
    (
        "blur_threshold",
        "variance of the Laplacian below which a frame is blurry (default %(default)s)",
    ),
    ("drop_duplicates", "drop near-duplicates of kept frames"),
    (
        "duplicate_distance",
        "perceptual hash bits (of 64) within which frames match (default %(default)s)",
    ),
    ("one_per_scene", "keep only the first good frame of each scene"),
    ("scene_threshold", "color histogram change (0-1) that counts as a cut (default %(default)s)"),
    ("remove_letterbox", "crop black bars away before the square crop"),
)


def add_arguments(parser):
    # Imported here (they are light: no TensorFlow) so the defaults live in one table.
    from kerasgan.cli import HelpFormatter
    from kerasgan.data.frame_filters import FilterSettings
    from kerasgan.data.frame_geometry import CROP_MODES
    from kerasgan.data.video_dataset_settings import IMAGE_FORMATS, VideoDatasetSettings

    defaults = VideoDatasetSettings()
    filters = FilterSettings()
    verbs = parser.add_subparsers(dest="dataset_command", metavar="KIND")
    parser.set_defaults(_print_dataset_help=parser.print_help)

    video = verbs.add_parser(
        "video",
        help="frames from YouTube (or any yt-dlp site), video links, files or folders",
        description="Build a dataset of square images from the frames of one or more videos.",
        epilog=VIDEO_EXAMPLES,
        formatter_class=HelpFormatter,
    )
    video.set_defaults(_run=run_video)
    video.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="a URL (YouTube, any yt-dlp site, a direct video link), a video file or a folder",
    )
    video.add_argument("--out", required=True, help="the dataset folder, e.g. datasets/waves")
    video.add_argument(
        "--size", type=int, default=defaults.size, help="image side in pixels (default %(default)s)"
    )
    rate = video.add_mutually_exclusive_group()
    rate.add_argument(
        "--every",
        metavar="RATE",
        help="one frame per this much video: 0.5s (default), 2s, 500ms, or every Nth frame: 10f",
    )
    rate.add_argument("--frames", type=int, metavar="N", help="N frames per video, evenly spaced")
    video.add_argument(
        "--start", metavar="TIME", help="start of the section to use: 90, 1:30 or 1:02:03"
    )
    video.add_argument("--end", metavar="TIME", help="end of the section to use")
    video.add_argument(
        "--max-images", type=int, metavar="N", help="stop once the dataset has N images"
    )
    video.add_argument(
        "--format",
        choices=IMAGE_FORMATS,
        default=defaults.image_format,
        help="image file format (default %(default)s)",
    )
    video.add_argument(
        "--crop",
        choices=CROP_MODES,
        default=defaults.crop,
        help="how to make a square (default %(default)s; none keeps the whole frame)",
    )
    add_setting_flags(video, defaults, SPLIT_AND_DOWNLOAD_FLAGS)
    video.add_argument(
        "--cookies",
        metavar="FILE",
        help="cookies.txt for sites that ask for a sign-in (YouTube's bot check)",
    )
    video.add_argument(
        "--overwrite",
        action="store_true",
        help="rebuild a folder made with other settings (downloads are kept)",
    )
    video.add_argument("--quiet", action="store_true", help="no progress lines")

    group = video.add_argument_group("filters (each has a switch and a threshold)")
    add_setting_flags(group, filters, FILTER_FLAGS)
    add_audio_arguments(verbs)


AUDIO_EXAMPLES = """\
examples:
  kerasgan dataset audio drum_loops/ --out datasets/drums --slice onsets
  kerasgan dataset audio https://youtu.be/VIDEO_ID --out datasets/rain --slice fixed
  kerasgan dataset audio talk.mp4 --out datasets/voice --slice fixed --rate 16000

The folder gets train/ and test/ .wav clips (the last part of each source is test/),
manifest.json (sources, settings, every clip's time, what was dropped and why),
clips.png (waveform and spectrogram of the first clips) and index.html to hear them.
Train on it with: kerasgan train wavegan --dataset datasets/drums
"""


def add_audio_arguments(verbs):
    from kerasgan.cli import HelpFormatter
    from kerasgan.data.audio_dataset import AudioDatasetSettings

    defaults = AudioDatasetSettings()
    sounds = verbs.add_parser(
        "audio",
        help="sound clips from recordings, videos' sound tracks, or links (yt-dlp)",
        description="Build a dataset of sound clips (16,384 samples each) for WaveGAN.",
        epilog=AUDIO_EXAMPLES,
        formatter_class=HelpFormatter,
    )
    sounds.set_defaults(_run=run_audio)
    sounds.add_argument("sources", nargs="+", metavar="SOURCE",
                        help="a URL (yt-dlp, audio only), a sound or video file, or a folder of them")
    sounds.add_argument("--out", required=True, help="the dataset folder, e.g. datasets/drums")
    sounds.add_argument("--slice", choices=("onsets", "fixed"), default=defaults.slice,
                        help="onsets: each clip starts where a sound does (drums, one-shots); fixed: "
                        "back-to-back clips (textures, speech) (default %(default)s)")
    add_setting_flags(sounds, defaults, (
        ("rate", "samples per second (default %(default)s)"),
        ("clip_length", "samples per clip (default %(default)s)"),
        ("silence_db", "clips quieter than this many dB below full scale are dropped (default %(default)s)"),
        ("onset_rise_db", "how many dB a level must jump to count as a new sound (default %(default)s)"),
        ("min_gap", "seconds between two onsets, at least (default %(default)s)"),
        ("test_share", "share of each source, at its end, for test/ (default %(default)s)"),
    ))  # fmt: skip
    sounds.add_argument("--quiet", action="store_true", help="no progress lines")


def run_audio(args):
    from kerasgan.data.audio_dataset import AudioDatasetSettings, build_audio_dataset

    settings = AudioDatasetSettings(
        rate=args.rate, clip_length=args.clip_length, slice=args.slice, silence_db=args.silence_db,
        onset_rise_db=args.onset_rise_db, min_gap=args.min_gap, test_share=args.test_share,
    )  # fmt: skip
    manifest, failures = build_audio_dataset(args.sources, args.out, settings, progress=not args.quiet)
    counts = manifest["counts"]
    dropped = ", ".join(f"{reason} {n}" for reason, n in counts["dropped"].items() if n)
    print(f"{args.out}: {counts['train']} train + {counts['test']} test clips"
          + (f", dropped: {dropped}" if dropped else "") + ".")
    for _, sentence in failures:  # each sentence names its source
        print(f"kerasgan: {sentence}", file=sys.stderr)
    return 1 if failures else 0


def add_setting_flags(parser, defaults, table):
    """One flag per (field, help) row: --field-name, typed and defaulted by `defaults`' value.

    A True/False field becomes a switch with its opposite (--drop-dark, --no-drop-dark).
    """
    for name, help_text in table:
        default = getattr(defaults, name)
        flag = "--" + name.replace("_", "-")
        if isinstance(default, bool):
            parser.add_argument(
                flag, action=argparse.BooleanOptionalAction, default=default, help=help_text
            )
        else:
            parser.add_argument(flag, type=type(default), default=default, help=help_text)


def run(args):
    """`kerasgan dataset` with no kind: show the kinds."""
    if getattr(args, "dataset_command", None) is None:
        args._print_dataset_help()
        return 2
    return args._run(args)


def run_video(args):
    from kerasgan import files
    from kerasgan.data.frame_filters import FilterSettings
    from kerasgan.data.video_dataset import VideoDatasetSettings, build_video_dataset
    from kerasgan.data.video_sources import naming_the_source

    files.check_output_folder(args.out, "--out")  # before any download
    every_seconds = every_frames = None
    if args.every is not None:
        unit, value = parse_rate(args.every)
        every_seconds, every_frames = (value, None) if unit == "seconds" else (None, value)
    settings = VideoDatasetSettings(
        size=args.size,
        every_seconds=every_seconds,
        every_frames=every_frames,
        num_frames=args.frames,
        start=None if args.start is None else parse_time(args.start),
        end=None if args.end is None else parse_time(args.end),
        max_images=args.max_images,
        image_format=args.format,
        crop=args.crop,
        test_fraction=args.test_fraction,
        split_blocks=args.split_blocks,
        seed=args.seed,
        max_height=args.max_height,
        filters=FilterSettings(**{name: getattr(args, name) for name, _ in FILTER_FLAGS}),
    )
    dataset = build_video_dataset(
        args.sources,
        args.out,
        settings,
        cookies=args.cookies,
        overwrite=args.overwrite,
        progress=not args.quiet,
    )
    counts = dataset.manifest["counts"]
    dropped = ", ".join(f"{reason} {n}" for reason, n in counts["dropped"].items() if n)
    print(
        f"{dataset.folder}: {counts['train']} train + {counts['test']} test images "
        f"from {counts['sources']} video(s), {counts['sampled']} frames sampled"
        + (f", dropped: {dropped}" if dropped else "")
        + "."
    )
    if dataset.failures:
        total = counts["sources"] + len(dataset.failures)
        print(f"kerasgan: {len(dataset.failures)} of {total} sources failed:", file=sys.stderr)
        for source, sentence in dataset.failures:
            print(f"  - {naming_the_source(source, sentence)}", file=sys.stderr)
        return 1
    return 0


def parse_time(text):
    """ "90", "90s", "1:30", "1:02:03", "1:30.5" -> seconds (float)."""
    text = str(text).strip().lower()
    if text.endswith("s") and ":" not in text:
        text = text[:-1]
    problem = f"Cannot read the time {text!r}: write seconds (90) or m:ss (1:30)."
    try:
        values = [float(part) for part in text.split(":")]
    except ValueError:
        raise ValueError(problem) from None
    if len(values) > 3 or any(value < 0 for value in values):
        raise ValueError(problem)
    seconds = 0.0
    for value in values:
        seconds = seconds * 60 + value
    return seconds


def parse_rate(text):
    """ "0.5s", "0.5", "500ms" -> ("seconds", 0.5); "10f" -> ("frames", 10)."""
    text = str(text).strip().lower().replace(" ", "")
    match = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)(s|sec|ms|f|frames?)?", text)
    if not match:
        raise ValueError(
            f"Cannot read the rate {text!r}: write seconds (0.5s) or a frame step (10f)."
        )
    number, unit = float(match.group(1)), match.group(2) or "s"
    if number <= 0:
        raise ValueError(f"The rate {text!r} must be more than zero.")
    if unit.startswith("f"):
        if number != int(number):
            raise ValueError(f"A frame step must be a whole number; got {text!r}.")
        return "frames", int(number)
    return "seconds", number / 1000 if unit == "ms" else number
