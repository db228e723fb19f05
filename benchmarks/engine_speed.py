"""Training speed of fcviz's engines against references, on the networks people train in fcviz.

Every (workload, implementation) pair runs in a fresh subprocess, so its peak
RSS is its own; all pairs run in this one invocation, so the ratios compare
like with like on this machine; implementations alternate within each round
(A B C, B C A, C A B, ...), so a shared machine's changing load hits them alike. Implementations:

- fcviz: what users get (the engine `fcviz.core.engine.choose` picks, named in the table);
- fcviz numpy: the NumPy reference engine (FCVIZ_ENGINE=numpy);
- fcviz before: the NumPy fast path before the compiled engine (BASELINE_REF, taken from git
  into a temporary folder; skipped outside a git checkout);
- hand loop (W1), PyTorch, scikit-learn (skipped, and said so, when not installed).

How fcviz and "fcviz before" are timed (both the same way, as a user trains: one network, fit after
fit): each subprocess makes one trainer and trains it `warm_up_epochs` untimed first (the first batch
allocates the work arrays; the NumPy engine's `ThreadPolicy` makes its one- or two-thread decision
there, as it does once per training run in the app, and "before" builds its generated loop); the timed
runs then continue that training, `epochs` epochs each, long enough (W3, W4: ≥ 0.5 s quiet) that the
timer and the scheduler's noise stay small. The references (hand loop, PyTorch, scikit-learn) train
from scratch in each timed run, as before. The table's "same engine" line (W3, W4: fcviz and fcviz numpy
run the same NumPy engine) shows the run's own noise. W1 is the lab's first 5000 epochs, as the window
runs them: after the warm-up each timed run trains a new network from epoch 0.

One table: per workload and implementation the quiet epochs/s (best and median of the rounds),
peak RSS and fcviz ÷ it; with `--hog`, fcviz is timed again right after each workload's quiet
rounds with one busy process per core in the background, and the table gives its loaded epochs/s
and loaded ÷ quiet time. The last lines check issue 14's targets.

    python benchmarks/engine_speed.py [--hog] [W1 W2 ...]
"""

from __future__ import annotations

import argparse
import atexit
import functools
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from cpu_hogs import busy_cores  # this folder

ROOT = Path(__file__).resolve().parent.parent   # this checkout's fcviz, not an installed one


@dataclass(frozen=True)
class Workload:
    name: str
    title: str
    sizes: tuple[int, ...]
    hidden_activation: str
    output_activation: str
    loss: str
    samples: int
    batch_size: int | None
    epochs: int
    dtype: str = "float64"
    lr: float = 0.1
    from_start: bool = False  # each timed run trains a new network from epoch 0 (the lab's 5000 epochs)

    @property
    def warm_up_epochs(self) -> int:
        """Untimed epochs before fcviz's timed runs (see the module notes); W5's one long epoch has none."""
        return self.epochs // 5


WORKLOADS = {w.name: w for w in (
    Workload("W1", "clothes lab 12 pts, 1-2-1 sigmoid, MSE, full batch", (1, 2, 1), "sigmoid", "sigmoid",
             "mse", 12, None, 5000, lr=0.5, from_start=True),
    Workload("W2", "1000 pts 2-D, 2-8-8-1 tanh, MSE, batch 10", (2, 8, 8, 1), "tanh", "linear",
             "mse", 1000, 10, 20, lr=0.01),
    Workload("W3", "5000x400 -> 25 sigmoid -> 10 sigmoid, BCE, full batch, float32", (400, 25, 10),
             "sigmoid", "sigmoid", "bce", 5000, None, 150, "float32"),
    Workload("W4", "1797x64 -> 32 relu -> 10 softmax, CCE, batch 32", (64, 32, 10), "relu", "softmax",
             "cce", 1797, 32, 200, lr=0.01),
    Workload("W5", "60000x784 -> 300 relu -> 100 relu -> 10 softmax, batch 32, float32",
             (784, 300, 100, 10), "relu", "softmax", "cce", 60000, 32, 1, "float32", lr=0.01),
)}


