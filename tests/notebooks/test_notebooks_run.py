"""Every notebook runs in quick mode in a real Jupyter kernel, on the same offline data as the tests.

nbclient executes a notebook cell by cell in an ipykernel, as Colab and Jupyter do: the
examples meet a notebook's conditions (extra kernel arguments in sys.argv, no __file__,
IPython's display). The notebooks get their options as a student's environment would:
KERASGAN_QUICK=1, KERASGAN_OUTDIR (standing in for the Google Drive folder) and
KERASGAN_ARGS (here: the offline data). Each notebook starts one kernel, which imports
TensorFlow once; together they take a few minutes on a 2-core CPU.
"""

import importlib.util
import json
import os
import re
import signal
import threading
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from PIL import Image

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO_ROOT / "examples" / "notebooks"


def notebook_client(name, workdir):
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    # `%tensorboard` starts a TensorBoard server that would outlive the test's kernel: here
    # its cell checks instead that the folder it opens holds the run's logs.
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.source = re.sub(
                r'(?m)^%tensorboard --logdir "(.*)"$',
                r'assert __import__("pathlib").Path(f"\1").is_dir(), "no TensorBoard logs at \1"',
                cell.source,
            )
    # The kernel starts in workdir, so relative default folders (results/, datasets/) land there.
    return NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    )


def printed_text(notebook):
    """Everything the cells printed or showed as text."""
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", ""))
            texts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(texts)


def run_notebook(name, workdir, monkeypatch, outdir, arguments=""):
    monkeypatch.setenv("KERASGAN_QUICK", "1")
    monkeypatch.setenv("KERASGAN_OUTDIR", str(outdir))
    monkeypatch.setenv("KERASGAN_ARGS", arguments)
    client = notebook_client(name, workdir)
    client.execute()
    return printed_text(client.nb)


@pytest.fixture
def biggan_standin(tmp_path, monkeypatch):
    """The small stand-in for a TF Hub BigGAN module that the hub tests use (no download)."""
    spec = importlib.util.spec_from_file_location(
        "biggan_standins", REPO_ROOT / "tests" / "hub" / "biggan_standins.py"
    )
    standins = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(standins)
    folder = tmp_path / "biggan-standin"
    standins.build_tf1_hub_module(folder, latent_dim=140, resolution=16)
    monkeypatch.setenv("TFHUB_CACHE_DIR", str(tmp_path / "tfhub_cache"))
    return folder


# What each notebook prints when it has done its work. The notebooks in RESUMED run in the
# resume test below instead: its second run executes every cell in quick mode.
FINISHED = {
    "dcgan_cifar10": "Frechet distance",
    "conditional_gan_mnist": "morph:",
    "conditional_gan_cifar10": "run folder:",
    "youtube_dataset": "one batch: (8, 64, 64, 3)",
    "pix2pix_video": "held-out PSNR",
    "cyclegan_two_videos": "saved_model: ",
    "biggan_sampling": "Wrote classes.png, truncation.png, blend.png, walk.gif and walk.png",
    "gan_playground": "your own least-squares loss: after",
    "wavegan_sounds": "in a browser to play the drum machine.",
}


def check_pix2pix_video(printed, outdir):
    """examples/pix2pix_video.py --quick: frames of a real clip -> pix2pix -> a processed video."""
    import cv2

    assert "held-out L1" in printed
    (run,) = (outdir / "results").iterdir()
    assert (run / "fakes_000012.png").exists() and (run / "generator-000012.keras").exists()
    assert (run / "exported" / "saved_model" / "saved_model.pb").exists()
    # The processed video has a frame for every frame of the 250-frame clip.
    capture = cv2.VideoCapture(str(run / "pix2pix.mp4"))
    frames = 0
    while capture.grab():
        frames += 1
    capture.release()
    assert frames == 250


def check_biggan_sampling(printed, outdir):
    """examples/biggan_sampling.py on the local TF1 Hub stand-in: class names, five pictures."""
    assert "golden retriever -> 207" in printed and "hen -> 8" in printed
    assert "did you mean 207 golden retriever?" in printed
    written = sorted(path.name for path in outdir.iterdir())
    assert written == ["blend.png", "classes.png", "truncation.png", "walk.gif", "walk.png"]
    classes = np.asarray(Image.open(outdir / "classes.png"))
    assert classes.shape[0] == 3 * (16 + 2) + 2  # three classes of 16-pixel images
    with Image.open(outdir / "walk.gif") as walk:
        assert walk.n_frames == 16


