"""Section 1 figures: small real computations in NumPy (fixed seeds)."""

import math

import numpy as np

from . import figure, new_figure

_erf = np.vectorize(math.erf)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# 1.2 ---------------------------------------------------------------------


def _four_datasets():
    rng = np.random.default_rng(1)
    n = 20
    sets = {}
    # A: two round blobs
    a0 = rng.normal([-1.5, -1.0], 0.45, size=(n, 2))
    a1 = rng.normal([1.5, 1.0], 0.45, size=(n, 2))
    sets["A"] = (a0, a1)
    # B: XOR, four clusters
    c = np.array([[-1.5, -1.5], [1.5, 1.5], [-1.5, 1.5], [1.5, -1.5]])
    pts = [rng.normal(c[k], 0.35, size=(n // 2, 2)) for k in range(4)]
    sets["B"] = (np.vstack(pts[:2]), np.vstack(pts[2:]))
    # C: a disc inside a ring
    r0 = rng.uniform(1.7, 2.3, n)
    t0 = rng.uniform(0, 2 * np.pi, n)
    r1 = rng.uniform(0.0, 0.8, n)
    t1 = rng.uniform(0, 2 * np.pi, n)
    sets["C"] = (
        np.c_[r0 * np.cos(t0), r0 * np.sin(t0)],
        np.c_[r1 * np.cos(t1), r1 * np.sin(t1)],
    )
    # D: two long parallel diagonal bands
    t = rng.uniform(-2.2, 2.2, n)
    u = rng.uniform(-2.2, 2.2, n)
    d0 = np.c_[t, t - 0.7 + rng.uniform(-0.25, 0.25, n)]
    d1 = np.c_[u, u + 0.7 + rng.uniform(-0.25, 0.25, n)]
    sets["D"] = (d0, d1)
    return sets


@figure("fund-perc-fig-four-datasets")
def four_datasets():
    fig, axes = new_figure(5.0, 5.0, ncols=2, nrows=2)
    for ax, (name, (x0, x1)) in zip(axes.flat, _four_datasets().items(), strict=False):
        ax.scatter(x0[:, 0], x0[:, 1], marker="o", s=22, label="class 0")
        ax.scatter(x1[:, 0], x1[:, 1], marker="x", s=26, label="class 1")
        ax.set_title(f"dataset {name}")
        ax.set_xlim(-3, 3)
        ax.set_ylim(-3, 3)
        ax.set_aspect("equal")
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
    axes.flat[0].legend(loc="upper left", fontsize=8)
    return fig


def _xor_mlp_weight_traces(constant: bool, epochs: int = 3000, lr: float = 0.5):
    """Full-batch GD on XOR with a 2-4-1 tanh/sigmoid MLP; trace W1[:, 0]."""
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    if constant:
        w1 = np.full((2, 4), 0.5)
        w2 = np.full((4, 1), 0.5)
    else:
        rng = np.random.default_rng(3)
        w1 = rng.normal(0, 1.0, (2, 4))
        w2 = rng.normal(0, 1.0, (4, 1))
    b1 = np.zeros(4)
    b2 = np.zeros(1)
    traces, losses = [], []
    for _ in range(epochs):
        h = np.tanh(x @ w1 + b1)
        p = _sigmoid(h @ w2 + b2)
        losses.append(float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))))
        traces.append(w1[0].copy())
        dz2 = (p - y) / len(x)
        dw2 = h.T @ dz2
        db2 = dz2.sum(0)
        dz1 = (dz2 @ w2.T) * (1 - h**2)
        dw1 = x.T @ dz1
        db1 = dz1.sum(0)
        w1 -= lr * dw1
        b1 -= lr * db1
        w2 -= lr * dw2
        b2 -= lr * db2
    return np.array(traces), np.array(losses)