def make_data(w: Workload):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(w.samples, w.sizes[0])).astype(w.dtype)
    if w.name == "W1":
        from fcviz.core.presets import CLOTHES_FITS, CLOTHES_SIZES
        return np.array(CLOTHES_SIZES)[:, None], np.array(CLOTHES_FITS, float)[:, None]
    if w.loss == "mse":
        y = np.sin(X.sum(axis=1, keepdims=True)).astype(w.dtype)
    else:
        y = np.eye(w.sizes[-1], dtype=w.dtype)[rng.integers(0, w.sizes[-1], w.samples)]
    return X, y


# --- implementations: each trains w.epochs epochs and returns the seconds it took ---

def new_trainer(w: Workload):
    """A trainer of `w` at epoch 0 (fcviz, or the baseline on its PYTHONPATH), its kernels loaded."""
    from fcviz.core import Network, Trainer
    try:   # load the compiled kernels before timing (the baseline has no engine module)
        from fcviz.core import engine
        engine.warm_up((w.dtype,))
    except ImportError:
        pass
    X, y = make_data(w)
    net = Network(w.sizes, [w.hidden_activation] * (len(w.sizes) - 2) + [w.output_activation], seed=0)
    trainer = Trainer(net, w.loss, "sgd", lr=w.lr, batch_size=w.batch_size, shuffle=w.batch_size is not None,
                      dtype=w.dtype)
    trainer.set_data(X, y)
    return trainer


@functools.cache
def fcviz_trainer(w: Workload):
    """This process's trainer of `w`, trained `w.warm_up_epochs`."""
    trainer = new_trainer(w)
    if w.warm_up_epochs:
        trainer.fit(epochs=w.warm_up_epochs)
    return trainer


def run_fcviz(w: Workload) -> float:
    """`w.epochs` more epochs of this process's trainer, or of a new one for a workload timed from its
    start (see the module notes)."""
    trainer = fcviz_trainer(w)
    if w.from_start:
        trainer = new_trainer(w)
    start = time.perf_counter()
    trainer.fit(epochs=w.epochs)
    return time.perf_counter() - start


def run_handloop(w: Workload) -> float:
    """The seed lab's loop: one NumPy expression per weight (W1 only)."""
    X, Y = (a.ravel() for a in make_data(w))
    w11_1, b1_1, w12_1, b2_1, w11_2, w21_2, b1_2 = 0.1, 0.6, 0.9, -1.5, 0.1, 0.9, 0.2
    lr, n = w.lr, len(X)
    start = time.perf_counter()
    for _ in range(w.epochs):
        a1_1 = 1 / (1 + np.exp(-(w11_1 * X + b1_1)))
        a2_1 = 1 / (1 + np.exp(-(w12_1 * X + b2_1)))
        a1_2 = 1 / (1 + np.exp(-(w11_2 * a1_1 + w21_2 * a2_1 + b1_2)))
        d_out = -2 * (Y - a1_2) / n * a1_2 * (1 - a1_2)
        d1 = d_out * w11_2 * a1_1 * (1 - a1_1)
        d2 = d_out * w21_2 * a2_1 * (1 - a2_1)
        w11_2 -= lr * np.sum(d_out * a1_1)
        w21_2 -= lr * np.sum(d_out * a2_1)
        b1_2 -= lr * np.sum(d_out)
        w11_1 -= lr * np.sum(d1 * X)
        b1_1 -= lr * np.sum(d1)
        w12_1 -= lr * np.sum(d2 * X)
        b2_1 -= lr * np.sum(d2)
    return time.perf_counter() - start


