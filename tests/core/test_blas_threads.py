"""The NumPy engine's large products: the same numbers on one or two threads, and the policy that picks
the count from timings (fed here by hand, so its decisions are exact)."""

import math
import threading

import numpy as np
import pytest

from fcviz.core import Network, Trainer, blas_threads, engine, numpy_loop
from fcviz.core.blas_threads import Products, ThreadPolicy

PROBE, REPROBE = 0.05, 5.0


def policy(most=2):
    return ThreadPolicy(most, probe_seconds=PROBE, reprobe_seconds=REPROBE, drift=1.5)


def feed(p, seconds_per_sample, seconds, samples=100):
    """Batches of `samples` at this speed until `seconds` of training have passed."""
    for _ in range(round(seconds / (samples * seconds_per_sample))):
        p.record(samples, samples * seconds_per_sample)


def probed(fast_one, fast_two):
    """A policy that has finished its first probe of one thread (fast_one s/sample) and two (fast_two)."""
    p = policy()
    p.record(100, 99.0)                     # the first batch allocates: not counted
    for threads, speed in ((1, fast_one), (2, fast_two), (2, fast_two), (1, fast_one)):
        assert p.threads == threads and p.probing
        feed(p, speed, PROBE)
    assert not p.probing and p.probes == 1
    return p


def test_the_policy_keeps_the_faster_count_of_its_probe():
    assert probed(fast_one=2e-5, fast_two=1e-5).threads == 2
    assert probed(fast_one=1e-5, fast_two=2e-5).threads == 1


def probe_windows(*seconds_per_sample):
    """A new policy's probe, one window (one batch just over PROBE seconds) at each speed."""
    p = policy()
    p.record(100, 99.0)
    for speed in seconds_per_sample:
        samples = math.ceil(PROBE / speed) + 1
        p.record(samples, samples * speed)
    assert not p.probing
    return p


def test_a_load_that_comes_and_goes_during_the_probe_does_not_decide_it():
    """Two threads are faster on the quiet machine; a hog runs through the probe's first half only."""
    p = probe_windows(1.5e-5, 4e-5, 1e-5, 1.5e-5)   # windows of 1 (quiet), 2 (hog), 2 (quiet), 1 (quiet) threads
    assert p.threads == 2 and p.rates == pytest.approx({1: 1.5e-5, 2: 1e-5})
    assert probe_windows(1e-5, 1.2e-5, 1.2e-5, 1e-5).threads == 1   # one thread faster in every window


def test_a_machine_that_gets_busy_falls_back_to_one_thread_after_one_window():
    p = probed(fast_one=2e-5, fast_two=1e-5)
    feed(p, 1e-5, 1.0)                      # as fast as its probe: no new probe
    assert p.threads == 2 and not p.probing
    feed(p, 1e-4, PROBE)                    # ten times slower: the hog arrived
    assert p.probing and p.threads == 2     # the chosen count is timed again first
    feed(p, 1e-4, PROBE)
    assert p.threads == 1
    feed(p, 3e-5, PROBE)                    # one thread, busy machine: 3e-5 beats 1e-4
    feed(p, 3e-5, PROBE)
    assert p.threads == 2
    feed(p, 1e-4, PROBE)
    assert p.threads == 1 and not p.probing and p.probes == 2


def test_the_policy_probes_again_after_a_while_and_takes_two_threads_once_the_machine_is_quiet():
    p = probed(fast_one=3e-5, fast_two=1e-4)
    feed(p, 3e-5, 0.9 * REPROBE)
    assert not p.probing
    windows = 0
    while not p.probing and windows < 0.15 * REPROBE / PROBE:
        feed(p, 3e-5, PROBE)
        windows += 1
    assert p.probing and p.threads == 1
    for speed in (2e-5, 1e-5, 1e-5, 2e-5):
        feed(p, speed, PROBE)
    assert p.threads == 2 and p.probes == 2


def test_one_core_or_small_products_never_probe():
    p = policy(most=1)
    feed(p, 1e-5, 20.0)
    assert p.threads == 1 and not p.probing and p.probes == 0