@figure("fund-perc-fig-init-weight-traces")
def init_weight_traces():
    fig, axes = new_figure(6.0, 3.2, ncols=2)
    for ax, constant, title in [(axes[0], True, "run A"), (axes[1], False, "run B")]:
        traces, losses = _xor_mlp_weight_traces(constant)
        styles = ["-", "--", "-.", ":"]
        for j in range(4):
            ax.plot(traces[:, j], styles[j], lw=1.6, label=f"hidden unit {j + 1}")
        ax.set_title(f"{title} (final loss {losses[-1]:.2f})")
        ax.set_xlabel("epoch")
        ax.set_ylabel("weight from $x_1$")
    axes[1].legend(fontsize=7, loc="best")
    return fig


# 1.3 ---------------------------------------------------------------------


@figure("fund-act-fig-derivative-curves")
def derivative_curves():
    fig, ax = new_figure(5.2, 3.4)
    z = np.linspace(-5, 5, 1001)
    s = _sigmoid(z)
    phi = np.exp(-(z**2) / 2) / math.sqrt(2 * math.pi)
    gelu_d = 0.5 * (1 + _erf(z / math.sqrt(2))) + z * phi
    relu_d = np.where(z > 0, 1.0, 0.0)
    curves = [
        ("curve 1", gelu_d, "-"),
        ("curve 2", s * (1 - s), "--"),
        ("curve 3", relu_d, ":"),
        ("curve 4", 1 - np.tanh(z) ** 2, "-."),
    ]
    for label, d, style in curves:
        ax.plot(z, d, style, lw=2, label=label)
    ax.set_xlabel("input $z$")
    ax.set_ylabel("derivative $f'(z)$")
    ax.set_ylim(-0.25, 1.25)
    ax.legend(fontsize=8, loc="upper left")
    return fig


def _dead_fraction(lr: float, steps: int = 600, seed: int = 1):
    """A 10-100-1 ReLU regression MLP trained with mini-batch SGD.

    Returns the fraction of hidden units that output 0 for every training
    example, recorded after each step.
    """
    rng = np.random.default_rng(seed)
    n, d, width = 512, 10, 100
    x = rng.normal(0, 1, (n, d))
    y = np.sin(x[:, :1] * 2) + 0.5 * x[:, 1:2] ** 2 + 3.0
    w1 = rng.normal(0, math.sqrt(2 / d), (d, width))
    b1 = np.zeros(width)
    w2 = rng.normal(0, math.sqrt(1 / width), (width, 1))
    b2 = np.zeros(1)
    fractions, losses = [], []
    for _ in range(steps):
        idx = rng.integers(0, n, 32)
        xb, yb = x[idx], y[idx]
        z1 = xb @ w1 + b1
        h = np.maximum(z1, 0)
        out = h @ w2 + b2
        dout = 2 * (out - yb) / len(xb)
        dw2 = h.T @ dout
        db2 = dout.sum(0)
        dz1 = (dout @ w2.T) * (z1 > 0)
        w1 -= lr * (xb.T @ dz1)
        b1 -= lr * dz1.sum(0)
        w2 -= lr * dw2
        b2 -= lr * db2
        h_all = np.maximum(x @ w1 + b1, 0)
        fractions.append(1 - (h_all.max(0) > 0).mean())
        losses.append(float(np.mean((h_all @ w2 + b2 - y) ** 2)))
    return np.array(fractions), np.array(losses)


@figure("fund-act-fig-dead-relu-fraction")
def dead_relu_fraction():
    fig, axes = new_figure(6.2, 3.0, ncols=2)
    for lr, style in [(0.01, "-"), (0.075, "--")]:
        fractions, losses = _dead_fraction(lr)
        axes[0].plot(losses, style, lw=2, label=f"learning rate {lr}")
        axes[1].plot(100 * fractions, style, lw=2, label=f"learning rate {lr}")
    axes[0].set_yscale("log")
    axes[0].set_xlabel("training step")
    axes[0].set_ylabel("training MSE (log scale)")
    axes[0].legend(fontsize=8)
    axes[1].set_xlabel("training step")
    axes[1].set_ylabel("hidden units that output 0\non every training input (%)")
    axes[1].set_ylim(-3, 103)
    return fig


