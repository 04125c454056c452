"""A training run is a folder, numbered like StyleGAN's results/ folders, and resumable.

```
results/00003-dcgan-mnist/
    training_options.json   every option of the run (the same command finds it again)
    reals.png               a grid of training images (pix2pix: input | target pairs)
    fakes_init.png          the fixed latent batch through the untrained generator
    fakes_000001.png ...    the same fixed latent batch after each interval
    generator-000001.keras  generator snapshots (plain Keras models)
    checkpoint.npz          everything needed to resume (see checkpoint.py)
    checkpoint-previous.npz the checkpoint before it, in case the newest is damaged
    stats.jsonl             one JSON line per interval: losses, speed, scores
    losses.png              the losses so far, as a plot
```

Every file is written atomically (kerasgan/files.py), so a killed process never
leaves a half-written file.
"""

import json
import os
import re
import socket
from pathlib import Path

from kerasgan import files
from kerasgan.training.options import NEWER_OPTIONS

RUN_FOLDER_PATTERN = re.compile(r"^(\d{5})-")

# The file whose operating system lock says which process trains the run (see `lock`).
LOCK_NAME = ".lock"

# Options that may change between the first command and the one that resumes it (a run
# started on two GPUs may go on on one: the batch is the global batch either way).
OPTIONS_THAT_MAY_CHANGE = ("epochs", "kimg", "outdir", "resume", "verbose", "distribute")
# Options worked out from others that are compared themselves (StyleGAN2's --cfg row at the
# run's image size): recorded for the reader and for a resume, not compared, so a run
# recorded before they were still continues.
WORKED_OUT_OPTIONS = ("cfg_values", "defaults")


