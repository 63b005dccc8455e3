"""Section 4 figures (RNNs): gradient norms through time for vanilla RNNs and
LSTMs, a vanilla RNN trained with and without gradient clipping, and the
alignment matrix of a small attention model. All from NumPy runs with fixed
seeds."""

import numpy as np

from . import figure, new_figure


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# ------------------------------------------------ 4.2 vanilla RNN gradients


def _rnn_gradient_norms(radius, hidden=64, steps=100, seed=0):
    """Spectral norm of d h_T / d h_{T-k} for a tanh RNN whose recurrent matrix
    is a random orthogonal matrix scaled to the given spectral radius."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.normal(size=(hidden, hidden)))
    w = radius * q
    u = rng.normal(0, 1 / np.sqrt(8), (hidden, 8))
    xs = rng.normal(size=(steps, 8))
    h = np.zeros(hidden)
    derivs = []
    for t in range(steps):
        h = np.tanh(w @ h + u @ xs[t])
        derivs.append(1 - h**2)
    jac = np.eye(hidden)
    norms = []
    for t in range(steps - 1, -1, -1):  # backward from the last step
        jac = jac @ (derivs[t][:, None] * w)
        norms.append(np.linalg.norm(jac, 2))
    return np.array(norms)


@figure("rnn-basic-fig-gradient-norm-radius")
def gradient_norm_radius():
    fig, ax = new_figure(5.8, 3.6)
    gaps = np.arange(1, 101)
    for radius, style in [(0.5, "-"), (1.0, "-"), (1.5, "-"), (3.0, "--")]:
        norms = np.mean([_rnn_gradient_norms(radius, seed=s) for s in range(5)], axis=0)
        ax.plot(gaps, norms, style, label=f"spectral radius {radius}")
    ax.set_yscale("log")
    ax.set_xlabel("time steps back, k")
    ax.set_ylabel(r"$\|\partial h_T / \partial h_{T-k}\|$ (log)")
    ax.legend(fontsize=8)
    return fig


# ------------------------------------------------ 4.3 LSTM vs vanilla RNN


def _lstm_cell_gradient_norms(forget_bias, hidden=32, inputs=8, steps=100, seed=0):
    """Spectral norm of d c_T / d c_{T-k} for an LSTM with random weights,
    through every path (cell and hidden state), from central differences of
    the step function at each time step."""
    rng = np.random.default_rng(seed)
    w = rng.normal(0, 1 / np.sqrt(hidden + inputs), (4 * hidden, hidden + inputs))
    b = np.zeros(4 * hidden)
    b[hidden : 2 * hidden] = forget_bias
    xs = rng.normal(size=(steps, inputs))

    def step(state, x):
        h, c = state[:hidden], state[hidden:]
        z = w @ np.concatenate([h, x]) + b
        i, f, o = (
            _sigmoid(z[:hidden]),
            _sigmoid(z[hidden : 2 * hidden]),
            _sigmoid(z[2 * hidden : 3 * hidden]),
        )
        g = np.tanh(z[3 * hidden :])
        c_new = f * c + i * g
        return np.concatenate([o * np.tanh(c_new), c_new])

    state = np.zeros(2 * hidden)
    jacobians = []
    eps = 1e-5
    for t in range(steps):
        jac = np.empty((2 * hidden, 2 * hidden))
        for k in range(2 * hidden):
            d = np.zeros(2 * hidden)
            d[k] = eps
            jac[:, k] = (step(state + d, xs[t]) - step(state - d, xs[t])) / (2 * eps)
        jacobians.append(jac)
        state = step(state, xs[t])
    total = np.eye(2 * hidden)
    norms = []
    for jac in reversed(jacobians):
        total = total @ jac
        norms.append(np.linalg.norm(total[hidden:, hidden:], 2))
    return np.array(norms)


@figure("rnn-lstm-fig-gradient-through-time")
def lstm_gradient_through_time():
    fig, ax = new_figure(5.8, 3.6)
    gaps = np.arange(1, 101)
    rnn = np.mean([_rnn_gradient_norms(1.0, hidden=32, seed=s) for s in range(3)], axis=0)
    ax.plot(gaps, rnn, color="C3", label=r"tanh RNN, $\|\partial h_T/\partial h_{T-k}\|$")
    for fb, color in [(0.0, "C0"), (1.0, "C1"), (3.0, "C2")]:
        norms = np.mean([_lstm_cell_gradient_norms(fb, seed=s) for s in range(3)], axis=0)
        ax.plot(
            gaps,
            norms,
            color=color,
            label=rf"LSTM, forget bias {fb:g}, $\|\partial c_T/\partial c_{{T-k}}\|$",
        )
    ax.set_yscale("log")
    ax.set_xlabel("time steps back, k")
    ax.set_ylabel("gradient norm (log)")
    ax.legend(fontsize=8)
    return fig


# ------------------------------------------------ 4.2 clipping


def _train_recall_rnn(clip, lr=0.05, steps=2000, hidden=16, length=20, batch=16, seed=0):
    """A tanh RNN trained by BPTT to output, at the last step, the first input
    of a sequence of uniform(-1, 1) values. Returns per-step loss and the
    gradient norm before clipping."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.normal(size=(hidden, hidden)))
    w, u = q.copy(), rng.normal(0, 1, (hidden, 1))
    v, b = rng.normal(0, 1 / np.sqrt(hidden), (1, hidden)), np.zeros(hidden)
    data = np.random.default_rng(100)
    losses, norms = [], []
    for _ in range(steps):
        x = data.uniform(-1, 1, (length, batch))
        hs = [np.zeros((hidden, batch))]
        for t in range(length):
            hs.append(np.tanh(w @ hs[-1] + u @ x[t][None, :] + b[:, None]))
        err = (v @ hs[-1])[0] - x[0]
        losses.append(float(np.mean(err**2)))
        dout = (2 * err / batch)[None, :]
        gv, dh = dout @ hs[-1].T, v.T @ dout
        gw, gu, gb = np.zeros_like(w), np.zeros_like(u), np.zeros_like(b)
        for t in range(length - 1, -1, -1):
            dz = dh * (1 - hs[t + 1] ** 2)
            gw += dz @ hs[t].T
            gu += dz @ x[t][None, :].T
            gb += dz.sum(axis=1)
            dh = w.T @ dz
        norm = float(np.sqrt(sum(np.sum(g**2) for g in (gw, gu, gv, gb))))
        norms.append(norm)
        scale = min(1.0, clip / norm) if clip else 1.0
        w -= lr * scale * gw
        u -= lr * scale * gu
        v -= lr * scale * gv
        b -= lr * scale * gb
    return np.array(losses), np.array(norms)