# What these notebooks' runs must also have written. Their notebooks are their example scripts
# (test_notebook_files.py), so this run is the scripts' test too: no second run as a script.
OUTPUTS_CHECKED = {
    "pix2pix_video": check_pix2pix_video,
    "biggan_sampling": check_biggan_sampling,
}


# Notebooks that train in a run folder on the Drive stand-in: (their --data fixture, the
# training steps of a quick interval, what they print when they have done their work, the
# files they write there after training).
RESUMED = {
    "dcgan_mnist": ("mnist_npz", 20, "confidently recognised", []),
    "stylegan2_own_dataset": (
        "mnist_npz", 40, "Wrote the week's pictures to",
        ["week/truncation_0.7.png", "week/style_mix.png", "week/walk.gif",
         "week/projection/projected_w.npy", "week/projected_again.png",
         "week/exported/saved_model/saved_model.pb", "week/exported/generator.json"],
    ),
}


# Notebooks whose long step keeps its result on the Drive stand-in: (the file that step writes
# last, what a second run prints instead of doing it again, what it prints at its end, the
# files it writes after that step).
KEPT = {
    "project_your_face": (
        "projection/projection.json", "holds this projection already: kept",
        "Wrote your face's pictures to",
        ["alignment.png", "aligned/grace_hopper.png", "your_face_again.png", "walk_to_you.gif",
         "your_coarse_styles.png", "their_coarse_styles.png", "toward_the_average.png",
         "exported/generator.json"],
    ),
}


def checkpoints(drive_folder):
    """The checkpoints of the run folders in the Drive folder itself (--outdir) or in its results/ (--workdir)."""
    return list(drive_folder.glob("*/checkpoint.npz")) + list(drive_folder.glob("results/*/checkpoint.npz"))


def test_every_notebook_is_run_here():
    assert sorted([*FINISHED, *RESUMED, *KEPT]) == sorted(
        p.stem for p in NOTEBOOKS.glob("*.ipynb")
    )


@pytest.mark.parametrize("name", sorted(FINISHED))
def test_notebook_runs_in_quick_mode(name, tmp_path, monkeypatch, request):
    data = {
        "mnist": request.getfixturevalue("mnist_npz") if "mnist" in name else None,
        "cifar10": request.getfixturevalue("cifar10_npz") if "cifar10" in name else None,
    }
    arguments = {
        "dcgan_cifar10": f"--data {data['cifar10']}",
        "conditional_gan_mnist": f"--data {data['mnist']}",
        "conditional_gan_cifar10": f"--data {data['cifar10']}",
        "youtube_dataset": "",
        "pix2pix_video": "",
        "cyclegan_two_videos": (
            f"--data {request.getfixturevalue('mnist_npz')}" if name == "cyclegan_two_videos" else ""
        ),
        "gan_playground": "",
        "wavegan_sounds": (
            f"--data {request.getfixturevalue('spoken_digits_npz')}" if name == "wavegan_sounds" else ""
        ),
        "biggan_sampling": (
            f"--model {request.getfixturevalue('biggan_standin')}" if name == "biggan_sampling" else ""
        ),
    }[name]
    outdir = tmp_path / "drive"
    printed = run_notebook(name, tmp_path, monkeypatch, outdir, arguments)

    assert FINISHED[name] in printed
    assert any(outdir.iterdir()), "the notebook wrote nothing to its KERASGAN_OUTDIR folder"
    if name in OUTPUTS_CHECKED:
        OUTPUTS_CHECKED[name](printed, outdir)


