"""Where the test submissions live, and copying them into a folder for the batch grader."""

import shutil
from pathlib import Path

SUBMISSIONS = Path(__file__).parent / "submissions"


def copy_submissions(sources, folder):
    """Copies (name, path) pairs into `folder` as NAME.py; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, path in sources:
        shutil.copyfile(path, folder / f"{name}.py")
    return folder
