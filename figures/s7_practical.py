"""Section 7 figures (practice and ethics): a roofline, batch size vs latency
and throughput, tail latency under load with dynamic batching, a saliency map
of a classifier trained on synthetic images, and per-group ROC curves and
reliability diagrams. Computed from stated cost models, simulations or small
NumPy runs with fixed seeds."""

import numpy as np

from . import figure, new_figure

# A hypothetical accelerator, used by the roofline and the serving figures.
PEAK_FLOPS = 100e12  # FLOP/s
BANDWIDTH = 2e12  # bytes/s


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# ------------------------------------------------ 7.2 roofline


def _roofline_kernels():
    """(label, FLOPs, bytes moved) for fp16 kernels (2 bytes per value)."""
    n = 4096
    kernels = [("elementwise add", n * n, 3 * n * n * 2)]
    for tokens in (1, 32, 512):
        flops = 2 * tokens * n * n
        bytes_moved = (n * n + 2 * tokens * n) * 2
        kernels.append((f"matmul, m = {tokens}", flops, bytes_moved))
    return kernels


@figure("prac-hw-fig-roofline")
def roofline():
    fig, ax = new_figure(6.0, 3.9)
    ai = np.logspace(-1.5, 3.5, 200)
    ax.plot(
        ai,
        np.minimum(PEAK_FLOPS, ai * BANDWIDTH) / 1e12,
        color="black",
        lw=2,
        label="roof: min(peak, intensity x bandwidth)",
    )
    ridge = PEAK_FLOPS / BANDWIDTH
    ax.axvline(ridge, color="0.5", ls=":", lw=1)
    ax.annotate(
        f"ridge: {ridge:.0f} FLOP/byte",
        (ridge, 2),
        textcoords="offset points",
        xytext=(4, 0),
        fontsize=8,
        color="0.3",
    )
    markers = ["v", "o", "s", "D"]
    for (label, flops, nbytes), m in zip(_roofline_kernels(), markers, strict=True):
        x = flops / nbytes
        y = min(PEAK_FLOPS, x * BANDWIDTH) / 1e12
        ax.plot(x, y, m, ms=8, label=f"{label} ({x:.2f})" if x < 1 else f"{label} ({x:.0f})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("arithmetic intensity (FLOP per byte of memory traffic)")
    ax.set_ylabel("attainable TFLOP/s")
    ax.set_title("100 TFLOP/s peak, 2 TB/s; fp16 matmul = (m x 4096) by (4096 x 4096)", fontsize=9)
    ax.legend(fontsize=8, loc="lower right", title="kernel (FLOP/byte)", title_fontsize=8)
    return fig


# ------------------------------------------------ 7.3 serving


WEIGHT_BYTES = 8e9  # an fp16 model of 4 billion parameters
FLOPS_PER_REQUEST = 2 * 4e9  # one decoding step (one token) through 4B parameters
OVERHEAD_S = 1e-3


def _batch_latency(b):
    """Roofline cost model of one forward pass over a batch of b requests."""
    return OVERHEAD_S + np.maximum(WEIGHT_BYTES / BANDWIDTH, b * FLOPS_PER_REQUEST / PEAK_FLOPS)


@figure("prac-deploy-fig-batch-latency-throughput")
def batch_latency_throughput():
    batches = np.array([1, 2, 4, 8, 16, 32, 64, 128, 256])
    lat = _batch_latency(batches) * 1e3
    thr = batches / (lat / 1e3)
    fig, ax = new_figure(5.8, 3.7)
    ax.plot(batches, lat, "o-", color="C0", label="latency per step (left)")
    ax.set_xscale("log", base=2)
    ax.set_xticks(batches, [str(b) for b in batches])
    ax.set_xlabel("batch size (sequences per decoding step)")
    ax.set_ylabel("latency per step (ms)", color="C0")
    ax.set_ylim(0, 25)
    ax2 = ax.twinx()
    ax2.plot(batches, thr, "s-", color="C1", label="throughput (right)")
    ax2.set_ylabel("throughput (tokens/s)", color="C1")
    ax2.set_ylim(0, 13000)
    ax2.grid(False)
    lines = ax.get_lines() + ax2.get_lines()
    ax.legend(lines, [ln.get_label() for ln in lines], fontsize=8, loc="upper left")
    return fig


def _simulate_server(rate, max_batch, n_requests=20000, seed=0):
    """Single-replica server: Poisson arrivals; whenever idle, it takes up to
    max_batch waiting requests and serves them together in _batch_latency(b).
    Returns (p50, p99) of request latency (queueing + service) in ms."""
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(1 / rate, n_requests))
    done = np.empty(n_requests)
    t, i = 0.0, 0
    while i < n_requests:
        t = max(t, arrivals[i])
        j = i
        while j < n_requests and j - i < max_batch and arrivals[j] <= t:
            j += 1
        t += float(_batch_latency(j - i))
        done[i:j] = t
        i = j
    lat = (done - arrivals)[n_requests // 10 :] * 1e3
    return np.percentile(lat, 50), np.percentile(lat, 99)


@figure("prac-deploy-fig-tail-latency-load")
def tail_latency_load():
    fig, ax = new_figure(5.8, 3.7)
    rates = np.array([20, 50, 100, 150, 175, 190, 195])
    for max_batch, color in [(1, "C3"), (32, "C0")]:
        stats = np.array([_simulate_server(r, max_batch) for r in rates])
        ax.plot(rates, stats[:, 1], "o-", color=color, label=f"p99, max batch {max_batch}")
        ax.plot(
            rates, stats[:, 0], "o--", color=color, alpha=0.7, label=f"p50, max batch {max_batch}"
        )
    ax.set_yscale("log")
    ax.set_xlabel("arrival rate (requests/s)")
    ax.set_ylabel("request latency (ms, log)")
    ax.legend(fontsize=8)
    return fig


# ------------------------------------------------ 7.4 saliency


def _watermark_images(n, rng, p_mark_pos, p_mark_neg):
    """16x16 noisy images; label 1 has a bright plus-shaped object at a random
    place in the centre; a 2x2 'watermark' in the top-left corner appears with
    probability p_mark_pos (label 1) or p_mark_neg (label 0)."""
    x = rng.normal(0, 0.3, (n, 16, 16))
    y = rng.integers(0, 2, n)
    for i in range(n):
        if y[i] == 1:
            r, c = rng.integers(4, 11, 2)
            x[i, r, c - 1 : c + 2] += 1.0
            x[i, r - 1 : r + 2, c] += 1.0
        if rng.random() < (p_mark_pos if y[i] == 1 else p_mark_neg):
            x[i, 0:2, 0:2] += 1.0
    return x, y


def _saliency_run():
    rng = np.random.default_rng(0)
    x, y = _watermark_images(4000, rng, 0.95, 0.05)
    flat = x.reshape(len(x), -1)
    w, b = np.zeros(256), 0.0
    for _ in range(500):
        p = _sigmoid(flat @ w + b)
        w -= 0.5 * (flat.T @ (p - y) / len(y) + 1e-3 * w)
        b -= 0.5 * np.mean(p - y)
    # a test image: the object is present and so is the watermark
    test_rng = np.random.default_rng(3)
    img = test_rng.normal(0, 0.3, (16, 16))
    img[7, 6:9] += 1.0
    img[6:9, 7] += 1.0
    img[0:2, 0:2] += 1.0
    saliency = np.abs(w.reshape(16, 16) * img)  # |gradient x input|
    # accuracy when the watermark no longer tracks the label
    xt, yt = _watermark_images(2000, np.random.default_rng(9), 0.5, 0.5)
    acc_shift = np.mean((_sigmoid(xt.reshape(len(xt), -1) @ w + b) > 0.5) == yt)
    xs, ys = _watermark_images(2000, np.random.default_rng(9), 0.95, 0.05)
    acc_same = np.mean((_sigmoid(xs.reshape(len(xs), -1) @ w + b) > 0.5) == ys)
    return img, saliency, float(_sigmoid(img.ravel() @ w + b)), acc_same, acc_shift


@figure("prac-interp-fig-saliency-watermark")
def saliency_watermark():
    img, sal, _, _, _ = _saliency_run()
    fig, (a0, a1) = new_figure(6.2, 3.2, ncols=2)
    a0.imshow(img, cmap="gray")
    a0.set_title("test image", fontsize=9)
    im = a1.imshow(sal / sal.max(), cmap="inferno", vmin=0, vmax=1)
    a1.set_title("|gradient x input| for the class-1 logit", fontsize=9)
    for a in (a0, a1):
        a.grid(False)
        a.set_xticks([0, 5, 10, 15])
        a.set_yticks([0, 5, 10, 15])
        a.set_xlabel("column (pixels)")
    a0.set_ylabel("row (pixels)")
    fig.colorbar(im, ax=a1, shrink=0.8, label="relative saliency")
    return fig


# ------------------------------------------------ 7.5 fairness


def _group_data(n, frac_b, rng):
    """Binary labels from 4-D features. In group A the class signal lies along
    feature 1; in group B it lies half along feature 1 and half along feature 2."""
    g = (rng.random(n) < frac_b).astype(int)
    y = rng.integers(0, 2, n)
    x = rng.normal(0, 1, (n, 4))
    sign = 2 * y - 1
    x[g == 0, 0] += 1.4 * sign[g == 0]
    x[g == 1, 0] += 0.7 * sign[g == 1]
    x[g == 1, 1] += 0.7 * sign[g == 1]
    return x, y, g


def _fairness_run():
    rng = np.random.default_rng(2)
    x, y, _g = _group_data(5000, 0.1, rng)
    w, b = np.zeros(4), 0.0
    for _ in range(2000):
        p = _sigmoid(x @ w + b)
        w -= 0.3 * x.T @ (p - y) / len(y)
        b -= 0.3 * np.mean(p - y)
    xt, yt, gt = _group_data(40000, 0.5, np.random.default_rng(5))
    return _sigmoid(xt @ w + b), yt, gt


def _roc(score, y):
    thresholds = np.linspace(1, 0, 201)
    tpr = np.array([np.mean(score[y == 1] >= t) for t in thresholds])
    fpr = np.array([np.mean(score[y == 0] >= t) for t in thresholds])
    return fpr, tpr


def _auc(fpr, tpr):
    return float(np.sum((fpr[1:] - fpr[:-1]) * (tpr[1:] + tpr[:-1]) / 2))


@figure("prac-ethics-fig-group-roc")
def group_roc():
    score, y, g = _fairness_run()
    fig, ax = new_figure(4.8, 4.2)
    for grp, name, color in [(0, "group A", "C0"), (1, "group B", "C3")]:
        m = g == grp
        fpr, tpr = _roc(score[m], y[m])
        ax.plot(fpr, tpr, color=color, label=f"{name} (AUC {_auc(fpr, tpr):.2f})")
        op_t = np.mean(score[m & (y == 1)] >= 0.5), np.mean(score[m & (y == 0)] >= 0.5)
        ax.plot(op_t[1], op_t[0], "o", ms=8, color=color, mec="black")
    ax.plot([0, 1], [0, 1], ":", color="0.5", lw=1)
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.set_aspect("equal")
    ax.legend(fontsize=8, loc="lower right", title="dots: shared threshold 0.5", title_fontsize=8)
    return fig


@figure("prac-ethics-fig-group-calibration")
def group_calibration():
    score, y, g = _fairness_run()
    bins = np.linspace(0, 1, 11)
    fig, ax = new_figure(4.8, 4.2)
    ax.plot([0, 1], [0, 1], ":", color="0.5", lw=1, label="perfect calibration")
    for grp, name, color, marker in [(0, "group A", "C0", "o"), (1, "group B", "C3", "s")]:
        m = g == grp
        idx = np.clip(np.digitize(score[m], bins) - 1, 0, 9)
        conf = [score[m][idx == k].mean() for k in range(10) if np.sum(idx == k) >= 50]
        freq = [y[m][idx == k].mean() for k in range(10) if np.sum(idx == k) >= 50]
        ax.plot(conf, freq, marker + "-", color=color, label=name)
    ax.set_xlabel("predicted probability of the positive class")
    ax.set_ylabel("observed fraction positive")
    ax.set_aspect("equal")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8, loc="upper left")
    return fig
