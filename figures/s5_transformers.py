"""Section 5 figures (Transformers): Adam's early update size and warm-up, a
previous-token head under a causal mask, softmax saturation without the
1/sqrt(d_k) scale, sinusoidal and rotary position encodings, and the residual
stream's scale in pre-LN vs post-LN stacks. All computed with NumPy."""

import numpy as np

from . import figure, new_figure


def _softmax(z, axis=-1):
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def _sinusoidal(positions, d):
    pe = np.zeros((len(positions), d))
    freqs = 1.0 / 10000 ** (np.arange(0, d, 2) / d)
    angles = np.outer(positions, freqs)
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles)
    return pe


# ------------------------------------------------ 5.1 warm-up and Adam


def _adam_update_size(steps=3000, n=2000, beta1=0.9, beta2=0.98, seed=0):
    """Mean |m_hat / sqrt(v_hat)| over n coordinates whose gradients are a
    small fixed signal plus unit Gaussian noise (Adam's per-coordinate step
    divided by the learning rate)."""
    rng = np.random.default_rng(seed)
    signal = rng.normal(0, 0.1, n)
    m = np.zeros(n)
    v = np.zeros(n)
    out = []
    for t in range(1, steps + 1):
        g = signal + rng.normal(0, 1, n)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        out.append(np.mean(np.abs((m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + 1e-8))))
    return np.array(out)


@figure("tf-fig-adam-warmup-update-size")
def adam_warmup_update_size():
    size = _adam_update_size()
    steps = np.arange(1, len(size) + 1)
    warmup = np.minimum(1.0, steps / 1000)
    fig, ax = new_figure(5.8, 3.6)
    ax.plot(steps, size, color="C3", label="constant learning rate")
    ax.plot(steps, size * warmup, color="C0", label="linear warm-up over 1,000 steps")
    ax.set_xscale("log")
    ax.set_xlabel("training step (log scale)")
    ax.set_ylabel("mean |Adam update| / peak learning rate")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=8)
    return fig


# ------------------------------------------------ 5.2 attention maps


def _previous_token_head(n=10, d=64, beta=1.5):
    """Causal self-attention whose queries are the sinusoidal encoding of the
    previous position (a fixed rotation of the current one) and whose keys are
    the sinusoidal encodings: a 'previous-token' head."""
    pe = _sinusoidal(np.arange(n), d)
    freqs = 1.0 / 10000 ** (np.arange(0, d, 2) / d)
    rot = np.zeros((d, d))
    for i, w in enumerate(freqs):  # maps PE(p) to PE(p - 1)
        c, s = np.cos(w), np.sin(w)
        rot[2 * i : 2 * i + 2, 2 * i : 2 * i + 2] = [[c, -s], [s, c]]
    queries = pe @ rot.T
    scores = beta * queries @ pe.T
    scores[np.triu_indices(n, k=1)] = -np.inf
    return _softmax(scores)


@figure("tf-fig-previous-token-head")
def previous_token_head():
    a = _previous_token_head()
    n = a.shape[0]
    fig, ax = new_figure(4.8, 4.2)
    im = ax.imshow(a, cmap="Greys", vmin=0, vmax=1)
    ax.grid(False)
    for i in range(n):
        for j in range(n):
            ax.text(
                j,
                i,
                f"{a[i, j]:.2f}"[1:] if a[i, j] < 1 else "1.0",
                ha="center",
                va="center",
                fontsize=7.5,
                color="white" if a[i, j] > 0.5 else "black",
            )
    ax.set_xticks(range(n), [str(j + 1) for j in range(n)])
    ax.set_yticks(range(n), [str(i + 1) for i in range(n)])
    ax.set_xlabel("key position")
    ax.set_ylabel("query position")
    fig.colorbar(im, ax=ax, shrink=0.8, label="attention weight")
    return fig


def _softmax_saturation(dims, n_keys=32, trials=400, seed=0):
    rng = np.random.default_rng(seed)
    rows = {"scaled": [], "unscaled": []}
    for d in dims:
        q = rng.normal(size=(trials, d))
        k = rng.normal(size=(trials, n_keys, d))
        logits = np.einsum("td,tnd->tn", q, k)
        for name, z in [("unscaled", logits), ("scaled", logits / np.sqrt(d))]:
            p = _softmax(z)
            # Frobenius norm of the softmax Jacobian diag(p) - p p^T
            s2, s3 = np.sum(p**2, axis=1), np.sum(p**3, axis=1)
            jac = np.sqrt(np.clip(s2 - 2 * s3 + s2**2, 0, None))
            rows[name].append((p.max(axis=1).mean(), jac.mean()))
    return {k: np.array(v) for k, v in rows.items()}


