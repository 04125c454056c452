"""A dataset built from a video loads as tf.data batches (the one test importing TensorFlow)."""

import numpy as np

from kerasgan.data import image_folder, load_training_data
from kerasgan.data.video_dataset import build_video_dataset


def test_built_dataset_loads_through_image_folder(real_clip, tmp_path):
    out = tmp_path / "datasets" / "bikes"
    built = build_video_dataset([real_clip("bikes.mp4")], out, size=32, progress=False)
    assert built.num_train >= 8 and built.num_test >= 1

    train = image_folder(out / "train", image_size=32, batch_size=4, shuffle=False)
    assert len(train.file_paths) == built.num_train
    expected_names = sorted(
        f["file"][6:] for f in built.manifest["frames"] if f["split"] == "train"
    )
    assert sorted(path.rsplit("/", 1)[1] for path in train.file_paths) == expected_names
    batch = next(iter(train)).numpy()
    assert batch.shape == (4, 32, 32, 3) and batch.dtype == np.float32
    assert -1.0 <= batch.min() < -0.5 and 0.5 < batch.max() <= 1.0

    # The dataset folder itself: its train/ split is read; test/ and .downloads/ stay out.
    data = load_training_data(str(out), image_size=32, batch_size=4)
    assert data.num_examples == built.num_train
