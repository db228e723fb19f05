"""A finite blow-up is divergence; a late spike of a good fit is not."""

from types import SimpleNamespace

from fcviz.core.divergence import BLOW_UP_EPOCHS, BlowUpWatch


def trainer_with(losses):
    return SimpleNamespace(history=SimpleNamespace(loss=list(losses)))


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
