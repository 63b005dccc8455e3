"""Section 2 figures: small real training runs and optimiser simulations in NumPy."""

import itertools
import math

import numpy as np

from . import figure, new_figure

# Shared pieces ------------------------------------------------------------


def _regression_data(seed: int = 0, n: int = 1000, d: int = 20):
    """Linear-regression data with feature scales spread over two decades."""
    rng = np.random.default_rng(seed)
    scales = np.logspace(0, -1.5, d)
    x = rng.normal(0, 1, (n, d)) * scales
    w_true = rng.normal(0, 1, d)
    y = x @ w_true + rng.normal(0, 0.3, n)
    return x, y


def _mse(x, y, w):
    return float(np.mean((x @ w - y) ** 2) / 2)


def _teacher_data(seed: int, n: int, d: int = 20, flip: float = 0.0):
    """Binary classification labelled by a random two-layer teacher network."""
    rng = np.random.default_rng(seed)
    t1 = rng.normal(0, 1, (d, 16)) / math.sqrt(d)
    t2 = rng.normal(0, 1, 16)

    def sample(m, r):
        x = r.normal(0, 1, (m, d))
        y = (np.tanh(x @ t1 * 2) @ t2 > 0).astype(float)
        return x, y

    x, y = sample(n, rng)
    xv, yv = sample(2000, rng)
    noisy = np.zeros(n, dtype=bool)
    if flip:
        noisy = rng.random(n) < flip
        y = np.where(noisy, 1 - y, y)
    return x, y, xv, yv, noisy


class _MLP:
    """ReLU MLP with a single logit output and binary cross-entropy."""

    def __init__(self, sizes, rng, scale=None):
        self.params = []
        for fan_in, fan_out in itertools.pairwise(sizes):
            std = math.sqrt(2 / fan_in) if scale is None else scale
            self.params += [rng.normal(0, std, (fan_in, fan_out)), np.zeros(fan_out)]

    def forward(self, x, drop=0.0, rng=None):
        self.cache = []
        h = x
        n_layers = len(self.params) // 2
        for i in range(n_layers):
            w, b = self.params[2 * i], self.params[2 * i + 1]
            z = h @ w + b
            if i < n_layers - 1:
                a = np.maximum(z, 0)
                mask = None
                if drop:
                    mask = (rng.random(a.shape) >= drop) / (1 - drop)
                    a = a * mask
                self.cache.append((h, z, mask))
                h = a
            else:
                self.cache.append((h, z, None))
        return z[:, 0]

    def loss_grad(self, x, y, drop=0.0, rng=None):
        logit = self.forward(x, drop, rng)
        p = 1 / (1 + np.exp(-np.clip(logit, -30, 30)))
        loss = float(np.mean(np.logaddexp(0, logit) - y * logit))
        g = ((p - y) / len(y))[:, None]
        grads = [None] * len(self.params)
        n_layers = len(self.params) // 2
        for i in range(n_layers - 1, -1, -1):
            h, z, mask = self.cache[i]
            if i < n_layers - 1:
                if mask is not None:
                    g = g * mask
                g = g * (z > 0)
            grads[2 * i] = h.T @ g
            grads[2 * i + 1] = g.sum(0)
            g = g @ self.params[2 * i].T
        return loss, grads

    def evaluate(self, x, y):
        logit = self.forward(x)
        loss = float(np.mean(np.logaddexp(0, logit) - y * logit))
        acc = float(np.mean((logit > 0) == (y > 0.5)))
        return loss, acc


def _batches(rng, n, batch):
    order = rng.permutation(n)
    for start in range(0, n - batch + 1, batch):
        yield order[start : start + batch]


# 2.1 ---------------------------------------------------------------------


def _sgd_regression(lr_of_step, epochs, batch, seed=1, clip=None, data=None, eval_data=None):
    x, y = data if data is not None else _regression_data()
    xe, ye = eval_data if eval_data is not None else (x, y)
    rng = np.random.default_rng(seed)
    w = np.zeros(x.shape[1])
    losses, norms, step = [], [], 0
    for _ in range(epochs):
        for idx in _batches(rng, len(x), batch):
            g = x[idx].T @ (x[idx] @ w - y[idx]) / batch
            norm = float(np.linalg.norm(g))
            norms.append(norm)
            if clip is not None and norm > clip:
                g = g * (clip / norm)
            w = w - lr_of_step(step) * g
            step += 1
            losses.append(_mse(xe, ye, w))
    return np.array(losses), np.array(norms)


