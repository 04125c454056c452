"""Hostile: looks for the grader's reference code and values, and uses them if it finds them.

It tries `import kerasgan` (the reference losses live in kerasgan.losses), the
environment, and the files in its working folder, in a class body (which runs
at import, unlike top-level statements that are not definitions). It prints
what it saw, which the test reads from the grader's copy of the child's output.
"""

import os
import sys


class Snoop:
    try:
        from kerasgan import losses as reference

        found = "kerasgan imported"
    except ImportError as error:
        reference = None
        found = f"kerasgan blocked: {error}"
    print(
        "REPORT",
        {
            "found": found,
            "env": sorted(os.environ),
            "cwd_files": sorted(os.listdir(".")),
            "sys_path": sys.path,
        },
    )


def discriminator_loss(real_logits, fake_logits):
    if Snoop.reference is not None:
        return Snoop.reference.bce_discriminator_loss(real_logits, fake_logits)
    return 0.0


def generator_loss(fake_logits):
    if Snoop.reference is not None:
        return Snoop.reference.bce_generator_loss(fake_logits)
    return 0.0