@pytest.mark.parametrize("shape", [(25, 401, 3000), (300, 32, 785), (10, 5000, 26), (3, 4, 5)])
def test_a_product_has_the_same_bits_on_one_thread_or_two(shape):
    rows, inner, columns = shape
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(rows, inner)).astype(np.float32), rng.normal(size=(inner, columns)).astype(np.float32)
    engine.limit_blas_threads()   # as every trainer does: BLAS itself runs one thread
    for right in (b, b.T.copy().T):   # and a transposed operand, as the backward pass has
        one, two = np.empty((rows, columns), np.float32), np.empty((rows, columns), np.float32)
        Products(1).dot(a, right, out=one)
        Products(2).dot(a, right, out=two)
        assert np.array_equal(one, two)
        np.testing.assert_allclose(one, a @ b, rtol=1e-4, atol=1e-3)
        if shape[0] * shape[1] * shape[2] < blas_threads.PARALLEL_MIN_WORK:
            assert np.array_equal(one, np.dot(a, right))   # not split: NumPy's dot itself


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sgds_step_in_halves_gives_the_same_bits_on_one_thread_or_two(dtype):
    rng = np.random.default_rng(2)
    params, grad = rng.normal(size=150_001).astype(dtype), rng.normal(size=150_001).astype(dtype)
    one, two = params.copy(), params.copy()
    Products(1).subtract(one, grad)
    Products(2).subtract(two, grad)
    assert np.array_equal(one, two) and np.array_equal(one, params - grad)
    strided = params.copy()   # no BLAS call for it: NumPy's subtract, on two threads too
    Products(2).subtract(strided[::2], grad[::2])
    assert np.array_equal(strided[::2], (params - grad)[::2]) and np.array_equal(strided[1::2], params[1::2])


needs_polling = pytest.mark.skipif(blas_threads.polling_kernels() is None,
                                   reason="compiled polling needs numba, x86-64 Linux and NumPy's own BLAS")


@needs_polling
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_compiled_blas_call_gives_numpys_bits_for_every_layout_of_the_operands(dtype):
    """`spin_kernels.describe` makes the GEMM call NumPy's dot makes (the same transpositions: a product's
    last bits depend on them), for C, F and strided operands of both types."""
    kernels, rng = blas_threads.polling_kernels(), np.random.default_rng(3)
    big, other = rng.normal(size=(90, 80)).astype(dtype), rng.normal(size=(90, 80)).astype(dtype)
    call = np.zeros(blas_threads.CALL_LENGTH, np.int64)
    readable = 0
    for a in (big[:30, :40], big[:40, :30].copy().T, big[::2, :40][:30], big[5:35, 10:50], big[:60:2, :80:2][:, :40],
              big[:40, :30].T):
        for b in (other[:40, :20], other[:20, :40].copy().T, other[:80:2, :20], other[:80:2, :40:2], other[:20, :40].T):
            out = np.full((30, 20), np.nan, dtype)
            described = kernels.describe(a, b, out, call)   # where NumPy copies no column apart
            assert described == all(x.flags.f_contiguous or x.strides[1] == x.itemsize for x in (a, b))
            if described:
                readable += 1
                kernels.run(call, blas_threads.functions())
                assert np.array_equal(out, np.dot(a, b))
    assert readable == 12


@needs_polling
def test_the_helper_polls_then_sleeps_and_a_product_posted_to_a_sleeping_helper_wakes_it(monkeypatch):
    monkeypatch.setattr(blas_threads, "SPIN_SECONDS", 0.001)
    rng = np.random.default_rng(4)
    a, b = rng.normal(size=(300, 785)), rng.normal(size=(785, 32))
    products = Products(2)
    for _ in range(3):
        out = np.empty((300, 32))
        products.dot(a, b, out)
        assert np.array_equal(out, np.dot(a, b))
        helper = products._helper
        assert isinstance(helper, blas_threads._PollingHelper)
        for _ in range(500):   # up to 5 s: the helper goes to sleep once it has polled for SPIN_SECONDS
            if helper._sleeping:
                break
            threading.Event().wait(0.01)
        assert helper._sleeping
    products.close()


@needs_polling
def test_a_product_the_helper_does_not_take_is_computed_by_the_thread_that_posted_it():
    """A busy machine can keep the helper off a core: the poster, its own half done, takes the other back
    (an atomic claim) instead of waiting. Here the helper has stopped altogether."""
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=(300, 785)), rng.normal(size=(785, 32))
    products, out = Products(2), np.empty((300, 32))
    products.dot(a, b, out)
    helper = products._helper
    helper.stop()
    helper.thread.join(5.0)
    assert not helper.thread.is_alive()
    out[:] = np.nan
    worker = threading.Thread(target=products.dot, args=(a, b, out), daemon=True)
    worker.start()
    worker.join(10.0)
    assert not worker.is_alive(), "the poster waited for a helper that never came"
    assert np.array_equal(out[:150], np.dot(a[:150], b)) and np.array_equal(out[150:], np.dot(a[150:], b))