@figure("rnn-basic-fig-clipping-loss-spike", noisy=True)
def clipping_loss_spike():
    fig, (top, bottom) = new_figure(5.8, 5.0, nrows=2)
    steps = np.arange(2000)
    window = 25
    kernel = np.ones(window) / window
    for clip, color, label in [(None, "C3", "no clipping"), (1.0, "C0", "clip norm at 1.0")]:
        loss, norm = _train_recall_rnn(clip)
        top.plot(
            steps[window - 1 :], np.convolve(loss, kernel, mode="valid"), color=color, label=label
        )
        bottom.plot(steps, norm, color=color, lw=0.7, label=label)
    top.set_ylabel(f"training MSE ({window}-step mean)")
    top.set_ylim(0, 0.45)
    top.legend(fontsize=8)
    bottom.axhline(1.0, color="black", ls="--", lw=1, label="clipping threshold")
    bottom.set_yscale("log")
    bottom.set_ylabel("gradient norm before\nclipping (log); dashed = 1.0")
    bottom.set_xlabel("training step (SGD, learning rate 0.05)")
    return fig


# ------------------------------------------------ 4.7 attention alignment


def _train_alignment_model(iterations=600, seed=0):
    """Dot-product attention from one learned query per output step over
    encoder states (token + position embeddings), trained with Adam on a
    synthetic task whose target sequence is the source rearranged as
    (x1, x2, x4, x3, x6, x6). Returns the attention matrix for one source."""
    vocab, length, dim = 12, 6, 16
    order = np.array([0, 1, 3, 2, 5, 5])
    rng = np.random.default_rng(seed)
    params = [
        rng.normal(0, 0.3, shape)
        for shape in [(vocab, dim), (length, dim), (length, dim), (dim, vocab)]
    ]
    m1 = [np.zeros_like(p) for p in params]
    m2 = [np.zeros_like(p) for p in params]

    def attend(emb, pos, query, x):
        h = emb[x] + pos[None]
        s = np.einsum("jd,bid->bji", query, h)
        s = s - s.max(axis=-1, keepdims=True)
        a = np.exp(s) / np.exp(s).sum(axis=-1, keepdims=True)
        return h, a

    batch = 64
    for it in range(1, iterations + 1):
        emb, pos, query, out = params
        x = rng.integers(0, vocab, (batch, length))
        y = x[:, order]
        h, a = attend(emb, pos, query, x)
        c = np.einsum("bji,bid->bjd", a, h)
        z = c @ out
        z = z - z.max(axis=-1, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
        g = p
        g[np.arange(batch)[:, None], np.arange(length)[None], y] -= 1
        g /= batch * length
        dc = g @ out.T
        da = np.einsum("bjd,bid->bji", dc, h)
        ds = a * (da - (a * da).sum(axis=-1, keepdims=True))
        dh = np.einsum("bji,jd->bid", ds, query) + np.einsum("bji,bjd->bid", a, dc)
        d_emb = np.zeros_like(emb)
        np.add.at(d_emb, x, dh)
        grads = [
            d_emb,
            dh.sum(axis=0),
            np.einsum("bji,bid->jd", ds, h),
            np.einsum("bjd,bjv->dv", c, g),
        ]
        for k, grad in enumerate(grads):
            m1[k] = 0.9 * m1[k] + 0.1 * grad
            m2[k] = 0.999 * m2[k] + 0.001 * grad**2
            step = (m1[k] / (1 - 0.9**it)) / (np.sqrt(m2[k] / (1 - 0.999**it)) + 1e-8)
            params[k] -= 0.01 * step
    _, a = attend(params[0], params[1], params[2], np.array([[3, 7, 1, 9, 4, 10]]))
    return a[0]


@figure("rnn-attn-fig-alignment-matrix")
def alignment_matrix():
    a = _train_alignment_model()
    fig, ax = new_figure(4.6, 4.0)
    im = ax.imshow(a, cmap="Greys", vmin=0, vmax=1)
    ax.grid(False)
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            ax.text(
                j,
                i,
                f"{a[i, j]:.2f}",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if a[i, j] > 0.5 else "black",
            )
    ax.set_xticks(range(6), [f"s{j + 1}" for j in range(6)])
    ax.set_yticks(range(6), [f"t{i + 1}" for i in range(6)])
    ax.set_xlabel("source position (encoder)")
    ax.set_ylabel("output step (decoder)")
    fig.colorbar(im, ax=ax, shrink=0.8, label="attention weight")
    return fig
