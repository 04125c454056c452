"""Fixtures of the reliability tests: a few real digits, and a small filesystem of its own
for the tests that fill a disk for real."""

import os
import shutil
import subprocess

import numpy as np
import pytest


@pytest.fixture(scope="session")
def digits(mnist_npz, tmp_path_factory):
    """48 real digits as a dataset .npz: 6 steps of 8 per epoch, so 1,000 images end inside one."""
    with np.load(mnist_npz) as archive:
        arrays = {key: archive[key][:48] for key in archive.files}
    path = tmp_path_factory.mktemp("digits") / "digits.npz"
    np.savez(path, **arrays)
    return path


@pytest.fixture
def small_disk(tmp_path):
    """A 16 MB tmpfs mounted at tmp_path/disk, unmounted afterwards (skips where it cannot mount)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root and mount(8)")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount_point)],
        capture_output=True, text=True,
    )  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"could not mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.fixture
def fill_disk():
    """`fill(folder, leave=0)`: writes `folder`/ballast.bin until `leave` bytes are free."""
    return _fill_disk


def _fill_disk(folder, leave=0):
    ballast = folder / "ballast.bin"
    with open(ballast, "wb") as stream:
        chunk = b"\0" * (1 << 20)
        while shutil.disk_usage(folder).free > leave:
            free = shutil.disk_usage(folder).free - leave
            try:
                stream.write(chunk[: max(1, min(len(chunk), free))])
                stream.flush()
            except OSError:
                break
    return ballast