@needs_polling
def test_without_compiled_polling_the_products_are_numpys_dot_with_the_same_bits(monkeypatch):
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=(25, 401)).astype(np.float32), rng.normal(size=(401, 3000)).astype(np.float32)
    polled, queued = np.empty((25, 3000), np.float32), np.empty((25, 3000), np.float32)
    Products(2).dot(a, b, polled)
    monkeypatch.setattr(blas_threads, "_polling_kernels", None)
    products = Products(2)
    products.dot(a, b, queued)
    assert isinstance(products._helper, blas_threads._QueueHelper)
    assert np.array_equal(polled, queued)


def test_in_the_window_before_the_warm_up_the_products_compile_nothing_and_use_numpys_dot(monkeypatch):
    """Compiling the polling kernels holds the GIL for seconds: the window's training must not do it."""
    monkeypatch.setattr(blas_threads, "_polling_kernels", None)
    monkeypatch.setattr(blas_threads, "_polling_checked", False)
    monkeypatch.setattr(engine.WARM_UP, "stand_in", True)
    monkeypatch.setattr(engine.WARM_UP, "done", threading.Event())   # warming up: not done
    rng = np.random.default_rng(6)
    a, b = rng.normal(size=(300, 785)), rng.normal(size=(785, 32))
    products, out = Products(2), np.empty((300, 32))
    products.dot(a, b, out)
    assert isinstance(products._helper, blas_threads._QueueHelper) and not blas_threads._polling_checked
    assert np.array_equal(out[:150], np.dot(a[:150], b)) and np.array_equal(out[150:], np.dot(a[150:], b))
    products.close()


class Alternating(ThreadPolicy):
    """One thread, then two, batch after batch, whatever the timings."""

    def record(self, samples, seconds):
        self.threads = 3 - self.threads


class Fixed(ThreadPolicy):
    def __init__(self, most):
        super().__init__(most)
        self.threads = self.count

    def record(self, samples, seconds):
        pass


def big_run(monkeypatch, policy_class, batch_size, hidden=25):
    monkeypatch.setattr(numpy_loop, "ThreadPolicy", policy_class)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5000, 400))
    y = np.eye(10)[rng.integers(0, 10, 5000)]
    t = Trainer(Network((400, hidden, 10), "sigmoid", seed=0), "bce", "sgd", lr=0.05, batch_size=batch_size,
                dtype="float32", engine="numpy")
    t.set_data(X, y)
    t.fit(epochs=3)
    assert isinstance(t._loop.policy, policy_class)
    return t.net.params.copy(), np.array(t.history.loss)


@pytest.mark.parametrize("batch_size, hidden", [(None, 25), (2500, 25), (100, 300)])   # 300: SGD's step in halves
def test_training_gives_the_same_bits_whatever_thread_counts_the_policy_picks(monkeypatch, batch_size, hidden):
    runs = []
    for count in (1, 2):
        Fixed.count = count
        runs.append(big_run(monkeypatch, Fixed, batch_size, hidden))
    runs.append(big_run(monkeypatch, Alternating, batch_size, hidden))
    for params, losses in runs[1:]:
        assert np.array_equal(params, runs[0][0]) and np.array_equal(losses, runs[0][1])


def test_the_numpy_engine_times_its_batches_only_for_large_products():
    rng = np.random.default_rng(0)
    small = Trainer(Network((64, 32, 10), ["relu", "softmax"]), "cce", batch_size=32, engine="numpy")
    small.set_data(rng.normal(size=(200, 64)), np.eye(10)[rng.integers(0, 10, 200)])
    small.fit(epochs=1)
    assert small._loop.policy.candidates == [1]
    large = Trainer(Network((400, 25, 10), "sigmoid"), "bce", engine="numpy")
    large.set_data(rng.normal(size=(3000, 400)), np.eye(10)[rng.integers(0, 10, 3000)])
    large.fit(epochs=1)
    assert large._loop.policy.candidates == [1, blas_threads.max_threads()]
