"""nn.train: micrograd's demo reaches 100 %, histories are reproducible, divergence is named."""

import random

import pytest

import nn.train
from nn import (
    MLP,
    SGD,
    Adam,
    LinearDecay,
    TrainingDiverged,
    accuracy,
    bce_with_logits,
    evaluate,
    fit,
    hinge,
    make_blobs,
    make_moons,
    mse,
    predict,
    signed,
    softmax_cross_entropy,
)


def test_acceptance_micrograd_demo_recipe_reaches_full_training_accuracy():
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    X, y = make_moons(100, noise=0.1, seed=1337)
    labels = signed(y)
    optimizer = SGD(model, lr=LinearDecay(1.0, 0.1, 100))
    history = fit(model, X, labels, loss=hinge, l2=2e-4, optimizer=optimizer, epochs=100, progress=False)
    assert history.epochs == 100
    assert history.lr[0] == 1.0 and history.lr[-1] == pytest.approx(1.0 - 0.9 * 99 / 100)
    assert history.loss[-1] < history.loss[0]
    assert evaluate(model, X, labels, hinge)[1] == 1.0
    assert predict(model, X, hinge) == [int(t) for t in labels]


def _small_run(**options):
    model = MLP(2, [4, 1], rng=random.Random(0))
    X, y = make_moons(30, seed=2)
    options.setdefault("progress", False)
    return fit(model, X, signed(y), epochs=5, **options), model


@pytest.mark.parametrize("batch_size", [None, 1, 7])
def test_same_seed_same_history_in_every_batching_mode(batch_size):
    a, model_a = _small_run(batch_size=batch_size, seed=3)
    b, model_b = _small_run(batch_size=batch_size, seed=3)
    assert a == b
    assert [p.data for p in model_a.parameters()] == [p.data for p in model_b.parameters()]
    assert len(a.loss) == len(a.accuracy) == 5


def test_shuffling_depends_on_the_seed():
    assert _small_run(batch_size=1, seed=3)[0].loss != _small_run(batch_size=1, seed=4)[0].loss


def test_mini_batches_make_several_steps_per_epoch():
    model = MLP(2, [3, 1], rng=random.Random(0))
    X, y = make_moons(10, seed=0)
    optimizer = SGD(model, lr=0.01)
    fit(model, X, signed(y), optimizer=optimizer, epochs=2, batch_size=4, progress=False)
    assert optimizer.steps == 2 * 3


def test_full_batch_epoch_is_one_micrograd_step():
    random.seed(1)
    model = MLP(2, [3, 1])
    X, y = make_moons(10, seed=0)
    labels = signed(y)
    loss_before = hinge([model(x) for x in X], labels).data
    history = fit(model, X, labels, optimizer=SGD(model, lr=0.5), epochs=1, progress=False)
    assert history.loss == [pytest.approx(loss_before)]


def test_validation_callback_and_multiclass():
    X, y = make_blobs(45, centers=3, seed=0)
    model = MLP(2, [8, 3], rng=random.Random(0))
    seen = []
    history = fit(
        model,
        X[:30],
        y[:30],
        loss=softmax_cross_entropy,
        optimizer=Adam(model, lr=0.05),
        epochs=30,
        validation=(X[30:], y[30:]),
        callback=lambda epoch, h: seen.append((epoch, h.loss[-1])),
        progress=False,
    )
    assert [e for e, _ in seen] == list(range(1, 31))
    assert len(history.val_loss) == len(history.val_accuracy) == 30
    assert history.val_accuracy[-1] >= 0.9 and history.accuracy[-1] >= 0.9
    assert evaluate(model, X[30:], y[30:], softmax_cross_entropy)[1] == history.val_accuracy[-1]


def test_bce_and_regression_losses():
    X, y = make_moons(40, seed=0)
    model = MLP(2, [8, 1], rng=random.Random(0))
    history = fit(
        model, X, y, loss=bce_with_logits, optimizer=Adam(model, lr=0.05), epochs=20, progress=False
    )
    assert history.loss[-1] < history.loss[0] and history.accuracy[-1] > 0.7
    history = fit(model, X, signed(y), loss=mse, epochs=2, progress=False)
    assert history.accuracy == [None, None]


