"""SnapshotCache: what several panels draw from one snapshot, computed once, when first asked for.

The scatter plot, the image grid and the data table all show the network's prediction for every
sample; the network diagram and the backprop view both trace the training batch. Each used to
compute its own copy on the GUI thread for every snapshot. The controller keeps one cache for the
newest snapshot of the current setup; a newer snapshot or another setup (new data or network)
starts it afresh. What it returns is shared: read it, never change it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from fcviz.core.backprop import Trace, trace_batch
from fcviz.core.experiment_setup import Setup
from fcviz.core.network import Network
from fcviz.core.snapshot import Snapshot

PREDICTIONS = "predictions"


class SnapshotCache:
    def __init__(self, setup: Callable[[], Setup]):
        self._setup = setup
        self._snapshot: Snapshot | None = None
        self._for_setup: Setup | None = None
        self._values: dict[str, Any] = {}

    def _get(self, snapshot: Snapshot, name: str, compute: Callable[[Setup], Any]) -> Any:
        setup = self._setup()
        if snapshot is not self._snapshot or setup is not self._for_setup:
            self._snapshot, self._for_setup, self._values = snapshot, setup, {}
        if name not in self._values:
            self._values[name] = compute(setup)
        return self._values[name]

    def network(self, snapshot: Snapshot) -> Network:
        """A network holding the snapshot's weights."""
        return self._get(snapshot, "network", lambda _: snapshot.network())

    def predictions(self, snapshot: Snapshot) -> np.ndarray:
        """The network's outputs (n_samples, n_outputs) for every sample of the setup's data."""
        return self._get(snapshot, PREDICTIONS, lambda setup: self.network(snapshot).predict(setup.dataset.X))

    def remember(self, snapshot: Snapshot, name: str, value: Any) -> Any:
        """What `name` of `snapshot` is: `value`, worked out elsewhere (a pool thread), unless it is known."""
        return self._get(snapshot, name, lambda _: value)

    def trace(self, snapshot: Snapshot) -> Trace:
        """The training samples through the snapshot's weights, forward and backward (core.backprop)."""
        return self._get(snapshot, "trace",
                         lambda setup: trace_batch(self.network(snapshot), setup.loss_name, *setup.train_data()))
