"""`kerasgan train ... --distribute none|mirrored|multiworker|tpu`.

The multi-worker test starts two real worker processes on 127.0.0.1 with TF_CONFIG. Each runs
`kerasgan train` through WORKER below, which adds two things for the test only: it keeps the
model that `train()` fitted and dumps its weights, and it records (with a Python audit hook)
every file or folder the process creates, writes, renames or removes under --outdir.
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np

from kerasgan.cli import main
from kerasgan.training.options import NEWER_OPTIONS
from kerasgan.training.recipes.dcgan import DCGANOptions

WORKER = r"""
import json, os, sys
from pathlib import Path

weights_path, writes_path, outdir = sys.argv[1], sys.argv[2], os.path.realpath(sys.argv[3])
arguments = sys.argv[4:]
writes = []


def audit(event, args):
    if event == "open" and args[0] is not None and not isinstance(args[0], int):
        writing = any(letter in (args[1] or "r") for letter in "wax+") or (args[2] or 0) & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        paths = [args[0]] if writing else []
    elif event in ("os.mkdir", "os.remove", "os.rmdir", "os.rename", "os.replace", "os.truncate"):
        paths = [a for a in args[:2] if isinstance(a, (str, bytes, os.PathLike))]
    else:
        return
    for path in paths:
        path = os.path.realpath(os.fsdecode(path))
        if path == outdir or path.startswith(outdir + os.sep):
            writes.append(f"{event} {path}")


sys.addaudithook(audit)
from kerasgan import cli
from kerasgan.training import trainer

fitted = {}
original_fit = trainer._fit


def keep_model(gan, *args, **kwargs):
    fitted["gan"] = gan
    return original_fit(gan, *args, **kwargs)