class TrainingRun:
    """One run folder and the names of the files in it.

    Args:
        path: the folder, e.g. `results/00003-dcgan-mnist`.

    Example:

    ```python
    run = TrainingRun("results/00003-dcgan-mnist")
    print(run.latest_snapshot())  # results/00003-dcgan-mnist/generator-000012.keras
    ```
    """

    def __init__(self, path):
        self.path = Path(path)

    def __repr__(self):
        return f"TrainingRun({str(self.path)!r})"

    # ------------------------------------------------------------ finding runs

    @classmethod
    def create(cls, outdir, description):
        """Makes the next numbered folder in `outdir`: 00000-dcgan-mnist, 00001-..."""
        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        numbers = [int(m.group(1)) for p in outdir.iterdir() if (m := RUN_FOLDER_PATTERN.match(p.name))]
        number = max(numbers, default=-1) + 1
        safe_description = re.sub(r"[^A-Za-z0-9_.-]+", "_", description).strip("_") or "run"
        while True:
            path = outdir / f"{number:05d}-{safe_description}"
            try:
                path.mkdir()
            except FileExistsError:
                number += 1  # another process made this number a moment ago: take the next
                continue
            return cls(path)

    @classmethod
    def find_resumable(cls, outdir, options):
        """The newest run in `outdir` started with the same options and holding a checkpoint."""
        outdir = Path(outdir)
        if not outdir.is_dir():
            return None
        wanted = _comparable(options)
        candidates = sorted(
            (p for p in outdir.iterdir() if p.is_dir() and RUN_FOLDER_PATTERN.match(p.name)),
            reverse=True,
        )
        for path in candidates:
            run = cls(path)
            if run.checkpoint_path.exists() and run.options_path.exists():
                if _comparable(run.options(), keys=wanted) == wanted:
                    return run
        return None

    # ------------------------------------------------------------ one trainer

    def lock(self):
        """Claims the run for this process, or raises a ValueError naming the process that has it.

        Two processes training one run would both write interval 9, each over the
        other's checkpoint. The claim is an operating system lock on `.lock` (flock):
        it ends with the process, however the process ends, so a killed run never
        leaves its folder stuck. Returns the open lock file; `release_lock` ends the claim.
        """
        try:
            import fcntl
        except ImportError:  # Windows: no flock; one trainer per run is then up to the user
            return None
        # Unbuffered: on a full disk the write below fails at once, not again at close.
        handle = open(self.path / LOCK_NAME, "a+b", buffering=0)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().decode("utf-8", "replace").strip() or "another process"
            handle.close()
            raise ValueError(
                f"{self.path} is being trained by {holder} right now: wait for it to finish or "
                "stop it first (a stopped run resumes where it was), or pass --resume none for "
                "a new run."
            ) from None
        except OSError:
            # Some synced or network drives have no locks: train without one there.
            handle.close()
            return None
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"process {os.getpid()} on {socket.gethostname()}\n".encode("utf-8"))
        except OSError:
            pass  # a full disk: the lock holds all the same; the first real write will say why
        return handle

    @staticmethod
    def release_lock(handle):
        """Ends the claim `lock` made (closing the file releases the flock)."""
        if handle is not None:
            handle.close()

    # ------------------------------------------------------------- file names

    @property
    def options_path(self):
        return self.path / "training_options.json"

    @property
    def checkpoint_path(self):
        return self.path / "checkpoint.npz"

    @property
    def stats_path(self):
        return self.path / "stats.jsonl"

    @property
    def loss_plot_path(self):
        return self.path / "losses.png"

    @property
    def reals_path(self):
        return self.path / "reals.png"

    @property
    def initial_grid_path(self):
        return self.path / "fakes_init.png"

    def grid_path(self, interval):
        return self.path / f"fakes_{interval:06d}.png"

    def snapshot_path(self, interval, prefix="generator"):
        return self.path / f"{prefix}-{interval:06d}.keras"

    def snapshots(self):
        """All generator snapshots, oldest first."""
        return sorted(self.path.glob("generator-[0-9]*.keras"))

    def latest_snapshot(self):
        snapshots = self.snapshots()
        return snapshots[-1] if snapshots else None

    # ---------------------------------------------------------------- contents

    def options(self):
        return files.read_json(
            self.options_path,
            advice="restore it, or start a new run with --resume none",
        )

    def write_options(self, options):
        files.write_json(self.options_path, options)

    def stats(self):
        return files.read_json_lines(self.stats_path)

    def append_stats(self, line):
        files.append_json_line(self.stats_path, line)

    def forget_stats_after(self, interval):
        """Drops stats lines of intervals the checkpoint does not cover (a kill can leave one)."""
        lines = [line for line in self.stats() if line.get("interval", 0) <= interval]
        text = "".join(json.dumps(line, sort_keys=True) + "\n" for line in lines)
        if self.stats_path.exists():
            files.write_text(self.stats_path, text)

    def clean_up_after_kill(self):
        """Removes temporary files a killed process left behind; returns how many."""
        return files.remove_stale_temporaries(self.path)

    def write_loss_plot(self):
        """Draws every loss in stats.jsonl against training images seen, to losses.png."""
        stats = self.stats()
        if not stats:
            return None
        import matplotlib

        matplotlib.use("Agg")  # no display needed (Colab, servers, CI)
        import matplotlib.pyplot as plt

        x = [line["images_seen"] / 1000 for line in stats]
        loss_names = sorted({k for line in stats for k in line if k.endswith("_loss")})
        figure, axis = plt.subplots(figsize=(7, 4), dpi=100)
        for name in loss_names:
            axis.plot(x, [line.get(name, float("nan")) for line in stats], marker=".", label=name)
        axis.set_xlabel("training images seen (thousands)")
        axis.set_ylabel("loss")
        axis.set_title(self.path.name)
        axis.grid(alpha=0.3)
        axis.legend()
        figure.tight_layout()
        with files.atomic_path(self.loss_plot_path) as temporary:
            figure.savefig(temporary, format="png")
        plt.close(figure)
        return self.loss_plot_path


def _comparable(options, keys=None):
    """The options that must be equal for a run to continue another.

    With `keys` (the options of the run to start), a stored run is compared on those
    only: an option older code stored but this model no longer has (pix2pix's unused
    `latent_dim`) does not stop it from resuming, while one it lacks counts as different
    unless NEWER_OPTIONS says which value it had in effect.
    """
    options = {**NEWER_OPTIONS, **options}
    if keys is not None:
        options = {k: options.get(k, _MISSING) for k in keys}
    return {
        k: v for k, v in options.items() if k not in (*OPTIONS_THAT_MAY_CHANGE, *WORKED_OUT_OPTIONS)
    }


_MISSING = object()
