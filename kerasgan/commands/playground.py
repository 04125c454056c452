"""`kerasgan playground`: the GAN game on 2D points, as a video, a GIF, an HTML player or stills.

Trains kerasgan's `GAN` (the same train_step as the image models) on a 2D
target and draws a frame every `--frame-every` steps: real points and their
density, the discriminator's heatmap with the arrows that move each fake point,
the generator's manifold, the losses, the KL and JS divergences and the modes covered.
"""

import argparse
from pathlib import Path

SUMMARY = "Watch the GAN game on 2D points: a .mp4, .gif or offline .html player, and stills."

EXAMPLES = """\
examples:
  kerasgan playground --target ring --loss hinge --steps 3000 --out game.mp4
  kerasgan playground --target ring --loss bce --learning-rate 0.1 --steps 1500 --out collapse.gif
  kerasgan playground --target spiral --loss lsgan --noise uniform --noise-dim 1 --out spiral.html
  kerasgan playground --target my_points.npy --loss wgan-gp --discriminator-steps 5 --out mine.html
  kerasgan playground --target grid --steps 2000 --snapshot-every 500 --out grid.mp4   # + stills

targets: ring (8 Gaussians), grid (5 x 5 Gaussians), line, moons, spiral, or a .npy/.csv file of
(N, 2) points. losses: bce, hinge, lsgan, wgan-gp.
"""

ANIMATION_SUFFIXES = (".mp4", ".gif", ".html")


def add_arguments(parser):
    parser.add_argument(
        "--target", default="ring",
        help="ring, grid, line, moons, spiral, or a .npy / .csv file of (N, 2) points (default ring)",
    )
    parser.add_argument("--loss", default="hinge", help="bce, hinge, lsgan or wgan-gp (default hinge)")
    parser.add_argument("--steps", type=int, default=3000, help="training steps (default 3000)")
    parser.add_argument("--out", default="playground.mp4", help="a .mp4, .gif or .html file")
    parser.add_argument(
        "--frame-every", type=int, default=None,
        help="steps between two frames (default: steps / 100, at least 1)",
    )
    parser.add_argument(
        "--snapshot-every", type=int, default=None,
        help="also write a PNG still every N steps, in a folder named after --out",
    )
    parser.add_argument("--noise", default="normal", help="normal or uniform (default normal)")
    parser.add_argument("--noise-dim", type=int, default=2, help="1 or 2 (default 2)")
    parser.add_argument("--layers", type=int, default=3, help="hidden layers per network (default 3)")
    parser.add_argument("--width", type=int, default=64, help="units per hidden layer (default 64)")
    parser.add_argument(
        "--discriminator-steps", type=int, default=1,
        help="discriminator updates per generator update (default 1)",
    )
    parser.add_argument("--optimizer", default="adam", help="adam, sgd or rmsprop (default adam)")
    parser.add_argument("--learning-rate", type=float, default=1e-3, help="default 0.001")
    parser.add_argument("--batch-size", type=int, default=256, help="points per step (default 256)")
    parser.add_argument("--seed", type=int, default=0, help="the game's seed (default 0)")
    parser.add_argument("--fps", type=int, default=10, help="frames per second (default 10)")


def read_points(path):
    """An (N, 2) array from a .npy or .csv file (checked by the playground's targets)."""
    import numpy as np

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"No such points file: {path}.")
    if path.suffix.lower() == ".npy":
        return np.load(path, allow_pickle=False)
    return _read_csv_points(path)


def _read_csv_points(path):
    """(N, 2) numbers from a CSV file; a first line of names (`x,y`) is a header and skipped.

    Read line by line rather than with np.loadtxt, whose errors speak of float64 and
    `usecols`: each problem here names the line and what to change in it.
    """
    import numpy as np

    rows = []
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split(",")]
        try:
            values = [float(cell) for cell in cells]
        except ValueError:
            if not rows and number == _first_content_line(lines):
                continue  # a header such as "x,y"
            raise ValueError(
                f"Line {number} of {path} is not two numbers ({line.strip()[:40]!r}): write "
                "one point per line as x,y, e.g. 0.5,-1.2."
            ) from None
        if len(values) != 2:
            raise ValueError(
                f"Line {number} of {path} has {len(values)} values ({line.strip()[:40]!r}), not "
                "2: write one point per line as x,y, e.g. 0.5,-1.2."
            )
        rows.append(values)
    if not rows:
        raise ValueError(f"{path} holds no points: write one point per line as x,y, e.g. 0.5,-1.2.")
    return np.array(rows, dtype=np.float64)


