"""The command line: `fcviz train/summary/presets`, one-line errors with exit code 2."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from fcviz.cli import main

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
LAB_WEIGHTS = {
    "format": "fcviz-weights", "version": 1, "input_dim": 1, "layers": [
        {"units": 2, "activation": "sigmoid", "use_bias": True, "kernel": [[0.1, 0.9]], "bias": [0.6, -1.5]},
        {"units": 1, "activation": "sigmoid", "use_bias": True, "kernel": [[0.1], [0.9]], "bias": [0.2]},
    ]}
LAB_FLAGS = ["--scale", "none", "--hidden", "2", "--activation", "sigmoid", "--output-activation", "sigmoid",
             "--loss", "mse", "--optimizer", "sgd", "--lr", "0.5", "--batch-size", "full", "--no-shuffle"]


@pytest.fixture
def lab_weights(tmp_path):
    path = tmp_path / "lab.json"
    path.write_text(json.dumps(LAB_WEIGHTS))
    return path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_train_the_clothes_lab_reaches_the_seed_loss(capsys, tmp_path, lab_weights):
    history = tmp_path / "history.csv"
    weights = tmp_path / "trained.json"
    code, out, err = run(capsys, "train", SAMPLES / "clothes_size.csv", *LAB_FLAGS, "--epochs", 5000,
                         "--weights-in", lab_weights, "--weights-out", weights, "--history-out", history)
    assert code == 0, err
    last = out.strip().splitlines()[-1]
    assert last.startswith("epoch 5000 loss 0.00334376")
    assert "accuracy 1.0000" in last
    rows = history.read_text().splitlines()
    assert rows[0] == "epoch,loss" and len(rows) == 5001
    assert float(rows[1].split(",")[1]) == pytest.approx(0.36129466058859, abs=1e-12)
    trained = json.loads(weights.read_text())
    assert trained["layers"][0]["kernel"][0][0] == pytest.approx(1.96476354, abs=1e-6)


def test_progress_goes_to_stderr_and_quiet_prints_only_the_result(capsys):
    code, out, err = run(capsys, "train", SAMPLES / "clothes_size.csv", "--epochs", 3, "--quiet")
    assert code == 0 and err == "" and len(out.strip().splitlines()) == 1


def test_summary_is_keras_like(capsys):
    code, out, _ = run(capsys, "summary", "--hidden", "64,32", "--inputs", 20, "--outputs", 5)
    assert code == 0 and "Total params: 3,589" in out


def test_presets_lists_the_lab(capsys):
    code, out, _ = run(capsys, "presets")
    assert code == 0 and out.startswith("clothes")


@pytest.mark.parametrize("argv, message", [
    (["train", "missing.csv"], "missing.csv: file not found"),
    (["train", SAMPLES / "clothes_size.csv", "--lr", "0"], "the learning rate must be 1e-09 to 1e+06, got 0"),
    (["train", SAMPLES / "clothes_size.csv", "--activation", "sigmod"], "unknown activation 'sigmod'"),
    (["train", SAMPLES / "clothes_size.csv", "--activation", "__import__('os')"], "not an allowed function"),
    (["train", SAMPLES / "clothes_size.csv", "--hidden", "two"], "expected layer sizes"),
    (["train", SAMPLES / "clothes_size.csv", "--target", "nope"], "nope"),
    (["train"], "the following arguments are required: path"),
    (["summary", "--inputs", "x", "--outputs", "1"], "argument --inputs: expected a whole number, got 'x'"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("fcviz: error: ")
    assert message in err
    assert "Traceback" not in err


def test_weights_of_the_wrong_shape_are_refused(capsys, tmp_path):
    path = tmp_path / "w.json"
    wrong = json.loads(json.dumps(LAB_WEIGHTS))
    wrong["layers"][0]["kernel"] = [[0.1, 0.9, 0.3]]
    wrong["layers"][0]["units"] = 3
    path.write_text(json.dumps(wrong))
    code, _, err = run(capsys, "train", SAMPLES / "clothes_size.csv", *LAB_FLAGS, "--weights-in", path)
    assert code == 2 and "layer 1" in err and len(err.strip().splitlines()) == 1


def test_non_numeric_cell_names_row_and_column(capsys, tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("size,fits\n1.0,0\nabc,1\n2.0,1\n")
    code, _, err = run(capsys, "train", path)
    assert code == 2 and 'column "size"' in err and '"abc" is not a number' in err


def test_session_continues_exactly(capsys, tmp_path, lab_weights):
    session = tmp_path / "lab.fcviz"
    run(capsys, "train", SAMPLES / "clothes_size.csv", *LAB_FLAGS, "--epochs", 300,
        "--weights-in", lab_weights, "--save", session)
    code, out, err = run(capsys, "train", session, "--epochs", 200)
    assert code == 0, err
    _, straight, _ = run(capsys, "train", SAMPLES / "clothes_size.csv", *LAB_FLAGS, "--epochs", 500,
                         "--weights-in", lab_weights)
    assert out.strip().splitlines()[-1] == straight.strip().splitlines()[-1]
    assert out.strip().splitlines()[-1].startswith("epoch 500 ")


def test_session_refuses_architecture_flags(capsys, tmp_path):
    session = tmp_path / "lab.fcviz"
    run(capsys, "train", SAMPLES / "clothes_size.csv", "--epochs", 1, "--save", session)
    code, _, err = run(capsys, "train", session, "--hidden", "3")
    assert code == 2 and "--hidden" in err


def test_module_entry_point_runs_as_a_program():
    out = subprocess.run([sys.executable, "-m", "fcviz", "train", "nowhere.xlsx"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert out.stderr.strip() == "fcviz: error: nowhere.xlsx: file not found"


def test_digits_with_separate_target_sheet_learns(capsys):
    code, out, err = run(capsys, "train", SAMPLES / "digits.xlsx", "--sheet", "X", "--target-sheet", "y",
                         "--hidden", "32", "--activation", "relu", "--output-activation", "softmax",
                         "--loss", "cce", "--optimizer", "adam", "--lr", "0.01", "--epochs", "30")
    assert code == 0, err
    accuracy = float(out.split("accuracy")[1].split()[0])
    assert accuracy >= 0.95


def test_iris_learns_three_species(capsys):
    code, out, err = run(capsys, "train", SAMPLES / "iris.csv", "--hidden", "8", "--loss", "cce",
                         "--output-activation", "softmax", "--epochs", "200", "--lr", "0.01")
    assert code == 0, err
    assert float(out.split("accuracy")[1].split()[0]) >= 0.95
    assert np.isfinite(float(out.split("loss")[1].split()[0]))


# ---- real tables ----------------------------------------------------------------------


def write_rows(path, header, rows):
    path.write_text(header + "".join(rows))
    return path


def test_the_data_report_and_held_out_metrics(capsys, tmp_path):
    rows = [f"{k},{'?' if k == 3 else k % 5},{'ab'[k % 2]},{1 + k % 3}\n" for k in range(40)]
    path = write_rows(tmp_path / "data.csv", ",size,kind,label\n", rows)
    code, out, err = run(capsys, "train", path, "--test-fraction", "0.25", "--epochs", 5)
    assert code == 0, err
    assert err.splitlines()[:5] == [
        "rows: 40 read (with header), 0 dropped, 1 missing cells in 1 rows filled from the training rows "
        "(median / most frequent)",
        "inputs: 3 after one-hot encoding of kind; left out: column 1 (index or ID column)",
        "target: multi-class, 3 classes (1, 2, 3)",
        "loss cce, output softmax; inputs standardized (fitted on the training rows)",
        "split: 30 training rows, 10 test rows"]
    assert "trained 5 epochs" in err
    last = out.strip().splitlines()[-1]
    assert last.startswith("epoch 5 loss ") and " test_loss " in last and " test_accuracy " in last


def test_header_flags_and_column_positions(capsys, tmp_path):
    rows = [f"{k},{k * 2},{k % 2}\n" for k in range(1, 30)]
    path = write_rows(tmp_path / "plain.csv", "", rows)
    code, out, err = run(capsys, "train", path, "--no-header", "--features", "1:2", "--target", "-1",
                         "--epochs", 2)
    assert code == 0 and "rows: 29 read (no header)" in err
    code, _, err = run(capsys, "train", path, "--header", "--epochs", 2)
    assert code == 0 and "rows: 28 read (with header)" in err


@pytest.mark.parametrize(("flags", "message"), [
    (["--loss", "bce"], 'fcviz: error: binary cross-entropy (bce) needs targets between 0 and 1, but "price" '
                        "holds 10 to 390; use mse for numbers, or cce for class labels"),
    (["--loss", "mse", "--output-activation", "sigmoid"],
     'fcviz: error: a sigmoid output lies between 0 and 1, but "price" holds 10 to 390; use a linear output'),
])
def test_impossible_settings_exit_2_with_one_line(capsys, tmp_path, flags, message):
    path = write_rows(tmp_path / "prices.csv", "size,price\n", [f"{k},{10 + 10 * k}\n" for k in range(39)])
    code, out, err = run(capsys, "train", path, *flags)
    assert code == 2 and err.strip() == message and out == ""


def test_cce_with_a_sigmoid_output_is_refused(capsys, tmp_path):
    path = write_rows(tmp_path / "labels.csv", "a,label\n", [f"{k},{1 + k % 3}\n" for k in range(30)])
    code, _, err = run(capsys, "train", path, "--loss", "cce", "--output-activation", "sigmoid")
    assert code == 2
    assert err.strip() == ("fcviz: error: categorical cross-entropy over 3 classes needs a softmax output, "
                           "not sigmoid")


def test_divergence_stops_says_where_and_exits_3(capsys, tmp_path):
    path = write_rows(tmp_path / "wide.csv", "a,b,y\n", [f"{k * 40},{k % 7},{k * 1000}\n" for k in range(40)])
    code, out, err = run(capsys, "train", path, "--scale", "none", "--optimizer", "sgd", "--lr", "1",
                         "--batch-size", "full", "--epochs", 500)
    assert code == 3
    assert "fcviz: training diverged at epoch " in err and "its best" in err and "try a lower learning rate" in err
    epoch = int(out.split()[1])
    assert epoch < 500 and f"trained {epoch} epochs" in err  # counts what was trained


def test_weights_json_and_numpy_export_carry_the_preprocessing(capsys, tmp_path):
    path = write_rows(tmp_path / "houses.csv", "rooms,area,price\n",
                      [f"{1 + k % 6},{50 + 7 * k},{45_000 + 20_000 * k + 3000 * (k % 6)}\n" for k in range(48)])
    weights, session = tmp_path / "w.json", tmp_path / "s.fcviz"
    code, out, err = run(capsys, "train", path, "--epochs", 20, "--weights-out", weights, "--save", session)
    assert code == 0, err
    document = json.loads(weights.read_text())
    assert document["preprocessing"]["scale"] == "standard" and document["preprocessing"]["y_scale"][0] > 1000
    from fcviz.io.session import load_session
    from fcviz.io.tables import load_dataset

    experiment = load_session(session)
    X = load_dataset(path).X
    expected = experiment.predict(X)
    assert expected.mean() > 10_000  # in the price's own units
    exported = tmp_path / "model.py"
    assert run(capsys, "export", weights, "--to", "numpy", "-o", exported)[0] == 0
    namespace: dict = {}
    exec(compile(exported.read_text(), str(exported), "exec"), namespace)
    np.testing.assert_allclose(namespace["predict"](X), expected, rtol=1e-12)
    with_gap = X[:2].copy()
    with_gap[0, 1] = np.nan
    np.testing.assert_allclose(namespace["predict"](with_gap)[0], experiment.predict(
        experiment.preprocessing.filled(with_gap))[0], rtol=1e-12)
    # the same weights file trains on from where it was, preprocessing and all
    code, again, _ = run(capsys, "train", path, "--epochs", 0, "--weights-in", weights, "--quiet")
    assert code == 0 and again.split()[4:6] == out.strip().splitlines()[-1].split()[4:6]  # the same r2
