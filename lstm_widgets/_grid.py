"""Slider grids for the sequence widgets: their tables are computed once, over
every grid point, so the browser view only looks values up."""
import numpy as np


def grid(lo, hi, step):
    """lo, lo + step, ..., hi as a list of floats rounded to the step's decimals."""
    n = int(round((hi - lo) / step)) + 1
    return [round(lo + k * step, 6) for k in range(n)]


def nearest(grid_values, v, name, widget):
    """Index of the grid point nearest to v; a ValueError naming `name` if v is outside the grid."""
    lo, hi = grid_values[0], grid_values[-1]
    step = grid_values[1] - grid_values[0] if len(grid_values) > 1 else 1.0
    if not (lo - step / 2 <= v <= hi + step / 2):
        raise ValueError(f"{widget}: {name} must lie in [{lo}, {hi}], got {v}")
    return int(np.argmin(np.abs(np.asarray(grid_values) - v)))