def _first_content_line(lines):
    """The number (from 1) of the first line that is neither blank nor a # comment."""
    for number, line in enumerate(lines, start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            return number
    return None


def check_arguments(args):
    """Every mistake the user can make, found before TensorFlow is imported."""
    from kerasgan.playground.game import PlaygroundSettings
    from kerasgan.playground.targets import TARGET_NAMES

    if args.steps < 1:
        raise ValueError(f"--steps must be 1 or more; got {args.steps}.")
    suffix = Path(args.out).suffix.lower()
    if suffix not in ANIMATION_SUFFIXES:
        raise ValueError(
            f"Cannot write {args.out}: use a file name ending in {', '.join(ANIMATION_SUFFIXES)}."
        )
    for name in ("frame_every", "snapshot_every"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise ValueError(f"--{name.replace('_', '-')} must be 1 or more; got {value}.")
    if args.fps < 1:
        raise ValueError(f"--fps must be 1 or more; got {args.fps}.")
    from kerasgan import files

    # Before the training: the file is written only after every step has been played.
    files.check_output_file(args.out, "--out")
    if args.snapshot_every:
        out = Path(args.out)
        files.check_output_folder(out.with_name(out.stem + "-stills"), "--snapshot-every's folder")
    target = args.target
    if target not in TARGET_NAMES:
        if Path(target).suffix.lower() not in (".npy", ".csv"):
            raise ValueError(
                f"Unknown playground target {target!r}: choose one of {', '.join(TARGET_NAMES)}, "
                "or give a .npy or .csv file of (N, 2) points."
            )
        from kerasgan.playground.targets import target_from_points

        target = target_from_points(read_points(target), name=Path(target).stem)
    settings = PlaygroundSettings(
        target=target,
        loss=args.loss,
        noise=args.noise,
        noise_dim=args.noise_dim,
        layers=args.layers,
        width=args.width,
        discriminator_steps=args.discriminator_steps,
        optimizer=args.optimizer,
        learning_rate=args.learning_rate,
        batch_size=args.batch_size,
        seed=args.seed,
    )
    return settings.validate()


def run(args):
    settings = check_arguments(args)

    import dataclasses

    from kerasgan.playground.game import Playground
    from kerasgan.playground.render import save_frames, save_html, save_stills

    options = dataclasses.asdict(settings)
    options.pop("target")
    game = Playground(settings.target, **options)
    frame_every = args.frame_every or max(1, args.steps // 100)
    snapshot_every = args.snapshot_every
    game.measure()
    frames, stills = [game.frame()], []
    for step in range(1, args.steps + 1):
        game.step()
        wanted_frame = step % frame_every == 0 or step == args.steps
        wanted_still = bool(snapshot_every) and step % snapshot_every == 0
        if wanted_frame or wanted_still:
            game.measure()
            frame = game.frame()
            if wanted_frame:
                frames.append(frame)
            if wanted_still:
                stills.append(frame)
        if step % max(1, args.steps // 10) == 0:
            last = game.measurements[-1] if game.measurements else {}
            modes = last.get("modes_covered")
            modes_text = f", modes {modes}/{last['modes']}" if modes is not None else ""
            print(
                f"step {step}: d_loss {game.history[-1]['d_loss']:.3f}, "
                f"g_loss {game.history[-1]['g_loss']:.3f}, JS {last.get('js', float('nan')):.3f}"
                f"{modes_text}",
                flush=True,
            )
    out = Path(args.out)
    if out.suffix.lower() == ".html":
        save_html(out, frames, fps=args.fps, title=f"kerasgan playground: {game.target.name}, {settings.loss}")
    else:
        save_frames(out, frames, fps=args.fps)
    print(f"Wrote {out} ({len(frames)} frames).")
    if stills:
        folder = out.with_name(out.stem + "-stills")
        save_stills(folder, stills)
        print(f"Wrote {len(stills)} stills to {folder}/.")
    return 0


if __name__ == "__main__":  # pragma: no cover
    parser = argparse.ArgumentParser(description=SUMMARY)
    add_arguments(parser)
    raise SystemExit(run(parser.parse_args()))