def run_torch(w: Workload) -> float:
    import torch
    torch.manual_seed(0)
    torch.set_num_threads(1)   # as fcviz's BLAS (fcviz.core.engine.BLAS_THREADS): two threads collapse under load
    X, y = (torch.from_numpy(np.ascontiguousarray(a)) for a in make_data(w))
    dtype = getattr(torch, w.dtype)
    X, y = X.to(dtype), y.to(dtype)
    act = {"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}
    layers = []
    for k, (n_in, n_out) in enumerate(zip(w.sizes, w.sizes[1:])):
        layers.append(torch.nn.Linear(n_in, n_out, dtype=dtype))
        if k < len(w.sizes) - 2:
            layers.append(act[w.hidden_activation]())
    model = torch.nn.Sequential(*layers)
    if w.loss == "mse":
        out = torch.nn.Sigmoid() if w.output_activation == "sigmoid" else torch.nn.Identity()
        base = torch.nn.MSELoss()
        loss_fn = lambda logits, target: base(out(logits), target)  # noqa: E731
    elif w.loss == "bce":
        loss_fn = torch.nn.BCEWithLogitsLoss()
    else:
        base = torch.nn.CrossEntropyLoss()
        loss_fn = lambda logits, target: base(logits, target.argmax(1))  # noqa: E731
    opt = torch.optim.SGD(model.parameters(), lr=w.lr)
    size = w.batch_size or len(X)
    start = time.perf_counter()
    for _ in range(w.epochs):
        order = torch.randperm(len(X)) if w.batch_size else torch.arange(len(X))
        for s in range(0, len(X), size):
            index = order[s: s + size]
            opt.zero_grad()
            loss = loss_fn(model(X[index]), y[index])
            loss.backward()
            opt.step()
    return time.perf_counter() - start


def run_sklearn(w: Workload) -> float:
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    X, y = make_data(w)
    hidden = w.sizes[1:-1]
    activation = {"sigmoid": "logistic"}.get(w.hidden_activation, w.hidden_activation)
    options = dict(hidden_layer_sizes=hidden, activation=activation, solver="sgd", momentum=0.0,
                   learning_rate_init=w.lr, batch_size=w.batch_size or len(X), max_iter=w.epochs,
                   alpha=0.0, tol=0.0, n_iter_no_change=10 ** 9, shuffle=w.batch_size is not None,
                   random_state=0)
    model = MLPRegressor(**options) if w.loss == "mse" else MLPClassifier(**options)
    target = y.ravel() if w.loss == "mse" else y
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, target)
    return time.perf_counter() - start


IMPLEMENTATIONS = {"fcviz": run_fcviz, "fcviz numpy": run_fcviz, "fcviz before": run_fcviz,
                   "hand loop": run_handloop, "PyTorch": run_torch, "scikit-learn": run_sklearn}
REFERENCE_MODULES = {"PyTorch": "torch", "scikit-learn": "sklearn"}
BASELINE_REF = "71ac398"   # main before the compiled engine: the NumPy fast path (generated SGD loops)
# Issue 14's targets: (reference, least fcviz ÷ reference).
TARGETS = {"W1": [("fcviz before", 10.0), ("PyTorch", 100.0)], "W2": [("fcviz before", 3.0)],
           "W3": [("fcviz before", 1.0)], "W4": [("fcviz before", 1.0)], "W5": [("fcviz before", 1.0)]}
LOADED_LIMIT = 2.5          # no workload may run slower than this × its quiet speed with a hog per core
ROUNDS = {"W5": 1}              # quiet rounds per workload (default 3): each runs every implementation once
LOADED_ROUNDS = {"W5": 1}       # rounds of fcviz alone with the hog (default 2)
REPEATS = {"W1": 5, "W5": 2}    # timed repeats inside one process (default 3); the fastest counts
REPEAT_BUDGET = 2.0             # seconds: no further repeat once the runs took this long


@functools.cache
def baseline_path() -> str | None:
    """BASELINE_REF's fcviz package in a temporary folder, removed at exit (None outside a git checkout)."""
    folder = tempfile.mkdtemp(prefix="fcviz-baseline-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    archive = subprocess.run(["git", "archive", BASELINE_REF, "fcviz"], cwd=ROOT, capture_output=True)
    if archive.returncode or subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout).returncode:
        return None
    return folder


def environment(implementation: str) -> dict[str, str]:
    env = dict(os.environ)
    if implementation == "fcviz before":
        env["PYTHONPATH"] = os.pathsep.join([baseline_path() or "", str(ROOT)])
    else:
        env["PYTHONPATH"] = str(ROOT)
    if implementation == "fcviz numpy":
        env["FCVIZ_ENGINE"] = "numpy"
    return env


def best_time(workload: str, implementation: str) -> float:
    """Seconds of the fastest of REPEATS runs, fewer once REPEAT_BUDGET seconds are spent (slow references:
    a long run varies less), at least one."""
    w, f = WORKLOADS[workload], IMPLEMENTATIONS[implementation]
    times = [f(w)]
    while len(times) < REPEATS.get(workload, 3) and sum(times) < REPEAT_BUDGET:
        times.append(f(w))
    return min(times)