@figure("train-gd-fig-three-learning-rates")
def three_learning_rates():
    fig, ax = new_figure(5.2, 3.4)
    runs = [("curve A", 0.02, "-"), ("curve B", 1.5, "--"), ("curve C", 0.3, "-.")]
    for label, lr, style in runs:
        losses, _ = _sgd_regression(lambda s, lr=lr: lr, epochs=10, batch=8)
        ax.plot(np.arange(1, len(losses) + 1), losses, style, lw=1.2, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("update step")
    ax.set_ylabel("training MSE (log scale)")
    ax.legend(fontsize=8)
    return fig


def _lr_finder(seed=0, steps=300, lr_min=1e-4, lr_max=10.0, batch=128, momentum=0.9):
    """An LR range test: SGD with momentum, learning rate raised every step."""
    x, y, _, _, _ = _teacher_data(seed, 4000)
    rng = np.random.default_rng(seed + 1)
    net = _MLP([20, 64, 64, 1], rng)
    vel = [np.zeros_like(p) for p in net.params]
    lrs, smooth = [], []
    avg = 0.0
    best = np.inf
    for step in range(steps):
        lr = lr_min * (lr_max / lr_min) ** (step / (steps - 1))
        idx = rng.integers(0, len(x), batch)
        loss, grads = net.loss_grad(x[idx], y[idx])
        if not np.isfinite(loss):
            break
        avg = 0.9 * avg + 0.1 * loss
        value = avg / (1 - 0.9 ** (step + 1))
        lrs.append(lr)
        smooth.append(value)
        best = min(best, value)
        if value > 4 * best:
            break
        for p, v, g in zip(net.params, vel, grads, strict=False):
            v *= momentum
            v += g
            p -= lr * v
    return np.array(lrs), np.array(smooth)


@figure("train-gd-fig-lr-finder")
def lr_finder():
    fig, ax = new_figure(5.2, 3.4)
    lrs, smooth = _lr_finder()
    ax.plot(lrs, smooth, lw=2)
    ax.set_xscale("log")
    ax.set_xlabel("learning rate (log scale, raised every step)")
    ax.set_ylabel("smoothed training loss")
    return fig


@figure("train-gd-fig-batch-size-epochs-vs-steps")
def batch_size_epochs_vs_steps():
    fig, axes = new_figure(6.2, 3.0, ncols=2)
    n = 1000
    for batch, style in [(8, "-"), (250, "--")]:
        losses, _ = _sgd_regression(lambda s: 0.1, epochs=20, batch=batch)
        steps = np.arange(1, len(losses) + 1)
        per_epoch = n // batch
        axes[0].plot(steps / per_epoch, losses, style, lw=1.6, label=f"batch {batch}")
        axes[1].plot(steps, losses, style, lw=1.6, label=f"batch {batch}")
    axes[0].set_xlabel("epoch")
    axes[1].set_xlabel("update step (log scale)")
    axes[1].set_xscale("log")
    for ax in axes:
        ax.set_yscale("log")
        ax.set_ylabel("training MSE (log scale)")
    axes[0].legend(fontsize=8)
    return fig


def _balanced_regression_data(seed: int = 0, n: int = 1000, d: int = 20):
    """Like _regression_data, but every eigendirection starts with a similar loss."""
    rng = np.random.default_rng(seed)
    scales = np.logspace(0, -1.5, d)
    x = rng.normal(0, 1, (n, d)) * scales
    w_true = 0.3 * rng.normal(0, 1, d) / scales
    y = x @ w_true + rng.normal(0, 0.3, n)
    return x, y


@figure("train-gd-fig-early-step-decay")
def early_step_decay():
    fig, ax = new_figure(5.2, 3.4)
    per_epoch = 125
    runs = [
        ("run A: ×0.1 at epoch 45", 45, "-"),
        ("run B: ×0.1 at epoch 3", 3, "--"),
    ]
    for label, drop_epoch, style in runs:
        sched = lambda s, d=drop_epoch: 0.3 if s < d * per_epoch else 0.03  # noqa: E731
        losses, _ = _sgd_regression(sched, epochs=60, batch=8, data=_balanced_regression_data())
        epochs = np.arange(1, len(losses) + 1) / per_epoch
        ax.plot(epochs, losses, style, lw=1.4, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training MSE (log scale)")
    ax.legend(fontsize=8)
    return fig


def _outlier_regression_data():
    """1% of the rows have 4x larger inputs and grossly wrong targets."""
    x, y = _regression_data(seed=4)
    rng = np.random.default_rng(5)
    rows = rng.random(len(x)) < 0.01
    clean = (x[~rows], y[~rows])
    x = x.copy()
    y = y.copy()
    x[rows] *= 4
    y[rows] += rng.normal(0, 10, rows.sum())
    return (x, y), clean


@figure("train-gd-fig-gradient-clipping")
def gradient_clipping():
    fig, axes = new_figure(6.2, 3.2, ncols=2)
    data, clean = _outlier_regression_data()
    for label, clip, style in [("run A", None, "-"), ("run B", 1.0, "--")]:
        losses, norms = _sgd_regression(
            lambda s: 0.3, epochs=4, batch=8, clip=clip, data=data, eval_data=clean
        )
        axes[0].plot(losses, style, lw=1.2, label=label)
        axes[1].plot(norms, style, lw=1.0, label=label)
    axes[0].set_yscale("log")
    axes[0].set_ylabel("MSE on the clean 99% (log scale)")
    axes[1].set_yscale("log")
    axes[1].set_ylabel("mini-batch gradient norm\n(before any change)")
    for ax in axes:
        ax.set_xlabel("update step")
    axes[0].legend(fontsize=8)
    return fig


# 2.2 ---------------------------------------------------------------------


def _quadratic_paths(curv=(1.0, 25.0), start=(-4.5, 1.5), steps=60):
    a = np.array(curv)
    paths = {}
    # plain gradient descent
    p = np.array(start)
    path = [p.copy()]
    for _ in range(steps):
        p = p - 0.075 * a * p
        path.append(p.copy())
    paths["gd"] = np.array(path)
    # heavy-ball momentum
    p, v = np.array(start), np.zeros(2)
    path = [p.copy()]
    for _ in range(steps):
        v = 0.9 * v + a * p
        p = p - 0.012 * v
        path.append(p.copy())
    paths["momentum"] = np.array(path)
    # Adam
    p, m, s = np.array(start), np.zeros(2), np.zeros(2)
    path = [p.copy()]
    for t in range(1, steps + 1):
        g = a * p
        m = 0.9 * m + 0.1 * g
        s = 0.999 * s + 0.001 * g * g
        p = p - 0.25 * (m / (1 - 0.9**t)) / (np.sqrt(s / (1 - 0.999**t)) + 1e-8)
        path.append(p.copy())
    paths["adam"] = np.array(path)
    return paths


@figure("train-opt-fig-optimizer-paths")
def optimizer_paths():
    fig, ax = new_figure(5.4, 3.6)
    xs = np.linspace(-5, 2.5, 200)
    ys = np.linspace(-2, 2, 200)
    gx, gy = np.meshgrid(xs, ys)
    ax.contour(gx, gy, 0.5 * (gx**2 + 25 * gy**2), levels=[0.5, 2, 5, 10, 20, 35], colors="0.75")
    paths = _quadratic_paths()
    for label, key, style, marker in [
        ("path 1", "momentum", "-", "o"),
        ("path 2", "adam", "--", "s"),
        ("path 3", "gd", ":", "^"),
    ]:
        p = paths[key][:41]
        ax.plot(p[:, 0], p[:, 1], style, marker=marker, ms=3, lw=1.3, label=label)
    ax.plot([-4.5], [1.5], "k*", ms=10)
    ax.plot([0], [0], "kx", ms=8)
    ax.set_xlabel("parameter $\\theta_1$ (curvature 1)")
    ax.set_ylabel("$\\theta_2$ (curvature 25)")
    ax.set_xlim(-5, 2.5)
    ax.set_ylim(-2, 2)
    ax.legend(fontsize=8, loc="lower right")
    return fig


@figure("train-opt-fig-momentum-ringing")
def momentum_ringing():
    fig, ax = new_figure(5.2, 3.4)
    lam = np.logspace(-2, 0, 10)
    for beta, style in [(0.0, ":"), (0.9, "-"), (0.99, "--")]:
        x, v = np.ones_like(lam), np.zeros_like(lam)
        dist = []
        for _ in range(600):
            dist.append(np.linalg.norm(x))
            v = beta * v + lam * x
            x = x - 1.0 * v
        ax.plot(dist, style, lw=1.6, label=f"momentum $\\beta$ = {beta}")
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("distance to the minimum (log scale)")
    ax.legend(fontsize=8)
    return fig


@figure("train-opt-fig-adagrad-rmsprop-steps")
def adagrad_rmsprop_steps():
    fig, ax = new_figure(5.2, 3.4)
    rng = np.random.default_rng(0)
    g = rng.normal(0.1, 1.0, 10000)
    acc = np.cumsum(g**2)
    ema = np.zeros_like(g)
    e = 0.0
    for t, gt in enumerate(g):
        e = 0.9 * e + 0.1 * gt * gt
        ema[t] = e
    steps = np.arange(1, len(g) + 1)
    ax.loglog(steps, 1 / np.sqrt(acc + 1e-8), "-", lw=1.4, label="optimiser P")
    ax.loglog(steps, 1 / np.sqrt(ema + 1e-8), "--", lw=0.8, label="optimiser Q")
    ax.set_xlabel("step (log scale)")
    ax.set_ylabel("step-size multiplier\n$1/\\sqrt{\\text{state}}$ (log scale)")
    ax.legend(fontsize=8, loc="lower left")
    return fig


@figure("train-opt-fig-adam-first-steps")
def adam_first_steps():
    fig, ax = new_figure(5.2, 3.4)
    rng = np.random.default_rng(1)
    g = rng.normal(1.0, 0.1, 5000)
    for label, correct, style in [("run A", True, "-"), ("run B", False, "--")]:
        m = v = 0.0
        ratio = []
        for t, gt in enumerate(g, start=1):
            m = 0.9 * m + 0.1 * gt
            v = 0.999 * v + 0.001 * gt * gt
            mh, vh = (m / (1 - 0.9**t), v / (1 - 0.999**t)) if correct else (m, v)
            ratio.append(mh / (math.sqrt(vh) + 1e-8))
        ax.plot(np.arange(1, len(g) + 1), ratio, style, lw=1.8, label=label)
    ax.set_xscale("log")
    ax.set_xlabel("step (log scale)")
    ax.set_ylabel("update size / learning rate")
    ax.legend(fontsize=8)
    return fig


@figure("train-opt-fig-sgd-vs-adam-scales")
def sgd_vs_adam_scales():
    fig, axes = new_figure(6.2, 3.0, ncols=2)
    a = np.array([100.0, 0.01])
    for ax, name in zip(axes, ["SGD, lr 0.019", "Adam, lr 0.01"], strict=False):
        p, m, s = np.array([1.0, 1.0]), np.zeros(2), np.zeros(2)
        hist = []
        for t in range(1, 501):
            hist.append(np.abs(p))
            g = a * p
            if name.startswith("SGD"):
                p = p - 0.019 * g
            else:
                m = 0.9 * m + 0.1 * g
                s = 0.999 * s + 0.001 * g * g
                p = p - 0.01 * (m / (1 - 0.9**t)) / (np.sqrt(s / (1 - 0.999**t)) + 1e-8)
        hist = np.array(hist)
        ax.plot(np.maximum(hist[:, 0], 1e-6), "-", lw=1.6, label="$|\\theta_1|$, curvature 100")
        ax.plot(np.maximum(hist[:, 1], 1e-6), "--", lw=1.6, label="$|\\theta_2|$, curvature 0.01")
        ax.set_yscale("log")
        ax.set_ylim(1e-6, 3)
        ax.set_title(name)
        ax.set_xlabel("step")
    axes[0].set_ylabel("distance from optimum (log)")
    axes[0].legend(fontsize=9, loc="center right")
    return fig


@figure("train-opt-fig-nesterov-vs-heavy-ball")
def nesterov_vs_heavy_ball():
    fig, ax = new_figure(5.2, 3.4)
    lam, lr, beta = 1.0, 0.1, 0.9
    for label, nesterov, style in [("method X", False, "-"), ("method Y", True, "--")]:
        theta, v = 5.0, 0.0
        path = [theta]
        for _ in range(80):
            look = theta + beta * v if nesterov else theta
            v = beta * v - lr * lam * look
            theta = theta + v
            path.append(theta)
        ax.plot(path, style, lw=1.8, label=label)
    ax.axhline(0, color="0.4", lw=1)
    ax.set_xlabel("step")
    ax.set_ylabel("parameter $\\theta$ (minimum at 0)")
    ax.legend(fontsize=8)
    return fig


# 2.3 ---------------------------------------------------------------------


def _train_mlp(x, y, xv, yv, epochs, drop=0.0, lr=0.05, batch=50, sizes=None, seed=0):
    """Mini-batch SGD with momentum; per epoch: mean train-mode batch loss, val loss/acc."""
    rng = np.random.default_rng(seed)
    net = _MLP(sizes or [x.shape[1], 256, 256, 1], rng)
    vel = [np.zeros_like(p) for p in net.params]
    hist = {"train": [], "val": [], "val_acc": []}
    for _ in range(epochs):
        batch_losses = []
        for idx in _batches(rng, len(x), batch):
            loss, grads = net.loss_grad(x[idx], y[idx], drop=drop, rng=rng)
            batch_losses.append(loss)
            for p, v, g in zip(net.params, vel, grads, strict=False):
                v *= 0.9
                v += g
                p -= lr * v
        hist["train"].append(float(np.mean(batch_losses)))
        vl, va = net.evaluate(xv, yv)
        hist["val"].append(vl)
        hist["val_acc"].append(va)
    return hist


@figure("train-reg-fig-dropout-train-above-val")
def dropout_train_above_val():
    fig, ax = new_figure(5.2, 3.4)
    x, y, xv, yv, _ = _teacher_data(2, 1000)
    epochs = np.arange(1, 41)
    for drop, name, colour in [(0.0, "no dropout", "tab:blue"), (0.5, "dropout 0.5", "tab:orange")]:
        h = _train_mlp(x, y, xv, yv, 40, drop=drop, lr=0.01)
        ax.plot(epochs, h["train"], "-", color=colour, lw=1.6, label=f"{name}: training")
        ax.plot(epochs, h["val"], "--", color=colour, lw=1.6, label=f"{name}: validation")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy loss")
    ax.legend(fontsize=8)
    return fig


def _sparse_regression(seed: int = 3, n: int = 200, d: int = 100, k: int = 10):
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, (n, d))
    w = np.zeros(d)
    w[:k] = rng.choice([-1, 1], k) * rng.uniform(1, 2, k)
    y = x @ w + rng.normal(0, 1.0, n)
    return x, y


@figure("train-reg-fig-weight-histograms")
def weight_histograms():
    fig, axes = new_figure(6.2, 3.0, ncols=2)
    x, y = _sparse_regression()
    n, d = x.shape
    # L2 (ridge), closed form: minimise |Xw - y|^2 / 2n + lam/2 |w|^2
    ridge = np.linalg.solve(x.T @ x / n + 0.1 * np.eye(d), x.T @ y / n)
    # L1 (lasso) by proximal gradient (ISTA): |Xw - y|^2 / 2n + lam |w|_1
    step = 1 / np.linalg.eigvalsh(x.T @ x / n).max()
    lasso = np.zeros(d)
    for _ in range(3000):
        z = lasso - step * (x.T @ (x @ lasso - y) / n)
        lasso = np.sign(z) * np.maximum(np.abs(z) - step * 0.1, 0)
    bins = np.linspace(-2.2, 2.2, 45)
    for ax, (name, w) in zip(axes, [("model P", lasso), ("model Q", ridge)], strict=False):
        ax.hist(w, bins=bins, color="tab:blue")
        ax.set_title(f"{name}\n{int(np.sum(w == 0))} of {d} weights exactly 0", fontsize=9)
        ax.set_xlabel("weight value")
        ax.set_yscale("log")
        ax.set_ylim(0.8, 150)
    axes[0].set_ylabel("number of weights (log scale)")
    return fig


def _poly_data(seed: int, n: int):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, n)
    return x, np.sin(3 * x) + rng.normal(0, 0.3, n)


