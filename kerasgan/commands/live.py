"""`kerasgan live`: a pix2pix generator on a webcam or a video file, frame by frame."""

SUMMARY = "Run a pix2pix or CycleGAN generator live on a webcam or a video file (side-by-side video, fps)."

EXAMPLES = """\
examples:
  kerasgan live --generator results/00002-pix2pix-bikes/generator-000040.keras --source 0 --display
  kerasgan live --generator G.keras --source 0 --display --output session.mp4 --smooth 0.8
  kerasgan live --generator G.keras --source street.mp4 --output street-pix2pix.mp4
  kerasgan live --generator G.keras --source clip.mp4 --output out.avi --smooth 0 --panel-size 512
  kerasgan live --generator results/00004-cyclegan-summer/generator_a2b-000040.keras --source winter.mp4

The input is made from each frame as in training (the input mode, such as edges, is
saved in the generator's .keras file). Each output frame shows frame | input | output.
Press q in the window (or Ctrl-C) to stop; the video written so far is kept.
"""


def add_arguments(parser):
    parser.add_argument(
        "--generator", required=True,
        help="a pix2pix generator-*.keras or CycleGAN generator_a2b-*.keras snapshot",
    )  # fmt: skip
    parser.add_argument(
        "--source", default="0", help="a camera number (0 is the usual webcam) or a video file"
    )
    parser.add_argument("--output", help="write the side-by-side video to this .mp4 or .avi file")
    parser.add_argument("--display", action="store_true", help="show the frames in a window")
    parser.add_argument(
        "--smooth", type=float, default=0.5,
        help="temporal smoothing of the outputs, 0 (off) to 0.95 (very calm); default 0.5",
    )  # fmt: skip
    parser.add_argument(
        "--input-mode", choices=("edges", "grayscale", "downscale", "posterize", "none"),
        help="override the input mode saved in the generator (none: feed the frame itself)",
    )  # fmt: skip
    parser.add_argument(
        "--downscale-factor", type=int, default=8, help="with --input-mode downscale"
    )
    parser.add_argument("--panel-size", type=int, help="pixels per panel (default: at least 256)")
    parser.add_argument("--max-frames", type=int, help="stop after this many frames")


# The panel sizes a video of three panels side by side can have (OpenCV's writers fail
# silently beyond a few thousand pixels across).
PANEL_SIZES = (16, 2048)


def run(args):
    import sys

    from kerasgan.data.input_modes import InputMode
    from kerasgan.snapshots.live import load_translator, parse_source, run_live

    from kerasgan import files

    if args.max_frames is not None and args.max_frames < 1:
        raise ValueError("--max-frames must be at least 1.")
    # Before the video opens: a panel the video writer cannot take, or an --output under a
    # file, failed only at the end with a temporary file's name.
    if args.panel_size is not None and not PANEL_SIZES[0] <= args.panel_size <= PANEL_SIZES[1]:
        raise ValueError(
            f"--panel-size must be from {PANEL_SIZES[0]} to {PANEL_SIZES[1]} pixels; got "
            f"{args.panel_size}: pass e.g. --panel-size 512."
        )
    if args.output is not None:
        files.check_output_file(args.output, "--output")
    generator, input_mode = load_translator(args.generator)
    if args.input_mode == "none":
        input_mode = None
    elif args.input_mode is not None:
        input_mode = InputMode(args.input_mode, downscale_factor=args.downscale_factor)
    elif input_mode is None:
        print(
            f"kerasgan: {args.generator} records no input mode (it was trained on paired "
            "images, or it is a CycleGAN generator): each frame goes in as it is.",
            file=sys.stderr,
        )
    how = input_mode.describe() if input_mode is not None else "the frame itself"
    print(f"{generator.name}: {generator.inputs[0].shape[1]} pixels, input: {how}")
    is_camera = isinstance(parse_source(args.source), int)

    def progress(frames_read, frames_per_second):
        if frames_read % 25 == 0:
            end = "\n" if is_camera else "\r"
            print(f"frame {frames_read}: {frames_per_second:.1f} fps", end=end, flush=True)

    result = run_live(
        generator,
        args.source,
        input_mode,
        output=args.output,
        display=args.display,
        smooth=args.smooth,
        panel_size=args.panel_size,
        max_frames=args.max_frames,
        on_frame=progress,
    )
    if not is_camera and result.frames_read >= 25:
        print()  # end the progress line
    print(
        f"Read {result.frames_read} frames, {result.frames_per_second:.1f} frames per second "
        f"({result.seconds:.1f} s)."
    )
    if result.output is not None:
        print(f"Wrote {result.frames_written} frames to {result.output}")
    return 0
