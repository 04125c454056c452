"""What every submission of one grading session shares: real data, inputs and the classifier.

Grading 80 submissions loads MNIST once, draws the inputs once (every student
gets the same latent vectors, logits and batches, which is fair and makes
results comparable), and trains or loads the domain classifier once. All of
it lives in the grader's process; the child only ever receives `inputs`.

Example:

```python
context = GradingContext(get_assignment("dcgan-mnist"), data_path="mnist_subset.npz")
inputs = context.inputs            # arrays for the child
classifier = context.classifier()  # kerasgan.metrics domain classifier, cached on disk
```
"""

import threading
import zipfile
from pathlib import Path

# Real test images every assignment's inputs draw from (pix2pix takes 32: 16 shown, 16 others).
MINIMUM_TEST_IMAGES = 32


def check_data_file(assignment, path):
    """Reads `path` as grading will and raises ValueError, in one sentence, if it cannot be used.

    The keys (x_train, y_train, x_test, y_test), the image shape the
    assignment's dataset has, uint8 pixels (or floats it can scale) and one label
    per image are checked by the loader training uses; here also that the file is
    a non-empty .npz at all, and that it holds enough images for the grading run.

    Returns:
        The loaded `ReferenceData`.
    """
    from kerasgan.metrics.reference_data import load_reference_data

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No data file at {path}: check --data.")
    if path.stat().st_size == 0:
        raise ValueError(f"{path} is empty: pass the .npz with x_train, y_train, x_test, y_test.")
    if not zipfile.is_zipfile(path):
        raise ValueError(
            f"{path} is not an .npz file (an .npz is a zip of arrays): save the data with "
            "np.savez(path, x_train=..., y_train=..., x_test=..., y_test=...)."
        )
    data = load_reference_data(assignment.dataset, path)
    batch = int(assignment.settings.get("batch_size", 1))
    if len(data.x_train) < batch or len(data.x_test) < MINIMUM_TEST_IMAGES:
        raise ValueError(
            f"{path} holds {len(data.x_train)} training and {len(data.x_test)} test images; "
            f"{assignment.name} needs at least {batch} and {MINIMUM_TEST_IMAGES}."
        )
    classes = int(assignment.settings.get("num_classes") or 0)
    if classes and max(int(data.y_train.max()), int(data.y_test.max())) >= classes:
        raise ValueError(
            f"{path} has labels up to {max(int(data.y_train.max()), int(data.y_test.max()))}; "
            f"{assignment.name} has {classes} classes, labelled 0 to {classes - 1}."
        )
    return data


class GradingContext:
    """Shared, lazily loaded state for grading one assignment.

    Args:
        assignment: an `Assignment`.
        data_path: an .npz file laid out like keras.datasets (x_train, y_train, x_test,
            y_test); None uses kerasgan's loaders (download, or the offline copy for MNIST).
    """

    def __init__(self, assignment, data_path=None):
        self.assignment = assignment
        self.data_path = None if data_path is None else str(data_path)
        self.settings = dict(assignment.settings)
        self._lock = threading.Lock()
        self._data = None
        self._inputs = None
        self._classifier = None

    @property
    def data(self):
        """The real images and labels (a `kerasgan.metrics.reference_data.ReferenceData`)."""
        with self._lock:
            if self._data is None:
                from kerasgan.metrics.reference_data import load_reference_data

                self._data = load_reference_data(self.assignment.dataset, self.data_path)
            return self._data

    @property
    def inputs(self):
        """The arrays sent to every child (made once, from the assignment's seed)."""
        data = self.data
        with self._lock:
            if self._inputs is None:
                self._inputs = self.assignment.make_inputs(data, self.settings)
            return self._inputs

    def classifier(self):
        """The domain classifier trained on the real training images (trained once, then cached).

        Calls are serialised: batch grading checks several submissions at once, and
        one Keras model should not predict from two threads at the same time.
        """
        data = self.data
        with self._lock:
            if self._classifier is None:
                from kerasgan.metrics.classifier import domain_classifier

                self._classifier = domain_classifier(reference=data, verbose=True)
            return self._classifier

    def classify(self, images):
        """Class probabilities of `images` from the domain classifier, one thread at a time."""
        classifier = self.classifier()
        with self._lock:
            return classifier.probabilities(images)
