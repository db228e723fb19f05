"""Numerical edges at random: inputs from 1e-3 to 1e6, constant columns, a single class, learning
rates from 1e-6 to 1e3, float64 and float32. The math never makes NaN or a floating-point warning;
weights stay finite, and a loss that blows up is reported as divergence with a message."""

from __future__ import annotations

import warnings

import numpy as np
from fuzzing import FUZZ, tried, within
from hypothesis import given
from hypothesis import strategies as st

from fcviz.core import Network, Trainer

PAIRS = [("sigmoid", "mse"), ("sigmoid", "bce"), ("softmax", "cce"), ("linear", "mse"), ("tanh", "mse")]
HIDDEN = ["sigmoid", "tanh", "relu", "elu", "softplus", "leaky_relu", "linear"]


@FUZZ
@given(hidden=st.sampled_from(HIDDEN), pair=st.sampled_from(PAIRS),
       optimizer=st.sampled_from(["sgd", "momentum", "adam"]),
       log_lr=st.floats(-6, 3), log_scale=st.floats(-3, 6), dtype=st.sampled_from(["float64", "float32"]),
       constant_column=st.booleans(), single_class=st.booleans(), seed=st.integers(0, 3))
def test_training_stays_finite_or_reports_divergence(hidden, pair, optimizer, log_lr, log_scale, dtype,
                                                     constant_column, single_class, seed):
    tried["numerical edges"] += 1
    output, loss = pair
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 10 ** log_scale, (24, 3))
    if constant_column:
        X[:, 1] = 10 ** log_scale
    n_out = 3 if output == "softmax" else 1
    labels = np.zeros(24, int) if single_class else rng.integers(0, n_out if n_out > 1 else 2, 24)
    y = np.eye(n_out)[labels] if n_out > 1 else labels[:, None].astype(float)
    net = Network([3, 4, n_out], [hidden, output], seed=seed, dtype=dtype)
    trainer = Trainer(net, loss, optimizer, lr=10 ** log_lr, batch_size=8, seed=seed)
    with within(), warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow or invalid-value warning is a failure too
        trainer.fit(X, y, epochs=10)
    assert np.isfinite(net.params).all()
    if trainer.diverged:
        assert "learning rate" in trainer.divergence_message
    else:
        assert np.isfinite(trainer.history.loss.array()).all()
