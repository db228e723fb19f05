"""Central finite differences of the loss a Trainer reports: the independent gradient reference."""

import numpy as np

from fcviz.core import Trainer


def numerical_gradient(net, loss, X, y, h=1e-5) -> np.ndarray:
    """∂L/∂params by central differences of `Trainer(net, loss).evaluate_loss(X, y)`."""
    trainer, grad = Trainer(net, loss), np.empty_like(net.params)
    for k in range(net.params.size):
        original = net.params[k]
        net.params[k] = original + h
        up = trainer.evaluate_loss(X, y)
        net.params[k] = original - h
        down = trainer.evaluate_loss(X, y)
        net.params[k] = original
        grad[k] = (up - down) / (2 * h)
    return grad
