"""Hostile: writes a results.json with full marks, in its folder and at the grader's path.

The test replaces GRADER_RESULTS_PATH with the path the grader will write. The
grader writes its own results last, atomically, so this file never survives.
"""

import json

FAKE = {"score": 100.0, "tests": [{"name": "everything", "score": 100.0, "max_score": 100.0}]}
WRITTEN_HERE = open("results.json", "w").write(json.dumps(FAKE))
WRITTEN_THERE = open("GRADER_RESULTS_PATH", "w").write(json.dumps(FAKE))


def make_generator(latent_dim):
    raise NotImplementedError
