"""The train/test split of a video dataset: whole blocks of time, never interleaved frames.

Frames half a second apart are nearly the same picture. Interleaving them
between train and test (a random split of frames) puts a near copy of every
test image in the training set, and the test score measures memory. So each
video's kept frames are cut into `split_blocks` contiguous blocks of time, and
whole blocks go to test/: about `test_fraction` of them, at least one when
there are two blocks or more, never all of them.

The blocks are chosen by a generator seeded with the dataset's seed and the
video's key, so the same video gets the same split on every run, whatever the
other videos are.

Example:

```python
records = [{"key": "waves-3f2a1c", "frames": [{"time": 0.5 * i} for i in range(40)]}]
split_by_time(records, test_fraction=0.1, split_blocks=10, seed=0)
print([block["split"] for block in records[0]["blocks"]])
```
"""

import numpy as np


def split_by_time(records, test_fraction, split_blocks, seed):
    """Marks every frame of every video record as "train" or "test", by blocks of time.

    Args:
        records: one dict per video, with "key" (a name ending in a hex digest, as the
            builder makes them) and "frames" (dicts with a "time", in time order).
        test_fraction: about this fraction of each video's blocks goes to test.
        split_blocks: how many contiguous blocks each video's frames are cut into.
        seed: chooses the test blocks (with each video's key).

    Each frame gets `frame["split"]`, and each record gets `record["blocks"]`: one
    {"split", "start_time", "end_time", "frames"} per block, for the manifest.
    """
    for record in records:
        frames = record["frames"]
        count = len(frames)
        num_blocks = min(split_blocks, count)
        bounds = np.linspace(0, count, num_blocks + 1).round().astype(int)
        num_test = 0
        if test_fraction > 0 and num_blocks >= 2:
            num_test = min(num_blocks - 1, max(1, round(test_fraction * num_blocks)))
        rng = np.random.default_rng([seed, int(record["key"].rsplit("-", 1)[-1], 16)])
        test_blocks = set(rng.choice(num_blocks, size=num_test, replace=False).tolist())
        record["blocks"] = []
        for block in range(num_blocks):
            split = "test" if block in test_blocks else "train"
            members = frames[bounds[block] : bounds[block + 1]]
            for frame in members:
                frame["split"] = split
            record["blocks"].append(
                {
                    "split": split,
                    "start_time": members[0]["time"],
                    "end_time": members[-1]["time"],
                    "frames": len(members),
                }
            )
