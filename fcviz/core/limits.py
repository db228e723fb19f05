"""The sizes fcviz accepts, stated once: a lab of small networks, not a data centre.

Every reader checks these BEFORE it allocates (from file sizes, headers and declared
dimensions) and refuses with one line naming the file and the limit. Below them the
window stays responsive; the README's "Limits" section lists them for people.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

# --- tables (CSV/TSV/TXT, XLSX/XLS/ODS) ----------------------------------------------------
MAX_TABLE_BYTES = 128 * 1024 ** 2      # a text table's file size
MAX_WORKBOOK_BYTES = 32 * 1024 ** 2    # a workbook's file size
MAX_WORKBOOK_UNCOMPRESSED_BYTES = 256 * 1024 ** 2  # all parts of an .xlsx/.ods zip, uncompressed
MAX_ROWS = 1_000_000                   # data rows of one table
MAX_COLUMNS = 16_384                   # columns of one table (Excel's own maximum)
MAX_CELLS = 10_000_000                 # rows x columns of a text table (80 MB as numbers)
MAX_WORKBOOK_CELLS = 2_000_000         # rows x columns of a sheet, from its declared extent
MAX_CLASSES = 1000                     # distinct labels of a class target (one-hot y is n x classes)
MAX_TARGET_CELLS = 2_000_000           # rows x classes of one-hot targets (drawn and scored every frame)
MAX_LINE_CHARS = 1024 ** 2             # the first line of a text table (what the separator is sniffed on)

# --- networks -------------------------------------------------------------------------------
MAX_LAYER_UNITS = 4096                 # neurons of one layer (inputs and outputs included)
MAX_LAYERS = 64                        # dense layers of one network
MAX_PARAMETERS = 10_000_000            # weights and biases of one network (80 MB as float64)

# --- run settings a file or a person may give: the CLI's flags, the window's spin boxes and a
# session's values share these ranges (a session's value beyond one is clamped to it, see Adjustment)
MAX_EPOCHS = 100_000_000               # a target epoch count (the toolbar's spin box, `--epochs`)
MIN_DISPLAY_EVERY, MAX_DISPLAY_EVERY = 1, 1_000_000   # redraw every N epochs
MIN_BATCH_SIZE, MAX_BATCH_SIZE = 1, MAX_ROWS          # samples per step (more is the whole table)
MIN_LEARNING_RATE, MAX_LEARNING_RATE = 1e-9, 1e6
MAX_PACE = 1000.0                      # display epochs drawn a second (0 = as fast as training goes)
MIN_REDRAW_HZ, MAX_REDRAW_HZ = 1, 120  # the window's redraws a second at most while training
DEFAULT_REDRAW_HZ = 30.0

MAX_SEED = 2 ** 128 - 1                # a random seed (weights, shuffling, the test split): NumPy's 128-bit pool

# --- loss history (fcviz.core.history) --------------------------------------------------------
HISTORY_EXACT_EPOCHS = 2 ** 18         # the last 262,144 epochs are always kept exactly
HISTORY_THINNED_POINTS = 2 ** 18       # earlier epochs: at most this many, evenly spread

# --- session (.fcviz) and weights files --------------------------------------------------------
MAX_SESSION_MEMBER_BYTES = 512 * 1024 ** 2   # one member of the zip, uncompressed
MAX_SESSION_TOTAL_BYTES = 1024 ** 3          # all members together, uncompressed
MAX_COMPRESSION_RATIO = 200                  # uncompressed / compressed: more is a zip bomb
MAX_SESSION_JSON_BYTES = 16 * 1024 ** 2      # session.json (names, settings, UI state)
MAX_WEIGHTS_JSON_BYTES = 64 * 1024 ** 2      # a weights JSON file (~3M parameters; bigger nets: sessions)
MAX_JSON_DEPTH = 64                          # nesting of any JSON fcviz reads
MAX_NAME_CHARS = 1000                        # one feature, target or class name

# --- window and pictures ------------------------------------------------------------------------
MAX_SCREENSHOT_SIDE = 8192             # pixels per side of `fcviz screenshot --size`
MIN_SCREENSHOT_SIDE = 200
MAX_PLOT_MAGNITUDE = 1e150             # axis limits: values beyond are left out of a plot's range
MAX_LISTED_PARAMETERS = 100_000        # rows of a parameter table (a whole name finds any other)
MAX_CHOOSABLE_PARAMETERS = 10_000      # entries of a parameter's combo box (the loss surface's axes)


class LimitError(ValueError):
    """An input beyond one of the limits above; the message names what and the limit."""


def check_count(what: str, count: int, limit: int) -> None:
    """LimitError if `count` exceeds `limit` (one line: what, how many, the limit)."""
    if count > limit:
        raise LimitError(f"{what}: {count:,} is more than the {limit:,} fcviz supports")


def check_network(sizes: list[int], use_bias=True) -> int:
    """The parameter count of layer `sizes`, after checking width, depth and count (no allocation)."""
    check_count("layers", len(sizes) - 1, MAX_LAYERS)
    for size in sizes:
        check_count("units in a layer", size, MAX_LAYER_UNITS)
    biases = [use_bias] * (len(sizes) - 1) if isinstance(use_bias, bool) else list(use_bias)
    count = sum((n_in + bool(bias)) * n_out for n_in, n_out, bias in zip(sizes, sizes[1:], biases))
    check_count("parameters", count, MAX_PARAMETERS)
    return count


_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_DEPTH_CHUNK = 8 * 1024 ** 2


def json_depth(text: str | bytes) -> int:
    """How deeply the brackets of a JSON text nest, counted without parsing it (strings skipped)."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    brackets = np.frombuffer(_JSON_STRING.sub(b'""', data), np.uint8)
    depth = deepest = 0
    for start in range(0, brackets.size, _DEPTH_CHUNK):
        chunk = brackets[start: start + _DEPTH_CHUNK]
        steps = (chunk == ord("[")).astype(np.int64) + (chunk == ord("{")) - (chunk == ord("]")) - (chunk == ord("}"))
        running = depth + np.cumsum(steps)
        if running.size:
            deepest, depth = max(deepest, int(running.max())), int(running[-1])
    return deepest


