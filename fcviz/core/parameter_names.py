"""The seed-notation names of a network's parameters, made on demand.

`ParameterNames` is the sequence `Network.parameter_names()` would build (w{i}{j}_{l}, b{j}_{l}
in the order of `params`) without building it: a 10M-parameter network needs no 10M strings,
and finding a name's position is arithmetic, not a dictionary of every name.
"""

from __future__ import annotations

import heapq
import itertools
import math
import operator
import re
from collections.abc import Sequence

import numpy as np

_WEIGHT = re.compile(r"w(?:(\d+),(\d+)|(\d)(\d))_(\d+)")
_BIAS = re.compile(r"b(\d+)_(\d+)")


def weight_name(i: int, j: int, layer: int) -> str:
    """Seed notation: w{i}{j}_{l}; indices above 9 are separated by a comma (w10,3_1)."""
    sep = "," if i > 9 or j > 9 else ""
    return f"w{i}{sep}{j}_{layer}"


class ParameterNames(Sequence):
    """Names of the parameters of layers given as (fan_in, units, use_bias), in `params` order."""

    def __init__(self, layers):
        self._layers = tuple((int(fan_in), int(units), bool(bias)) for fan_in, units, bias in layers)
        sizes = [(fan_in + bias) * units for fan_in, units, bias in self._layers]
        self._starts = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)]).astype(np.int64)

    @classmethod
    def of(cls, net) -> "ParameterNames":
        return cls((layer.fan_in, layer.units, layer.use_bias) for layer in net.layers)

    def __len__(self) -> int:
        return int(self._starts[-1])

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step == 1:  # the loss surface's 10k names: made in order, without a search for each
                return list(itertools.islice(self._names_from(start), max(0, stop - start)))
            return [self[k] for k in range(start, stop, step)]
        k = operator.index(index)
        k = k + len(self) if k < 0 else k
        if not 0 <= k < len(self):
            raise IndexError(f"parameter {index} of {len(self)}")
        layer = int(np.searchsorted(self._starts, k, side="right")) - 1
        fan_in, _, bias = self._layers[layer]
        unit, within = divmod(k - int(self._starts[layer]), fan_in + bias)
        if within == fan_in:
            return f"b{unit + 1}_{layer + 1}"
        return weight_name(within + 1, unit + 1, layer + 1)

    def index(self, name, start=0, stop=None) -> int:
        """The position of `name` (ValueError if this network has no such parameter)."""
        position = self._position(name) if isinstance(name, str) else None
        if position is None or self[position] != name or not start <= position < (len(self) if stop is None
                                                                                  else stop):
            raise ValueError(f"this network has no parameter named {name!r}")
        return position

    def __contains__(self, name) -> bool:
        try:
            self.index(name)
        except ValueError:
            return False
        return True

    def __iter__(self):
        return self._names_from(0)

    def _names_from(self, k: int):
        """The names from position `k` on, in order."""
        if k >= len(self):
            return
        first = int(np.searchsorted(self._starts, k, side="right")) - 1
        unit, within = divmod(k - int(self._starts[first]), self._layers[first][0] + self._layers[first][2])
        for number, (fan_in, units, bias) in enumerate(self._layers[first:], first + 1):
            for j in range(unit + 1, units + 1):
                yield from (weight_name(i, j, number) for i in range(within + 1, fan_in + 1))
                if bias:
                    yield f"b{j}_{number}"
                within = 0
            unit = 0

    def longest(self, count: int) -> list[str]:
        """`count` of the longest names (in characters), the first as long as any, without making every
        name: a name's length only grows with its indices, so each layer's longest are among its last
        units and inputs."""
        side = math.isqrt(count) + 1  # a side x side corner of each layer's weights holds `count` names
        corners: list[str] = []
        for number, (fan_in, units, bias) in enumerate(self._layers, 1):
            for j in range(max(1, units - side + 1), units + 1):
                corners.extend(weight_name(i, j, number) for i in range(max(1, fan_in - side + 1), fan_in + 1))
                if bias:
                    corners.append(f"b{j}_{number}")
        return heapq.nlargest(count, corners, key=len)

    def __eq__(self, other) -> bool:
        if isinstance(other, ParameterNames):
            return self._layers == other._layers
        return isinstance(other, Sequence) and len(other) == len(self) and list(self) == list(other)

    def __hash__(self) -> int:
        return hash(self._layers)

    def _position(self, name: str) -> int | None:
        weight, bias = _WEIGHT.fullmatch(name), _BIAS.fullmatch(name)
        if weight:
            i, j = (int(weight[1]), int(weight[2])) if weight[1] else (int(weight[3]), int(weight[4]))
            layer = int(weight[5])
        elif bias:
            j, layer = int(bias[1]), int(bias[2])
        else:
            return None
        if not 1 <= layer <= len(self._layers):
            return None
        fan_in, units, has_bias = self._layers[layer - 1]
        if bias:
            i = fan_in + 1
            if not has_bias:
                return None
        if not (1 <= j <= units and 1 <= i <= fan_in + (1 if bias else 0)):
            return None
        return int(self._starts[layer - 1]) + (j - 1) * (fan_in + has_bias) + i - 1
