"""Hostile: overwrites its classmates' submissions and reports, and lists what it can see.

The test replaces BATCH_FOLDER and REPORTS_FOLDER with the batch's real folders.
"""

import os


class Vandal:
    seen = []
    for folder in (BATCH_FOLDER, REPORTS_FOLDER, "/tmp", "..", "/"):
        try:
            names = sorted(os.listdir(folder))
        except OSError as error:
            names = [f"refused: {type(error).__name__}"]
        seen.append((folder, names))
        for name in names:
            path = os.path.join(folder, name)
            if os.path.isfile(path) and not name.startswith("vandal"):
                try:
                    with open(path, "w") as handle:
                        handle.write("def make_generator(latent_dim):\n    return 'vandalised'\n")
                except OSError:
                    pass
    # Other children's folders, wherever the grader keeps them.
    for root in ("/tmp", os.environ.get("TMPDIR", "/tmp")):
        for entry in os.listdir(root) if os.path.isdir(root) else []:
            if entry.startswith("kerasgan-grade-"):
                seen.append(("other child", entry))
    print("VANDAL SAW", seen, flush=True)


def make_generator(latent_dim):
    raise NotImplementedError("make_generator")
