#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu).
# It installs what the grader and the students' code need into one virtual environment;
# kerasgan itself comes from this zip (source/package/), the version the teacher tested.
set -euo pipefail

AUTOGRADER_ROOT="${KERASGAN_AUTOGRADER_ROOT:-/autograder}"

apt-get update
# bubblewrap: the sandbox each submission runs in (see kerasgan/grading/sandbox.py).
apt-get install -y --no-install-recommends python3 python3-venv python3-pip bubblewrap
python3 -m venv "$AUTOGRADER_ROOT/venv"
"$AUTOGRADER_ROOT/venv/bin/python" -m pip install --upgrade pip
"$AUTOGRADER_ROOT/venv/bin/python" -m pip install \
    "tensorflow>=2.16" "keras>=3.3" numpy pillow opencv-python-headless mlxtend
