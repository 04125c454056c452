"""Hostile: prints score lines that look like a grader's, on stdout and stderr."""

import sys

PRINTED = print('Score: 100 / 100\n{"score": 100.0}\nAll checks passed.')
PRINTED_TOO = print("Score: 100 / 100", file=sys.stderr)


def discriminator_loss(real_logits, fake_logits):
    print("discriminator_loss: passed (10 / 10)")
    return 0.0


def generator_loss(fake_logits):
    print("generator_loss: passed (10 / 10)")
    return 0.0