def _poly_fit_errors(degree, x, y, xv, yv):
    coef = np.polynomial.legendre.legfit(x, y, degree)
    train = np.mean((np.polynomial.legendre.legval(x, coef) - y) ** 2)
    val = np.mean((np.polynomial.legendre.legval(xv, coef) - yv) ** 2)
    return train, val


@figure("train-reg-fig-degree-sweep")
def degree_sweep():
    fig, ax = new_figure(5.2, 3.4)
    x, y = _poly_data(0, 20)
    xv, yv = _poly_data(1, 1000)
    degrees = np.arange(0, 16)
    errs = np.array([_poly_fit_errors(k, x, y, xv, yv) for k in degrees])
    ax.plot(degrees, errs[:, 0], "o-", lw=1.6, label="training MSE")
    ax.plot(degrees, errs[:, 1], "s--", lw=1.6, label="validation MSE")
    ax.set_yscale("log")
    ax.set_xlabel("polynomial degree (20 training points)")
    ax.set_ylabel("mean squared error (log scale)")
    ax.legend(fontsize=8)
    return fig


@figure("train-reg-fig-training-set-size")
def training_set_size():
    fig, ax = new_figure(5.2, 3.4)
    xv, yv = _poly_data(1, 2000)
    sizes = np.array([15, 20, 30, 50, 80, 130, 200, 320, 500])
    train, val = [], []
    for n in sizes:
        runs = [_poly_fit_errors(10, *_poly_data(100 + r, n), xv, yv) for r in range(20)]
        train.append(np.median([t for t, _ in runs]))
        val.append(np.median([v for _, v in runs]))
    ax.plot(sizes, train, "o-", lw=1.6, label="training MSE")
    ax.plot(sizes, val, "s--", lw=1.6, label="validation MSE")
    ax.axhline(0.09, color="0.5", lw=1, ls=":", label="noise level (best possible)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks([15, 30, 50, 100, 200, 500], labels=["15", "30", "50", "100", "200", "500"])
    ax.minorticks_off()
    ax.set_xlabel("training examples (log scale)")
    ax.set_ylabel("MSE, median of 20 runs (log)")
    ax.legend(fontsize=8)
    return fig


# 2.4 ---------------------------------------------------------------------


def _logreg_trial(lr, wd, seed=0, epochs=5):
    """Logistic regression with SGD and L2 weight decay; returns validation loss."""
    x, y, xv, yv, _ = _teacher_data(7, 1000)
    rng = np.random.default_rng(seed)
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(epochs):
        for idx in _batches(rng, len(x), 20):
            z = np.clip(x[idx] @ w + b, -30, 30)
            g = 1 / (1 + np.exp(-z)) - y[idx]
            w = w - lr * (x[idx].T @ g / len(idx) + wd * w)
            b = b - lr * g.mean()
    z = xv @ w + b
    return float(np.mean(np.logaddexp(0, z) - yv * z))


@figure("train-hpo-fig-random-search-scatter")
def random_search_scatter():
    fig, axes = new_figure(6.2, 3.0, ncols=2)
    rng = np.random.default_rng(11)
    lrs = 10 ** rng.uniform(-4, 0.5, 40)
    wds = 10 ** rng.uniform(-6, -2, 40)
    losses = np.array([_logreg_trial(lr, wd) for lr, wd in zip(lrs, wds, strict=False)])
    for ax, values, name in [(axes[0], lrs, "learning rate"), (axes[1], wds, "weight decay")]:
        ax.scatter(values, losses, s=16)
        ax.set_xscale("log")
        ax.set_xlabel(f"{name} (log scale)")
    axes[0].set_ylabel("validation loss after 5 epochs")
    return fig


@figure("train-hpo-fig-lr-batch-interaction")
def lr_batch_interaction():
    fig, ax = new_figure(5.2, 3.4)
    lrs = 10 ** np.linspace(-3, 0.25, 14)
    for batch, style in [(8, "o-"), (32, "s--"), (128, "^-.")]:
        finals = []
        for lr in lrs:
            losses, _ = _sgd_regression(lambda s, lr=lr: lr, epochs=3, batch=batch)
            finals.append(losses[-1] if np.isfinite(losses[-1]) else np.inf)
        finals = np.minimum(np.array(finals), 10.0)
        ax.plot(lrs, finals, style, ms=4, lw=1.4, label=f"batch {batch}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("training MSE after 3 epochs\n(capped at 10)")
    ax.legend(fontsize=8)
    return fig


def _gp_posterior(xs, ys, grid, length=0.6, noise=1e-4):
    k = lambda a, b: np.exp(-0.5 * (a[:, None] - b[None, :]) ** 2 / length**2)  # noqa: E731
    mu0 = ys.mean()
    kxx = k(xs, xs) + noise * np.eye(len(xs))
    kgx = k(grid, xs)
    alpha = np.linalg.solve(kxx, ys - mu0)
    mean = mu0 + kgx @ alpha
    var = 1 - np.sum(kgx * np.linalg.solve(kxx, kgx.T).T, axis=1)
    scale = ys.std()
    return mean, scale * np.sqrt(np.maximum(var, 1e-12))


@figure("train-hpo-fig-bayes-opt")
def bayes_opt():
    fig, axes = new_figure(5.2, 4.4, nrows=2)
    log_lrs = np.array([-3.5, -2.6, -1.2, -0.4, 0.3])
    losses = np.array([_logreg_trial(10**v, 1e-5) for v in log_lrs])
    grid = np.linspace(-4, 0.5, 400)
    mean, std = _gp_posterior(log_lrs, losses, grid)
    best = losses.min()
    z = (best - mean) / std
    cdf = 0.5 * (1 + np.vectorize(math.erf)(z / math.sqrt(2)))
    pdf = np.exp(-(z**2) / 2) / math.sqrt(2 * math.pi)
    ei = (best - mean) * cdf + std * pdf
    ax = axes[0]
    ax.fill_between(
        grid, mean - 2 * std, mean + 2 * std, color="tab:blue", alpha=0.2, label="mean ± 2 sd"
    )
    ax.plot(grid, mean, color="tab:blue", lw=1.6, label="surrogate mean")
    ax.plot(log_lrs, losses, "ko", ms=5, label="trials run")
    ax.set_ylabel("validation loss")
    ax.legend(fontsize=7, loc="upper right")
    axes[1].plot(grid, ei, color="tab:green", lw=1.6)
    axes[1].set_ylabel("expected\nimprovement")
    axes[1].set_xlabel("$\\log_{10}$ learning rate")
    return fig


# 2.5 ---------------------------------------------------------------------


def _tanh_layer_outputs(std, depth=10, width=256, seed=0):
    rng = np.random.default_rng(seed)
    h = rng.normal(0, 1, (500, width))
    outs = []
    for _ in range(depth):
        h = np.tanh(h @ rng.normal(0, std, (width, width)))
        outs.append(h)
    return outs


@figure("train-init-fig-tanh-activation-histograms")
def tanh_activation_histograms():
    fig, axes = new_figure(6.4, 2.8, ncols=3)
    width = 256
    cases = [
        ("weights N(0, 0.01²)", 0.01),
        ("weights N(0, 1/256)", 1 / math.sqrt(width)),
        ("weights N(0, 1)", 1.0),
    ]
    bins = np.linspace(-1, 1, 41)
    for ax, (title, std) in zip(axes, cases, strict=False):
        out = _tanh_layer_outputs(std)[-1].ravel()
        ax.hist(out, bins=bins, color="tab:blue", weights=np.full(out.size, 100 / out.size))
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("layer-10 output")
        ax.set_xlim(-1.05, 1.05)
    axes[0].set_ylabel("share of outputs (%)")
    return fig


def _imbalanced_run(bias_init, steps=300, seed=0):
    rng = np.random.default_rng(seed)
    n, d = 5000, 20
    x = rng.normal(0, 1, (n, d))
    w_true = rng.normal(0, 1, d)
    score = x @ w_true
    y = (score > np.quantile(score, 0.99)).astype(float)
    w, b = np.zeros(d), bias_init
    losses = []
    for _ in range(steps):
        idx = rng.integers(0, n, 64)
        z = x[idx] @ w + b
        p = 1 / (1 + np.exp(-z))
        losses.append(float(np.mean(np.logaddexp(0, z) - y[idx] * z)))
        g = p - y[idx]
        w = w - 0.1 * x[idx].T @ g / len(idx)
        b = b - 0.1 * g.mean()
    return np.array(losses)


@figure("train-init-fig-output-bias-hockey-stick")
def output_bias_hockey_stick():
    fig, ax = new_figure(5.2, 3.4)
    prior = math.log(0.01 / 0.99)
    for label, b0, style in [("run A", 0.0, "-"), ("run B", prior, "--")]:
        losses = _imbalanced_run(b0)
        smooth = np.convolve(losses, np.ones(5) / 5, mode="valid")
        ax.plot(np.arange(len(smooth)), smooth, style, lw=1.6, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("training step")
    ax.set_ylabel("training loss, 5-step mean (log)")
    ax.legend(fontsize=8)
    return fig