@figure("fund-act-fig-softmax-temperature")
def softmax_temperature():
    fig, axes = new_figure(6.0, 2.6, ncols=3)
    logits = np.array([2.0, 1.0, 0.2, -1.0])
    for ax, (panel, t) in zip(axes, [("A", 4.0), ("B", 0.25), ("C", 1.0)], strict=False):
        e = np.exp((logits - logits.max()) / t)
        p = e / e.sum()
        ax.bar(np.arange(1, 5), p, color="tab:blue")
        for k, v in enumerate(p):
            ax.text(k + 1, v + 0.02, f"{v:.2f}", ha="center", fontsize=8)
        ax.set_title(f"panel {panel}")
        ax.set_ylim(0, 1.1)
        ax.set_xticks([1, 2, 3, 4])
        ax.set_xlabel("class")
    axes[0].set_ylabel("probability")
    return fig


# 1.4 ---------------------------------------------------------------------


@figure("fund-loss-fig-margin-losses")
def margin_losses():
    fig, ax = new_figure(5.2, 3.4)
    m = np.linspace(-2, 3, 1001)
    ax.plot(m, np.where(m > 0, 0.0, 1.0), "-", lw=2, label="0–1 loss")
    ax.plot(m, np.maximum(0, 1 - m), "--", lw=2, label="hinge")
    ax.plot(m, np.log2(1 + np.exp(-m)), "-.", lw=2, label="logistic ($\\log_2$)")
    ax.plot(m, (1 - m) ** 2, ":", lw=2.4, label="squared $(1-m)^2$")
    ax.set_xlabel("margin $m = y\\,f(x)$, labels $y = \\pm 1$")
    ax.set_ylabel("loss for one example")
    ax.set_ylim(-0.1, 4)
    ax.legend(fontsize=8, loc="upper right")
    return fig


def _outlier_data():
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 10, 30)
    y = 1.5 * x + 2 + rng.normal(0, 1.0, 30)
    xo = np.array([8.0, 8.7, 9.3, 9.8])
    yo = 1.5 * xo + 2 - rng.uniform(14, 18, 4)
    return np.r_[x, xo], np.r_[y, yo]


def _fit_l2(x, y):
    a = np.c_[x, np.ones_like(x)]
    return np.linalg.lstsq(a, y, rcond=None)[0]


def _fit_l1(x, y, iters: int = 200):
    """Least absolute deviations by iteratively reweighted least squares."""
    a = np.c_[x, np.ones_like(x)]
    coef = _fit_l2(x, y)
    for _ in range(iters):
        r = np.abs(y - a @ coef)
        w = 1 / np.maximum(r, 1e-6)
        aw = a * w[:, None]
        coef = np.linalg.solve(a.T @ aw, aw.T @ y)
    return coef


@figure("fund-loss-fig-outlier-fits")
def outlier_fits():
    fig, ax = new_figure(5.2, 3.4)
    x, y = _outlier_data()
    ax.scatter(x, y, s=18, color="0.3", label="training data")
    grid = np.linspace(0, 10, 2)
    for name, coef, style in [("line A", _fit_l2(x, y), "--"), ("line B", _fit_l1(x, y), "-")]:
        ax.plot(grid, coef[0] * grid + coef[1], style, lw=2, label=f"{name}: slope {coef[0]:.2f}")
    ax.set_xlabel("input $x$")
    ax.set_ylabel("target $y$")
    ax.legend(fontsize=8, loc="upper left")
    return fig


# 1.5 ---------------------------------------------------------------------


@figure("fund-prop-fig-finite-difference-error", noisy=True)
def finite_difference_error():
    fig, ax = new_figure(5.2, 3.4)
    x0 = 1.0
    f = lambda x: np.exp(x) * np.sin(x)  # noqa: E731
    true = math.exp(x0) * (math.sin(x0) + math.cos(x0))
    h = 10.0 ** np.linspace(-14, 0, 57)
    forward = np.abs((f(x0 + h) - f(x0)) / h - true)
    central = np.abs((f(x0 + h) - f(x0 - h)) / (2 * h) - true)
    ax.loglog(h, np.maximum(forward, 1e-17), "o-", ms=3, label="one-sided $(f(x+h)-f(x))/h$")
    ax.loglog(h, np.maximum(central, 1e-17), "s--", ms=3, label="central $(f(x+h)-f(x-h))/2h$")
    ax.set_xlabel("step size $h$ (float64)")
    ax.set_ylabel("absolute error of estimate")
    ax.set_ylim(1e-13, 10)
    ax.legend(fontsize=8, loc="upper center")
    return fig


