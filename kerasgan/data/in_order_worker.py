"""A background thread that runs tasks one at a time, in the order they were given.

The video dataset builder decodes frames on the main thread and hands each kept
frame to this worker (crop, filters, resize, JPEG, write). OpenCV lets go of
Python's lock while it works, so the two overlap on a machine with a core to
spare, and the order of the frames (which the duplicate filter depends on) is
kept because only one task runs at a time.

Example:

```python
with InOrderWorker() as worker:
    for frame in frames:
        worker.submit(process, frame)
# every task has finished here, and the first error (if any) was raised
```
"""

import collections


class InOrderWorker:
    """Runs tasks on one background thread, in the order given; at most `backlog` wait.

    A waiting task holds a whole decoded frame, so the backlog is short: enough to
    smooth out a slow write, small enough for 4K frames (4 x 25 MB).
    Leaving the `with` block waits for every task and re-raises the first error.

    Args:
        backlog: how many tasks may wait before `submit` waits for the oldest.

    Example:

    ```python
    with InOrderWorker(backlog=2) as worker:
        worker.submit(print, "first")
        worker.submit(print, "second")
    ```
    """

    def __init__(self, backlog=4):
        from concurrent.futures import ThreadPoolExecutor

        self.backlog = backlog
        self.pending = collections.deque()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kerasgan-frames")

    def submit(self, function, *args):
        """Queues `function(*args)`; first waits for the oldest task if the backlog is full."""
        while len(self.pending) >= self.backlog:
            self.pending.popleft().result()
        self.pending.append(self.executor.submit(function, *args))

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        try:
            while self.pending:
                self.pending.popleft().result()
        finally:
            self.executor.shutdown(wait=True)