def test_labels_must_match_the_loss():
    X, y = make_moons(10, seed=0)
    model = MLP(2, [3, 1], rng=random.Random(0))
    with pytest.raises(ValueError, match=r"hinge expects labels ±1 \(use nn.data.signed"):
        fit(model, X, y, loss=hinge, progress=False)
    with pytest.raises(ValueError, match="as many labels"):
        fit(model, X, y[:3], progress=False)


def test_divergence_names_the_epoch():
    X, y = make_moons(20, seed=0)
    model = MLP(2, [8, 1], rng=random.Random(0))
    with pytest.raises(TrainingDiverged, match=r"epoch \d+") as caught:
        fit(model, X, signed(y), loss=mse, optimizer=SGD(model, lr=1e6), epochs=50, progress=False)
    assert caught.value.epoch >= 1


def test_accuracy_rules():
    from autograd import Value

    assert accuracy([Value(0.5), Value(-0.2)], [1.0, 1.0], hinge) == 0.5
    assert accuracy([Value(0.5), Value(-0.2)], [1, 0], bce_with_logits) == 1.0
    assert accuracy([[Value(0.1), Value(0.9)]], [1], softmax_cross_entropy) == 1.0
    assert accuracy([Value(0.1)], [0.1], mse) is None


def test_progress_bar_writes_to_stderr_when_asked(capsys):
    _small_run(progress=True)
    assert "epoch" in capsys.readouterr().err
    _small_run(progress=None)  # not a terminal under pytest: quiet
    assert capsys.readouterr().err == ""


def test_in_a_notebook_the_bar_shows_by_default_on_standard_output(monkeypatch, capsys):
    """JupyterLab shows standard error on a pink background: there the bar goes to stdout."""
    pytest.importorskip("tqdm", reason="the train extra (tqdm) is not installed")
    monkeypatch.setattr(nn.train, "_in_notebook", lambda: True)
    X, y = make_moons(20, noise=0.1, seed=1)
    model = MLP(2, [4, 1], rng=random.Random(0))
    fit(model, X, signed(y), epochs=3)  # progress=None: shown in a notebook
    captured = capsys.readouterr()
    assert "3/3" in captured.out and "epoch" in captured.out and captured.err == ""
    monkeypatch.setattr(nn.train, "_in_notebook", lambda: False)
    fit(model, X, signed(y), epochs=3)  # piped (pytest captures): no bar at all
    captured = capsys.readouterr()
    assert captured.out == captured.err == ""


def test_in_a_jupyter_kernel_fit_shows_its_bar_on_standard_output(tmp_path):
    """A notebook cell that trains, run by a real kernel: the bar is an output on stdout, none on
    stderr (where JupyterLab would show it pink); here, with no kernel, none is recognised."""
    nbformat = pytest.importorskip("nbformat", reason="the notebooks extra is not installed")
    nbclient = pytest.importorskip("nbclient", reason="the notebooks extra is not installed")
    pytest.importorskip("tqdm", reason="the train extra (tqdm) is not installed")
    assert nn.train._in_notebook() is False
    cell = (
        "import random\n"
        "from nn import MLP, fit, make_moons, signed\n"
        "X, y = make_moons(20, noise=0.1, seed=1)\n"
        "fit(MLP(2, [4, 1], rng=random.Random(0)), X, signed(y), epochs=3);"
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)])
    nbclient.NotebookClient(notebook, timeout=60, kernel_name="python3").execute(cwd=str(tmp_path))
    streams = [output for output in notebook.cells[0].outputs if output.output_type == "stream"]
    stdout = "".join(output.text for output in streams if output.name == "stdout")
    assert "3/3" in stdout and all(output.name == "stdout" for output in streams), streams