@figure("tf-fig-softmax-saturation-dk")
def softmax_saturation_dk():
    dims = [4, 16, 64, 256, 1024]
    rows = _softmax_saturation(dims)
    fig, (a0, a1) = new_figure(6.4, 3.4, ncols=2)
    for name, style in [("unscaled", "o-"), ("scaled", "s-")]:
        label = r"$q \cdot k$" if name == "unscaled" else r"$q \cdot k / \sqrt{d_k}$"
        a0.plot(dims, rows[name][:, 0], style, label=label)
        a1.plot(dims, rows[name][:, 1], style, label=label)
    for a in (a0, a1):
        a.set_xscale("log", base=2)
        a.set_xticks(dims, [str(d) for d in dims])
        a.set_xlabel("$d_k$")
    a0.set_ylabel("mean largest attention weight")
    a0.set_ylim(0, 1.05)
    a1.set_ylabel("mean norm of softmax Jacobian")
    a1.set_ylim(bottom=0)
    a0.legend(fontsize=8)
    return fig


# ------------------------------------------------ 5.3 position encodings


@figure("tf-pe-fig-sinusoidal-heatmap")
def sinusoidal_heatmap():
    pe = _sinusoidal(np.arange(100), 128)
    fig, ax = new_figure(5.8, 3.6)
    im = ax.imshow(pe, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
    ax.grid(False)
    ax.set_xlabel("encoding dimension (0 to 127)")
    ax.set_ylabel("position (0 to 99)")
    fig.colorbar(im, ax=ax, label="value")
    return fig


def _rope_scores(d=128, max_dist=512):
    """q . k after rotary encoding, for q = k = all-ones, as a function of the
    key position, for two query positions."""
    freqs = 1.0 / 10000 ** (np.arange(0, d, 2) / d)
    q = np.ones(d)

    def rotate(x, p):
        x2 = x.reshape(-1, 2)
        c, s = np.cos(p * freqs), np.sin(p * freqs)
        return np.stack([x2[:, 0] * c - x2[:, 1] * s, x2[:, 0] * s + x2[:, 1] * c], axis=1).ravel()

    out = {}
    for qpos in (0, 300):
        rq = rotate(q, qpos)
        out[qpos] = np.array([rq @ rotate(q, qpos + m) for m in range(max_dist + 1)])
    return out


@figure("tf-pe-fig-rope-distance-decay")
def rope_distance_decay():
    scores = _rope_scores()
    fig, ax = new_figure(5.8, 3.6)
    dist = np.arange(len(scores[0]))
    ax.plot(dist, scores[0], color="C0", lw=2.5, label="query at position 0")
    ax.plot(dist, scores[300], color="C1", lw=1, ls="--", label="query at position 300")
    ax.set_xlabel("key position minus query position (tokens)")
    ax.set_ylabel(r"$q \cdot k$ after rotary encoding")
    ax.legend(fontsize=8)
    return fig


# ------------------------------------------------ 5.4 pre-LN vs post-LN


def _layer_norm(x):
    return (x - x.mean(axis=-1, keepdims=True)) / np.sqrt(x.var(axis=-1, keepdims=True) + 1e-5)


def _residual_stream_rms(layers=48, d=64, tokens=256, seed=0):
    rng = np.random.default_rng(seed)
    x0 = rng.normal(0, 1, (tokens, d))
    blocks = [
        (rng.normal(0, np.sqrt(2 / d), (d, 4 * d)), rng.normal(0, np.sqrt(1 / (4 * d)), (4 * d, d)))
        for _ in range(layers)
    ]

    def ffn(x, w1, w2):
        return np.maximum(x @ w1, 0) @ w2

    pre, post = [x0.copy()], [x0.copy()]
    for w1, w2 in blocks:
        pre.append(pre[-1] + ffn(_layer_norm(pre[-1]), w1, w2))
        post.append(_layer_norm(post[-1] + ffn(post[-1], w1, w2)))
    rms = lambda xs: np.array([np.sqrt(np.mean(x**2)) for x in xs])  # noqa: E731
    return rms(pre), rms(post)


@figure("tf-fig-pre-post-ln-residual-scale")
def pre_post_ln_residual_scale():
    pre, post = _residual_stream_rms()
    layers = np.arange(len(pre))
    fig, ax = new_figure(5.8, 3.6)
    ax.plot(layers, pre, "o-", ms=3, label="pre-LN: x + F(LN(x))")
    ax.plot(layers, post, "s-", ms=3, label="post-LN: LN(x + F(x))")
    ax.plot(layers, np.sqrt(1 + layers), "k:", label=r"$\sqrt{1 + l}$")
    ax.set_xlabel("block index l (0 = embeddings)")
    ax.set_ylabel("RMS of the residual stream")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    return fig
