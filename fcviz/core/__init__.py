"""The training engine: pure NumPy, no Qt."""

from fcviz.core.activations import Activation, get_activation
from fcviz.core.dataset import Dataset
from fcviz.core.losses import Loss, get_loss
from fcviz.core.network import Dense, Network
from fcviz.core.optimizers import Optimizer, get_optimizer
from fcviz.core.trainer import History, Trainer

__all__ = [
    "Activation", "Dataset", "Dense", "History", "Loss", "Network", "Optimizer",
    "Trainer", "get_activation", "get_loss", "get_optimizer",
]