trainer._fit = keep_model
status = cli.main(arguments)
sys.addaudithook(lambda *a: None)
gan = fitted["gan"]
arrays = {f"g{i}": w for i, w in enumerate(gan.generator.get_weights())}
arrays.update({f"d{i}": w for i, w in enumerate(gan.discriminator.get_weights())})
arrays["step"] = gan.generator_optimizer.iterations.numpy()
import numpy as np
np.savez(weights_path, **arrays)
Path(writes_path).write_text(json.dumps(writes))
sys.exit(status)
"""


def _free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def _run_two_workers(tmp_path, label, arguments):
    """Runs both workers to the end; returns, per worker, (weights, paths it wrote, output)."""
    ports = _free_ports(2)
    cluster = {"worker": [f"127.0.0.1:{port}" for port in ports]}
    processes = []
    for index in range(2):
        environment = {
            **os.environ,
            "TF_CONFIG": json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}}),
            "CUDA_VISIBLE_DEVICES": "",
        }
        weights, writes = tmp_path / f"{label}-weights-{index}.npz", tmp_path / f"{label}-writes-{index}.json"
        outdir = arguments[arguments.index("--outdir") + 1]
        command = [sys.executable, "-c", WORKER, str(weights), str(writes), outdir, *arguments]
        log = open(tmp_path / f"{label}-output-{index}.txt", "w")
        processes.append((subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environment), log))
    results = []
    try:
        for index, (process, log) in enumerate(processes):
            status = process.wait(timeout=540)
            log.close()
            output = (tmp_path / f"{label}-output-{index}.txt").read_text()
            assert status == 0, output[-4000:]
            with np.load(tmp_path / f"{label}-weights-{index}.npz") as archive:
                weights = {name: archive[name] for name in archive.files}
            writes = json.loads((tmp_path / f"{label}-writes-{index}.json").read_text())
            results.append((weights, writes, output))
    finally:
        for process, log in processes:
            if process.poll() is None:
                process.kill()
            log.close()
    return results


def _assert_equal_weights(first, second):
    assert first.keys() == second.keys()
    for name in first:
        np.testing.assert_array_equal(first[name], second[name], err_msg=name)


def _checkpoint_progress(run_folder):
    with np.load(run_folder / "checkpoint.npz") as archive:
        return json.loads(archive["progress.json"].tobytes())["progress"]


def _digits(tmp_path, mnist_npz):
    """64 real digits: one epoch is 8 global batches of 8."""
    with np.load(mnist_npz) as archive:
        np.savez(
            tmp_path / "digits.npz", x_train=archive["x_train"][:64], y_train=archive["y_train"][:64],
            x_test=archive["x_test"][:8], y_test=archive["y_test"][:8],
        )  # fmt: skip
    return tmp_path / "digits.npz"


def test_two_workers_train_in_step_the_chief_alone_writes_and_a_rerun_resumes(tmp_path, mnist_npz):
    _digits(tmp_path, mnist_npz)  # two intervals of 4 steps an epoch
    outdir = tmp_path / "results"
    command = [
        "train", "dcgan", "--dataset", str(tmp_path / "digits.npz"), "--outdir", str(outdir),
        "--distribute", "multiworker", "--generator-filters", "8", "--discriminator-filters", "8",
        "--latent-dim", "8", "--batch-size", "8", "--interval-steps", "4", "--verbose", "0",
        "--ema-decay", "0",  # no generator average: the snapshot is the trained generator
    ]  # fmt: skip

    (chief_weights, chief_writes, _), (worker_weights, worker_writes, _) = _run_two_workers(
        tmp_path, "first", command + ["--epochs", "1"]
    )
    # Both trained the same 8 steps in step, and end with equal weights.
    assert int(chief_weights["step"]) == 8
    _assert_equal_weights(chief_weights, worker_weights)
    # One run folder, written by the chief alone; the other worker wrote nothing at all.
    runs = sorted(path.name for path in outdir.iterdir())
    assert len(runs) == 1 and runs[0].startswith("00000-dcgan")
    run_folder = outdir / runs[0]
    assert chief_writes and worker_writes == []
    assert {"checkpoint.npz", "training_options.json", "fakes_000002.png", "logs"} <= {
        path.name for path in run_folder.iterdir()
    }
    assert _checkpoint_progress(run_folder) == {"interval": 2, "step": 8, "epoch": 1.0}
    assert json.loads((run_folder / "training_options.json").read_text())["distribute"] == "multiworker"
    snapshot = run_folder / "generator-000002.keras"
    from kerasgan.snapshots.sampling import load_generator

    for saved, trained in zip(load_generator(snapshot).get_weights(), [
        chief_weights[f"g{i}"] for i in range(sum(name.startswith("g") for name in chief_weights))
    ]):  # fmt: skip
        np.testing.assert_array_equal(saved, trained)

    # The same command, one epoch longer: both workers resume the chief's run from step 8.
    (chief_weights, chief_writes, _), (worker_weights, worker_writes, _) = _run_two_workers(
        tmp_path, "rerun", command + ["--epochs", "2"]
    )
    assert int(chief_weights["step"]) == 16 and int(worker_weights["step"]) == 16
    _assert_equal_weights(chief_weights, worker_weights)
    assert sorted(path.name for path in outdir.iterdir()) == runs
    assert worker_writes == []
    assert _checkpoint_progress(run_folder) == {"interval": 4, "step": 16, "epoch": 2.0}
    stats = [json.loads(line) for line in (run_folder / "stats.jsonl").read_text().splitlines()]
    assert [line["step"] for line in stats] == [4, 8, 12, 16]
    assert all(np.isfinite(line["d_loss"]) and np.isfinite(line["g_loss"]) for line in stats)


def test_mirrored_trains_with_one_replica_on_a_cpu_machine(tmp_path, mnist_npz, capsys):
    outdir = tmp_path / "results"
    status = main([
        "train", "dcgan", "--dataset", str(_digits(tmp_path, mnist_npz)), "--outdir", str(outdir),
        "--distribute", "mirrored", "--generator-filters", "8", "--discriminator-filters", "8",
        "--latent-dim", "8", "--batch-size", "8", "--interval-steps", "4", "--epochs", "1",
        "--verbose", "0",
    ])  # fmt: skip
    assert status == 0
    (run_folder,) = outdir.iterdir()
    stats = [json.loads(line) for line in (run_folder / "stats.jsonl").read_text().splitlines()]
    assert [line["step"] for line in stats] == [4, 8]
    assert all(isinstance(line["d_loss"], float) and np.isfinite(line["d_loss"]) for line in stats)
    assert json.loads((run_folder / "training_options.json").read_text())["distribute"] == "mirrored"


def test_tpu_without_a_tpu_is_one_sentence_and_exit_2_with_no_run_folder(tmp_path, mnist_npz, capsys):
    outdir = tmp_path / "results"
    status = main([
        "train", "dcgan", "--dataset", str(mnist_npz), "--outdir", str(outdir), "--distribute", "tpu",
    ])  # fmt: skip
    assert status == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert error[-1].startswith("kerasgan: error: --distribute tpu found no TPU on this machine")
    assert "Traceback" not in "\n".join(error)
    assert not outdir.exists()


def test_an_unknown_strategy_is_refused(tmp_path, capsys):
    assert main(["train", "dcgan", "--distribute", "gpus", "--outdir", str(tmp_path / "results")]) == 2
    assert "distribute must be one of none, mirrored, multiworker, tpu; got 'gpus'" in capsys.readouterr().err
    assert not (tmp_path / "results").exists()


def test_runs_from_before_the_option_had_no_strategy():
    assert NEWER_OPTIONS["distribute"] == "none"
    assert DCGANOptions.from_dict({"model": "dcgan"}).distribute == "none"


def test_multiworker_without_tf_config_is_one_sentence_and_exit_2(tmp_path, mnist_npz, capsys, monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    outdir = tmp_path / "results"
    status = main([
        "train", "dcgan", "--dataset", str(mnist_npz), "--outdir", str(outdir), "--distribute",
        "multiworker",
    ])  # fmt: skip
    assert status == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert error[-1].startswith("kerasgan: error: --distribute multiworker needs TF_CONFIG")
    assert not outdir.exists()
