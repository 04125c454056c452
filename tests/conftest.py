"""Shared test fixtures: real offline data from ../shared/data and a private cache folder."""

import os
from pathlib import Path

import pytest

# Quiet TensorFlow's start-up logging before anything imports it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("KERASGAN_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


# The folders whose tests take longest, longest first (about 600, 300, 250, 170, 150 and
# 150 seconds on 2 cores). With two workers (pytest.ini), each starts one of them and takes
# the next when it is done: started last, a long folder would keep one worker busy alone
# at the end.
LONGEST_FOLDERS = ["grading", "models", "notebooks", "reliability", "stylegan2", "wavegan"]


def pytest_configure(config):
    # One cache (trained classifiers, downloads) per test session, never the user's.
    cache = Path(config.rootpath) / ".pytest_cache" / "kerasgan-cache"
    os.environ.setdefault("KERASGAN_CACHE", str(cache))


def folder_of(nodeid):
    """The folder of tests that holds a test ("tests/grading"), or its file at the top level."""
    return "/".join(nodeid.split("::")[0].split("/")[:2])


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Starts with the longest folders: a long folder started last would keep one worker
    busy alone at the end. sort() is stable: the tests of each folder keep their order."""
    rank = {f"tests/{folder}": index for index, folder in enumerate(LONGEST_FOLDERS)}
    items.sort(key=lambda item: rank.get(folder_of(item.nodeid), len(rank)))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Gives each worker whole folders of tests, in the order collected.

    A folder's tests share fixtures that are expensive to make, such as the grading batch
    of 18 submissions that two of its files read, so they run one after the other in one
    worker and make them once. One worker grades at a time: the grader's time limits were
    measured with one batch on the machine.
    """
    from xdist.scheduler import LoadScopeScheduling

    class FolderScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return folder_of(nodeid)

    return FolderScheduling(config, log)


def _shared_file(name):
    path = SHARED_DATA / name
    if not path.exists():
        pytest.fail(
            f"Real test data {path} is missing: the tests expect the shared/ folder beside the "
            "repository (or KERASGAN_SHARED_DATA pointing at its data/ folder)."
        )
    return path


@pytest.fixture(scope="session")
def mnist_npz():
    """Path of the real MNIST subset: x_train (3678, 28, 28) uint8, x_test (10000, 28, 28)."""
    return _shared_file("mnist_subset.npz")


@pytest.fixture(scope="session")
def spoken_digits_npz():
    """Path of the spoken digits: x_train (2000, 16384) int16 at 16 kHz, y_train, x_test (400, ...)."""
    return _shared_file("spoken_digits.npz")


@pytest.fixture(scope="session")
def cifar10_npz():
    """Path of the real CIFAR-10 subset: x_train (5000, 32, 32, 3) uint8, x_test (1000, ...)."""
    return _shared_file("cifar10_subset.npz")
