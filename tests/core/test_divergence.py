"""A finite blow-up is divergence; a late spike of a good fit is not."""

import math
import random
from types import SimpleNamespace

import pytest

from fcviz.core.divergence import BLOW_UP_EPOCHS, BlowUpWatch
from fcviz.core.history import LossSeries


def trainer_with(losses):
    return SimpleNamespace(history=SimpleNamespace(loss=LossSeries(losses)))


def test_a_loss_100_times_its_best_for_20_epochs_stops_and_names_the_epoch():
    watch = BlowUpWatch()
    losses = [1.2, 0.9, 0.5] + [878.0] * BLOW_UP_EPOCHS
    assert watch.check(trainer_with(losses[:-1])) is False
    assert watch.check(trainer_with(losses)) is True
    assert watch.message == ("training diverged at epoch 4: the loss rose to 878, over 100× its best 0.5 "
                             "(epoch 3); try a lower learning rate, or scaled inputs")


def test_a_spike_below_the_starting_loss_is_not_divergence():
    watch = BlowUpWatch()
    assert watch.check(trainer_with([0.7, 1e-5] + [1e-2] * 50)) is False


def test_start_at_ignores_the_past_and_a_rewind_starts_over():
    watch = BlowUpWatch()
    watch.start_at(trainer_with([5.0] * 30))
    assert watch.check(trainer_with([5.0] * 30 + [4.0])) is False and watch.best == 4.0
    assert watch.check(trainer_with([9.0])) is False and watch.best == 9.0  # reset: a shorter history


class EpochByEpoch(BlowUpWatch):
    """The watch as it was written first: every epoch through `_blew_up` (the reference)."""

    def check(self, trainer):
        losses = trainer.history.loss
        if len(losses) < self.seen:
            self.reset()
        for index in range(self.seen, len(losses)):
            if self._blew_up(float(losses[index]), index + 1):
                self.seen = len(losses)
                return True
        self.seen = len(losses)
        return False


def wandering_losses(rng: random.Random, count: int) -> list[float]:
    """Losses that drift, jump 150-10,000× up or down, and now and then are NaN."""
    losses, value = [], rng.choice([1.0, 1e-3, 5.0])
    for _ in range(count):
        draw = rng.random()
        if draw < 0.05:
            value *= rng.choice([150, 300, 1e4])
        elif draw < 0.1:
            value /= rng.choice([150, 1000])
        elif draw < 0.12:
            value = math.nan if rng.random() < 0.3 else 1.0
        else:
            value = (1.0 if math.isnan(value) else value) * rng.uniform(0.9, 1.1)
        losses.append(value)
    return losses


@pytest.mark.parametrize("seed", range(120))
def test_the_stretch_at_once_says_and_keeps_what_the_epoch_by_epoch_watch_does(seed):
    rng = random.Random(seed)
    losses = wandering_losses(rng, rng.randint(1, 200))
    series = LossSeries()
    trainer = SimpleNamespace(history=SimpleNamespace(loss=series))
    watch, reference = BlowUpWatch(), EpochByEpoch()
    while len(series) < len(losses):
        series.extend(losses[len(series): len(series) + rng.randint(1, 30)])
        said = watch.check(trainer)
        assert said == reference.check(trainer)
        assert repr(vars(watch)) == repr(vars(reference))
        if said:
            break