def _sigmoid_layer_grad_norms(depth: int = 8, width: int = 100, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, (64, width))
    y = rng.normal(0, 1, (64, 1))
    ws = [rng.normal(0, math.sqrt(1 / width), (width, width)) for _ in range(depth)]
    w_out = rng.normal(0, math.sqrt(1 / width), (width, 1))
    acts = [x]
    for w in ws:
        acts.append(_sigmoid(acts[-1] @ w))
    out = acts[-1] @ w_out
    g = (out - y) / len(x)
    g = g @ w_out.T
    norms = []
    for layer in range(depth - 1, -1, -1):
        a = acts[layer + 1]
        dz = g * a * (1 - a)
        norms.append(np.linalg.norm(acts[layer].T @ dz))
        g = dz @ ws[layer].T
    return np.array(norms[::-1])


@figure("fund-prop-fig-layer-gradient-norms")
def layer_gradient_norms():
    fig, ax = new_figure(5.2, 3.2)
    norms = _sigmoid_layer_grad_norms()
    layers = np.arange(1, len(norms) + 1)
    ax.bar(layers, norms, color="tab:blue")
    ax.set_yscale("log")
    ax.set_xticks(layers)
    ax.set_xlabel("hidden layer (1 = next to the input)")
    ax.set_ylabel("norm of $\\partial L/\\partial W$")
    return fig


def _gradcheck_points():
    rng = np.random.default_rng(5)
    b = 8
    x = rng.normal(0, 1, (b, 5))
    y = rng.normal(0, 1, (b, 3))
    params = {
        "W1": rng.normal(0, 0.6, (5, 6)),
        "b1": rng.normal(0, 0.5, 6),
        "W2": rng.normal(0, 0.6, (6, 3)),
        "b2": rng.normal(0, 0.5, 3),
    }

    def loss(p):
        h = np.maximum(x @ p["W1"] + p["b1"], 0)
        out = h @ p["W2"] + p["b2"]
        return 0.5 * np.sum((out - y) ** 2) / b

    z1 = x @ params["W1"] + params["b1"]
    h = np.maximum(z1, 0)
    out = h @ params["W2"] + params["b2"]
    dout = (out - y) / b
    dz1 = (dout @ params["W2"].T) * (z1 > 0)
    analytic = {
        "W2": h.T @ dout,
        "b2": dout.sum(0),
        "W1": x.T @ dz1,
        "b1": dz1.mean(0),  # the bug the question is about
    }
    numeric = {}
    eps = 1e-5
    for name, value in params.items():
        grad = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            old = value[idx]
            value[idx] = old + eps
            up = loss(params)
            value[idx] = old - eps
            down = loss(params)
            value[idx] = old
            grad[idx] = (up - down) / (2 * eps)
        numeric[name] = grad
    return numeric, analytic


@figure("fund-prop-fig-gradient-check-scatter")
def gradient_check_scatter():
    fig, ax = new_figure(4.6, 4.0)
    numeric, analytic = _gradcheck_points()
    markers = {"W1": "o", "b1": "s", "W2": "^", "b2": "D"}
    lim = 0
    for name in ["W1", "b1", "W2", "b2"]:
        n, a = numeric[name].ravel(), analytic[name].ravel()
        lim = max(lim, np.abs(n).max(), np.abs(a).max())
        ax.scatter(n, a, marker=markers[name], s=24, label=name, alpha=0.85)
    lim *= 1.1
    ax.plot([-lim, lim], [-lim, lim], color="0.5", lw=1, label="analytic = numeric")
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel("numerical gradient (central difference)")
    ax.set_ylabel("analytic gradient (backprop code)")
    ax.legend(fontsize=8, loc="upper left")
    return fig