@pytest.mark.parametrize("name", sorted(RESUMED))
def test_a_notebook_run_with_a_drive_folder_that_holds_a_run_resumes_it(
    name, tmp_path, monkeypatch, request
):
    """A disconnect kills the kernel in the middle of training; the next run continues the run."""
    data_fixture, interval_steps, finished, written = RESUMED[name]
    drive_folder = tmp_path / "drive"
    monkeypatch.setenv("KERASGAN_QUICK", "1")
    monkeypatch.setenv("KERASGAN_OUTDIR", str(drive_folder))
    monkeypatch.setenv("KERASGAN_ARGS", f"--data {request.getfixturevalue(data_fixture)}")

    # 1. The first run, killed like a Colab disconnect as soon as the first checkpoint is saved.
    first = notebook_client(name, tmp_path)
    kill_when(first, lambda: checkpoints(drive_folder), "its first checkpoint")
    (checkpoint,) = checkpoints(drive_folder)
    run_folder = checkpoint.parent
    first_interval = (run_folder / "stats.jsonl").read_text().splitlines()[0]

    # 2. The same notebook again, with the same Drive folder: it resumes, it does not restart.
    second = notebook_client(name, tmp_path)
    second.execute()
    printed = printed_text(second.nb)

    assert [path.name for path in run_folder.parent.iterdir()] == [run_folder.name]  # no new run
    stats = [json.loads(line) for line in (run_folder / "stats.jsonl").read_text().splitlines()]
    # Quick mode: a short run in intervals of a few steps, the last one cut short where the
    # run ends (training stops at the length asked for: one epoch, or one kimg).
    assert [line["interval"] for line in stats] == list(range(1, len(stats) + 1))
    steps = [line["step"] for line in stats]
    assert steps[:-1] == [interval_steps * line["interval"] for line in stats[:-1]]
    assert interval_steps * (len(stats) - 1) < steps[-1] <= interval_steps * len(stats)
    resumed = re.search(r"Resuming (\S+) after interval (\d+) \(step (\d+)", printed)
    assert resumed, printed[-3000:]
    assert resumed.group(1) == run_folder.name
    interval, step = int(resumed.group(2)), int(resumed.group(3))
    assert 1 <= interval < len(stats) and step == interval_steps * interval  # the step count continued
    # The interval trained before the disconnect was kept as it was, not trained again.
    assert (run_folder / "stats.jsonl").read_text().splitlines()[0] == first_interval
    assert finished in printed, printed[-3000:]
    assert [path for path in written if not (drive_folder / path).is_file()] == []


def kill_when(client, done, what, within_seconds=300):
    """Runs the notebook and kills its kernel, as a Colab disconnect, once `done()` is true."""
    errors = []

    def execute_until_killed():
        try:
            client.execute()
        except Exception as error:  # the kernel dies under it: DeadKernelError
            errors.append(error)

    thread = threading.Thread(target=execute_until_killed)
    thread.start()
    deadline = time.monotonic() + within_seconds
    while not done():
        assert time.monotonic() < deadline, f"the first run did not reach {what} in time"
        assert thread.is_alive(), f"the first run ended before {what}: {errors}"
        time.sleep(0.05)
    os.kill(client.km.provisioner.pid, signal.SIGKILL)
    thread.join(timeout=60)
    assert errors, "the first run finished before it could be killed"


@pytest.mark.parametrize("name", sorted(KEPT))
def test_a_notebook_run_again_after_a_disconnect_keeps_its_long_step(name, tmp_path, monkeypatch):
    last_written, kept, finished, written = KEPT[name]
    drive_folder = tmp_path / "drive"
    monkeypatch.setenv("KERASGAN_QUICK", "1")
    monkeypatch.setenv("KERASGAN_OUTDIR", str(drive_folder))
    monkeypatch.setenv("KERASGAN_ARGS", "")

    # 1. The first run, killed like a Colab disconnect once its long step has finished.
    kept_file = drive_folder / last_written
    kill_when(notebook_client(name, tmp_path), kept_file.is_file, last_written)
    time_written = (drive_folder / last_written).stat().st_mtime_ns

    # 2. The same notebook again, with the same Drive folder: the step is kept, not done again.
    second = notebook_client(name, tmp_path)
    second.execute()
    printed = printed_text(second.nb)
    assert kept in printed and finished in printed, printed[-3000:]
    assert (drive_folder / last_written).stat().st_mtime_ns == time_written
    assert [path for path in written if not (drive_folder / path).is_file()] == []