def clamp(value, fallback: float, low: float = -math.inf, high: float = math.inf) -> float:
    """`value` as a float within [low, high] (huge ints and infinities go to the nearer end);
    `fallback` for NaN or anything that is not a number (a bool is not a number)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return fallback
    try:
        number = float(value)
    except OverflowError:  # an int beyond float, e.g. 4000 digits
        number = math.inf if value > 0 else -math.inf
    if math.isnan(number):
        return fallback
    return min(max(number, low), high)


@dataclass(frozen=True)
class Adjustment:
    """A well-typed number read from a file that fcviz cannot hold, and the one used instead
    (the nearest allowed value; the default for NaN). `where` and `key` name it as the file does."""

    where: str          # "experiment", "optimizer", "ui_state"
    key: str            # "epochs", "learning_rate", "max_redraw_hz"
    given: int | float  # the value as read
    used: int | float
    unit: str = ""      # "/s" for rates

    @property
    def given_digits(self) -> int:
        """How many digits the value read has if it is too long to show (a 4000-digit int), else 0."""
        text = repr(self.given)
        return len(text) if len(text) > LONGEST_NUMBER_SHOWN else 0

    @property
    def number_text(self) -> str:
        """The value used, as a person reads it: 100,000,000 or 1e+06 or 120."""
        return f"{self.used:,}" if isinstance(self.used, int) else f"{self.used:,.6g}"

    @property
    def used_text(self) -> str:
        return self.number_text + self.unit

    def __str__(self) -> str:
        return f"{self.where} '{self.key}' {short_number(self.given)} → {self.used_text}"


LONGEST_NUMBER_SHOWN = 24  # characters; a longer number is named by its count of digits


def short_number(value) -> str:
    """A number for a message: a 4000-digit int is shown by its size, not its digits."""
    text = repr(value)
    return text if len(text) <= LONGEST_NUMBER_SHOWN else f"a {len(text)}-digit number"
