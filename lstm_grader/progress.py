"""Progress of a class run: tqdm's bar on a terminal, a plain line every `every` seconds otherwise (logs, CI)."""
from __future__ import annotations

import sys
import time

from tqdm import tqdm

FORMAT = "{desc}: {n_fmt}/{total_fmt} [{elapsed} elapsed, {remaining} left, {rate_fmt}]"


class Progress:
    def __init__(self, total: int, desc: str = "autograde", stream=None, every: float = 10.0):
        self.stream = stream or sys.stderr
        self.total, self.desc, self.every = total, desc, every
        self.done = 0
        self.started = self.last = time.monotonic()
        interactive = getattr(self.stream, "isatty", lambda: False)()
        self.bar = tqdm(total=total, desc=desc, unit="nb", file=self.stream, dynamic_ncols=True) if interactive \
            else None

    def update(self, n: int = 1) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
            return
        now = time.monotonic()
        if now - self.last >= self.every or self.done == self.total:
            self.last = now
            print(self.line(), file=self.stream, flush=True)

    def line(self) -> str:
        return tqdm.format_meter(self.done, self.total, time.monotonic() - self.started, prefix=self.desc,
                                 unit="nb", bar_format=FORMAT)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