def measure(workload: str, implementation: str) -> dict | None:
    """Run one pair in a subprocess; epochs/s (see best_time) and that process's peak RSS."""
    code = (f"import sys; sys.path.insert(0, {os.path.dirname(__file__)!r}); import engine_speed as b; "
            f"print(b.best_time({workload!r}, {implementation!r}))")
    # cwd: `python -c` puts the working folder first on sys.path, where a checkout's fcviz would shadow
    # the baseline on PYTHONPATH; the benchmarks folder holds no fcviz.
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=environment(implementation), cwd=os.path.dirname(os.path.abspath(__file__)))
    _, status, usage = os.wait4(proc.pid, 0)
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        return {"error": err.strip().splitlines()[-1] if err.strip() else f"exit {proc.returncode}"}
    seconds = float(out.strip().splitlines()[-1])
    return {"eps": WORKLOADS[workload].epochs / seconds, "rss_mb": usage.ru_maxrss / 1024}


def available(implementation: str) -> bool:
    """Without importing it: a child's peak RSS starts from its parent's (Linux keeps it over fork)."""
    if implementation == "fcviz before":
        return baseline_path() is not None
    module = REFERENCE_MODULES.get(implementation)
    return module is None or importlib.util.find_spec(module) is not None


def _number(eps: float) -> str:
    return f"{eps:,.1f}" if eps >= 10 else f"{eps:.3f}"


def engine_of(w: Workload) -> str:
    from fcviz.core import Network, engine
    net = Network(w.sizes, [w.hidden_activation] * (len(w.sizes) - 2) + [w.output_activation])
    return engine.choose(net)


def print_preset_engines() -> None:
    """Which engine trains each preset (the choice depends on the network only: fcviz.core.engine.choose)."""
    from fcviz.core.presets import PRESETS
    from fcviz.io.samples import open_preset
    print("engine of each preset:")
    for name in PRESETS:
        experiment = open_preset(name)
        net = experiment.net
        largest = max(layer.n_params for layer in net.layers)
        print(f"   {name:<12} {'-'.join(map(str, net.layer_sizes)):<10} largest layer {largest:>5,} parameters: "
              f"{experiment.trainer.engine}")


def rounds_of(workload: str, implementations: list[str], rounds: int) -> dict[str, list[dict]]:
    """Every implementation once per round, alternating, so a change of load hits them alike; each round
    starts one implementation later (A B C, B C A, C A B), so none always runs right after the same one."""
    runs: dict[str, list[dict]] = {impl: [] for impl in implementations}
    for round_ in range(rounds):
        shift = round_ % len(implementations)
        for impl in implementations[shift:] + implementations[:shift]:
            runs[impl].append(measure(workload, impl))
    return runs


def _summary(results: list[dict]) -> dict | None:
    """Best and median epochs/s and peak RSS of one implementation's rounds (None with the error if one failed)."""
    failed = [r["error"] for r in results if "error" in r]
    if failed:
        return {"error": failed[-1]}
    eps = [r["eps"] for r in results]
    return {"best": max(eps), "median": float(np.median(eps)), "eps": eps,
            "rss": max(r["rss_mb"] for r in results)}


HEADER = (f"{'':<3} {'implementation':<16} {'quiet epochs/s':>14} {'median':>11} {'RSS MB':>7} "
          f"{'fcviz ÷ it':>10} {'median':>7} {'loaded epochs/s':>15} {'slowdown':>9}")


