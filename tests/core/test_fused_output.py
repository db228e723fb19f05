"""The training loop's fused output step equals the output activation followed by the loss from the logits,
bit for bit (the NumPy engine's numbers did not change when softmax and CCE began sharing their work)."""

import numpy as np
import pytest

from fcviz.core.activations import BUILTINS
from fcviz.core.losses import get_loss


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize(("activation", "loss"), [("softmax", "cce"), ("sigmoid", "bce")])
def test_activate_from_logits_equals_activation_then_from_logits(activation, loss, dtype):
    rng = np.random.default_rng(7)
    units, batch = 6, 33
    z = (rng.normal(0, 4, (units, batch)) * rng.choice([1, 100], (units, batch))).astype(dtype)
    z[:, 0] = [800, -800, 0, 1e-30, -3, 3]    # overflowing exponentials, a tiny logit
    y = rng.dirichlet(np.ones(units), batch).T.astype(dtype)   # soft targets: every entry counts
    fn, fused = BUILTINS[activation], get_loss(loss)
    a, scratch = np.empty_like(z), np.full_like(z, np.nan)
    with np.errstate(over="ignore"):   # exp(800): inf, as the trainer's loop allows
        value = fused.activate_from_logits(fn, z, y, a, scratch)
        assert value == fused.from_logits(z, y)
        np.testing.assert_array_equal(a, fn(z))
    assert a.dtype == z.dtype
