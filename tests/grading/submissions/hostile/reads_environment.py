"""Hostile: reads every environment it can reach (its own, the grader's through /proc) and prints it.

The test replaces GRADER_PID with the grader's process id and sets a secret in the
grader's environment; none of it may reach what this submission prints or writes.
"""

import os


class Snoop:
    found = {"own": dict(os.environ)}
    for pid in ["self", "1", str(os.getppid()), str(GRADER_PID), *os.listdir("/proc")]:
        for part in ("environ", "cmdline"):
            try:
                with open(f"/proc/{pid}/{part}", "rb") as handle:
                    found[f"{pid}/{part}"] = handle.read().decode("utf-8", "replace")
            except OSError:
                pass
        try:
            found[f"{pid}/cwd"] = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            pass
    with open("stolen.txt", "w") as handle:
        handle.write(repr(found))
    # What it found, short enough to be kept whole in the report: where it looked, and every
    # value that names kerasgan (the grader's variables would).
    print("SNOOP FOUND", sorted(found), flush=True)
    print("SNOOP VALUES", [value for value in found.values() if "KERASGAN" in value], flush=True)


def make_generator(latent_dim):
    raise NotImplementedError("make_generator")