def workload_rows(name: str, implementations: list[str], hog: bool) -> dict[str, dict]:
    """Measure one workload (quiet; then fcviz again with a busy process per core) and print its rows."""
    w = WORKLOADS[name]
    impls = [impl for impl in implementations if impl != "hand loop" or name == "W1"]
    rounds, engine = ROUNDS.get(name, 3), engine_of(w)
    print(f"{name}: {w.title} ({rounds} round{'s' * (rounds > 1)}; fcviz runs the {engine} engine)", flush=True)
    summary = {impl: _summary(results) for impl, results in rounds_of(name, impls, rounds).items()}
    summary["fcviz"]["engine"] = engine
    if hog:
        with busy_cores():
            loaded = _summary(rounds_of(name, ["fcviz"], LOADED_ROUNDS.get(name, 2))["fcviz"])
        summary["fcviz"]["loaded"] = loaded
    ours = summary["fcviz"]
    for impl, row in summary.items():
        if "error" in row:
            print(f"{'':<3} {impl:<16} failed: {row['error']}", flush=True)
            continue
        ratio_best = ratio_median = loaded_text = slowdown_text = ""
        if impl != "fcviz" and "error" not in ours:
            ratio_best = f"{ours['best'] / row['best']:.2f}x"
            ratio_median = f"{float(np.median([a / b for a, b in zip(ours['eps'], row['eps'])])):.2f}x"
        if "loaded" in row:
            if "error" in row["loaded"]:
                loaded_text = "failed"
            else:
                row["slowdown"] = row["best"] / row["loaded"]["best"]
                loaded_text, slowdown_text = _number(row["loaded"]["best"]), f"{row['slowdown']:.2f}x"
        print(f"{'':<3} {impl:<16} {_number(row['best']):>14} {_number(row['median']):>11} {row['rss']:>7,.0f} "
              f"{ratio_best:>10} {ratio_median:>7} {loaded_text:>15} {slowdown_text:>9}", flush=True)
    return summary


def same_engine_noise(summary: dict[str, dict]) -> float | None:
    """|fcviz ÷ fcviz numpy − 1|, best against best, when fcviz runs the NumPy engine: this run's own noise."""
    ours, numpy_engine = summary.get("fcviz", {}), summary.get("fcviz numpy", {})
    if ours.get("engine") != "numpy" or "best" not in ours or "best" not in numpy_engine:
        return None
    return abs(ours["best"] / numpy_engine["best"] - 1.0)


def verdicts(results: dict[str, dict[str, dict]], hog: bool) -> list[str]:
    """Issue 14's targets, best against best; where fcviz runs the NumPy engine, whether the margin is
    beyond this run's same-engine noise."""
    lines = []
    for name, summary in results.items():
        ours, noise = summary.get("fcviz", {}), same_engine_noise(summary)
        if noise is not None:
            lines.append(f"{name}: the same engine (fcviz ÷ fcviz numpy) differed by {noise:.1%} in this run")
        for reference, least in TARGETS.get(name, []):
            theirs = summary.get(reference)
            if theirs is None or "best" not in theirs or "best" not in ours:
                lines.append(f"{name}: fcviz ÷ {reference}: not measured ({reference} not available)")
                continue
            ratio = ours["best"] / theirs["best"]
            verdict = "OK" if ratio >= least else "MISSED"
            if noise is not None:
                verdict += f", {'beyond' if abs(ratio / least - 1.0) > noise else 'within'} the same-engine noise"
            lines.append(f"{name}: fcviz ÷ {reference} {ratio:.2f}x (target ≥ {least:g}x) {verdict}")
        if hog and "slowdown" in ours:
            lines.append(f"{name}: loaded ÷ quiet time {ours['slowdown']:.2f}x (limit {LOADED_LIMIT:g}x) "
                         f"{'OK' if ours['slowdown'] <= LOADED_LIMIT else 'MISSED'}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workloads", nargs="*", choices=[[], *WORKLOADS], help="default: all")
    parser.add_argument("--hog", action="store_true",
                        help="after each workload's quiet rounds, time fcviz again with one busy process per core")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    names = args.workloads or list(WORKLOADS)
    implementations = [impl for impl in IMPLEMENTATIONS if available(impl)]
    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores; "
          f"loaded: {'one busy process per core, fcviz only' if args.hog else 'not measured (--hog)'}")
    for impl in IMPLEMENTATIONS:
        if impl not in implementations:
            hint = "; pip install '.[bench]' (a CPU wheel of PyTorch will do)" if impl in REFERENCE_MODULES else ""
            print(f"({impl} is not installed: its row is skipped{hint})")
    print_preset_engines()
    print(HEADER, flush=True)
    results = {name: workload_rows(name, implementations, args.hog) for name in names}
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("targets (issue 14), best of each:")
    for line in verdicts(results, args.hog):
        print("   " + line)


if __name__ == "__main__":
    main()
