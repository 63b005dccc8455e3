"""Section 3 figures (CNNs): receptive fields, feature maps, pooling, a small
classifier's confusion matrix, a plain-vs-residual training run, transfer
learning, and detection metrics. Every curve comes from a computation or a
small NumPy run with a fixed seed."""

import numpy as np

from . import figure, new_figure


def _softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


# --------------------------------------------------------------- 3.2.1 conv


def _receptive_fields(kernels, strides, dilations):
    r, j, out = 1, 1, []
    for k, s, d in zip(kernels, strides, dilations, strict=True):
        r += (d * (k - 1)) * j
        j *= s
        out.append(r)
    return out


@figure("cnn-conv-fig-receptive-field-growth")
def receptive_field_growth():
    fig, ax = new_figure(5.6, 3.6)
    layers = np.arange(1, 9)
    n = len(layers)
    configs = [
        ("A: 3x3, stride 1", [3] * n, [1] * n, [1] * n, "o-"),
        ("B: 3x3, stride 2 in layers 1, 3, 5, 7", [3] * n, [2, 1] * 4, [1] * n, "s-"),
        (
            "C: 3x3, stride 1, dilation 1, 2, 4, ...",
            [3] * n,
            [1] * n,
            [2**i for i in range(n)],
            "^-",
        ),
    ]
    for label, k, s, d, style in configs:
        ax.plot(layers, _receptive_fields(k, s, d), style, label=label)
    ax.set_yscale("log", base=2)
    ax.set_yticks([2**i for i in range(1, 10)], [str(2**i) for i in range(1, 10)])
    ax.set_xlabel("number of conv layers")
    ax.set_ylabel("receptive field (input pixels)")
    ax.legend(fontsize=8)
    return fig


def _synthetic_square(size=24):
    img = np.zeros((size, size))
    img[6:18, 8:16] = 1.0
    return img


def _xcorr2d(img, kernel):
    kh, kw = kernel.shape
    h, w = img.shape[0] - kh + 1, img.shape[1] - kw + 1
    out = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            out[i, j] = np.sum(img[i : i + kh, j : j + kw] * kernel)
    return out


@figure("cnn-conv-fig-edge-feature-map")
def edge_feature_map():
    img = _synthetic_square()
    kernel = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
    fmap = _xcorr2d(img, kernel)  # as nn.Conv2d computes it (no kernel flip)
    fig, (a0, a1) = new_figure(6.0, 3.2, ncols=2)
    a0.imshow(img, cmap="gray", vmin=0, vmax=1)
    a0.set_title("input (0 = black, 1 = white)", fontsize=9)
    im = a1.imshow(fmap, cmap="RdBu_r", vmin=-4, vmax=4)
    a1.set_title("output feature map", fontsize=9)
    for a in (a0, a1):
        a.grid(False)
        a.set_xlabel("column (pixels)")
    a0.set_ylabel("row (pixels)")
    fig.colorbar(im, ax=a1, shrink=0.8, label="activation")
    return fig


# --------------------------------------------------------------- 3.2.2 pooling


@figure("cnn-pool-fig-max-vs-avg-noise")
def max_vs_avg_noise():
    rng = np.random.default_rng(3)
    n = 64
    clean = np.zeros(n)
    clean[32:48] = 1.0
    x = clean + rng.normal(0, 0.3, n)
    k = 4
    maxp = x.reshape(-1, k).max(axis=1)
    avgp = x.reshape(-1, k).mean(axis=1)
    centres = np.arange(n // k) * k + (k - 1) / 2
    fig, ax = new_figure(6.0, 3.4)
    ax.plot(np.arange(n), clean, color="black", lw=1.5, label="clean signal (0 or 1)")
    ax.plot(np.arange(n), x, color="0.6", lw=0.8, marker=".", ms=3, label="noisy input")
    ax.step(centres, maxp, where="mid", color="C3", lw=2, label="max pool (k=4, s=4)")
    ax.step(centres, avgp, where="mid", color="C0", lw=2, label="average pool (k=4, s=4)")
    ax.set_xlabel("position (input samples)")
    ax.set_ylabel("value")
    ax.set_ylim(-1.5, 1.6)
    ax.legend(fontsize=8, loc="lower center", ncol=2)
    return fig


# --------------------------------------------------------------- 3.2.3 head

_CM_CLASSES = ["cat", "dog", "car", "truck"]


def _confusion_matrix_run():
    """Softmax regression trained by gradient descent on 2-D synthetic features."""
    rng = np.random.default_rng(7)
    means = np.array([[-2.0, 0.0], [-0.9, 0.6], [2.2, -0.5], [2.6, 0.6]])

    def sample(n):
        xs, ys = [], []
        for c, m in enumerate(means):
            xs.append(m + rng.normal(0, 0.6, (n, 2)))
            ys.append(np.full(n, c))
        return np.concatenate(xs), np.concatenate(ys)

    xtr, ytr = sample(300)
    xte, yte = sample(100)
    w, b = np.zeros((2, 4)), np.zeros(4)
    onehot = np.eye(4)[ytr]
    for _ in range(2000):
        p = _softmax(xtr @ w + b)
        g = (p - onehot) / len(xtr)
        w -= 0.5 * xtr.T @ g
        b -= 0.5 * g.sum(axis=0)
    pred = np.argmax(xte @ w + b, axis=1)
    cm = np.zeros((4, 4), dtype=int)
    for t, p_ in zip(yte, pred, strict=True):
        cm[t, p_] += 1
    return cm


@figure("cnn-head-fig-confusion-matrix")
def confusion_matrix():
    cm = _confusion_matrix_run()
    fig, ax = new_figure(4.4, 3.8)
    ax.imshow(cm, cmap="Blues", vmin=0, vmax=100)
    ax.grid(False)
    for i in range(4):
        for j in range(4):
            ax.text(
                j,
                i,
                str(cm[i, j]),
                ha="center",
                va="center",
                color="white" if cm[i, j] > 50 else "black",
                fontsize=11,
            )
    ax.set_xticks(range(4), _CM_CLASSES)
    ax.set_yticks(range(4), _CM_CLASSES)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class (100 test images each)")
    return fig


# --------------------------------------------------------------- 3.4 transfer

_TL_D, _TL_H = 20, 32


def _tl_mlp_init(rng, n_out):
    return [
        rng.normal(0, np.sqrt(2 / _TL_D), (_TL_D, _TL_H)),
        np.zeros(_TL_H),
        rng.normal(0, np.sqrt(1 / _TL_H), (_TL_H, n_out)),
        np.zeros(n_out),
    ]


def _tl_accuracy(p, x, y):
    h = np.maximum(x @ p[0] + p[1], 0)
    return float(np.mean(np.argmax(h @ p[2] + p[3], axis=1) == y))


def _tl_train(p, x, y, epochs, lr, rng, train_body=True, batch=32):
    onehot = np.eye(p[2].shape[1])[y]
    for _ in range(epochs):
        idx = rng.permutation(len(x))
        for s in range(0, len(x), batch):
            b = idx[s : s + batch]
            z = x[b] @ p[0] + p[1]
            h = np.maximum(z, 0)
            g = (_softmax(h @ p[2] + p[3]) - onehot[b]) / len(b)
            if train_body:
                dz = (g @ p[2].T) * (z > 0)
                p[0] -= lr * x[b].T @ dz
                p[1] -= lr * dz.sum(axis=0)
            p[2] -= lr * h.T @ g
            p[3] -= lr * g.sum(axis=0)


def _transfer_run():
    """A one-hidden-layer MLP pre-trained on a 10-class source task, then
    transferred to a 5-class target task whose labels depend on the same
    hidden teacher features. Returns sizes and (train, val) accuracies."""
    rng = np.random.default_rng(1)
    teacher = rng.normal(0, 1 / np.sqrt(_TL_D), (_TL_D, _TL_H))
    src_head, tgt_head = rng.normal(0, 1, (_TL_H, 10)), rng.normal(0, 1, (_TL_H, 5))

    def data(n, head):
        x = rng.normal(0, 1, (n, _TL_D))
        return x, np.argmax(np.maximum(x @ teacher, 0) @ head, axis=1)

    xs, ys = data(10000, src_head)
    source = _tl_mlp_init(rng, 10)
    _tl_train(source, xs, ys, 30, 0.2, rng, batch=64)
    xv, yv = data(2000, tgt_head)
    sizes = [50, 100, 200, 500, 1000, 5000]
    results = {"frozen": [], "fine-tuned": [], "scratch": []}
    for n in sizes:
        xt, yt = data(n, tgt_head)
        for name in results:
            r = np.random.default_rng(5)
            if name == "scratch":
                p = _tl_mlp_init(r, 5)
            else:
                p = [
                    source[0].copy(),
                    source[1].copy(),
                    r.normal(0, np.sqrt(1 / _TL_H), (_TL_H, 5)),
                    np.zeros(5),
                ]
            _tl_train(p, xt, yt, max(10, 30000 // n), 0.05, r, train_body=name != "frozen")
            results[name].append((_tl_accuracy(p, xt, yt), _tl_accuracy(p, xv, yv)))
    return sizes, results


@figure("cnnarch-tl-fig-data-size-strategies")
def transfer_data_size():
    sizes, results = _transfer_run()
    fig, ax = new_figure(5.8, 3.8)
    styles = {"frozen": ("C0", "o"), "fine-tuned": ("C2", "s"), "scratch": ("C3", "^")}
    for name, (color, marker) in styles.items():
        acc = np.array(results[name])
        ax.plot(sizes, acc[:, 1], marker=marker, color=color, label=f"{name}: validation")
    ax.plot(
        sizes,
        np.array(results["frozen"])[:, 0],
        "o--",
        color="C0",
        alpha=0.6,
        label="frozen: training",
    )
    ax.set_xscale("log")
    ax.set_xticks(sizes, [str(s) for s in sizes])
    ax.set_xlabel("labelled target training examples (log scale)")
    ax.set_ylabel("accuracy (5 classes)")
    ax.legend(fontsize=8)
    return fig


# --------------------------------------------------------------- 3.5 detection


def _iou(a, b):
    """IoU of boxes a (n, 4) and b (m, 4) as x1, y1, x2, y2: an (n, m) array."""
    x1 = np.maximum(a[:, None, 0], b[None, :, 0])
    y1 = np.maximum(a[:, None, 1], b[None, :, 1])
    x2 = np.minimum(a[:, None, 2], b[None, :, 2])
    y2 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area = lambda r: (r[:, 2] - r[:, 0]) * (r[:, 3] - r[:, 1])  # noqa: E731
    return inter / (area(a)[:, None] + area(b)[None, :] - inter)


def _jitter(rng, gt, rel_std):
    w = gt[:, 2] - gt[:, 0]
    h = gt[:, 3] - gt[:, 1]
    scale = np.stack([w, h, w, h], axis=1)
    return gt + rng.normal(0, rel_std, gt.shape) * scale


def _average_precision(images, thr):
    """All-point interpolated AP over (gt, boxes, scores) images at IoU thr."""
    records, n_gt = [], 0
    for gt, boxes, scores in images:
        n_gt += len(gt)
        order = np.argsort(-scores)
        used = np.zeros(len(gt), dtype=bool)
        ious = _iou(boxes, gt)
        for i in order:
            cand = np.where(~used & (ious[i] >= thr))[0]
            if len(cand):
                used[cand[np.argmax(ious[i, cand])]] = True
            records.append((scores[i], len(cand) > 0))
    records.sort(key=lambda r: -r[0])
    tp = np.cumsum([r[1] for r in records])
    precision = tp / np.arange(1, len(records) + 1)
    recall = tp / n_gt
    precision = np.maximum.accumulate(precision[::-1])[::-1]
    recall = np.concatenate([[0.0], recall])
    return float(np.sum((recall[1:] - recall[:-1]) * precision))


def _simulate_detector(rng, n_images, find_rate, rel_std, fp_per_image):
    images = []
    for _ in range(n_images):
        k = rng.integers(2, 6)
        xy = rng.uniform(0, 400, (k, 2))
        wh = rng.uniform(40, 160, (k, 2))
        gt = np.concatenate([xy, xy + wh], axis=1)
        found = gt[rng.random(k) < find_rate]
        boxes = [_jitter(rng, found, rel_std)]
        scores = [rng.uniform(0.3, 1.0, len(found))]
        n_fp = rng.poisson(fp_per_image)
        fxy = rng.uniform(0, 400, (n_fp, 2))
        boxes.append(np.concatenate([fxy, fxy + rng.uniform(40, 160, (n_fp, 2))], axis=1))
        scores.append(rng.uniform(0.0, 0.7, n_fp))
        images.append((gt, np.concatenate(boxes), np.concatenate(scores)))
    return images


def _ap_vs_iou():
    rng = np.random.default_rng(11)
    thresholds = np.round(np.arange(0.5, 0.96, 0.05), 2)
    det_a = _simulate_detector(rng, 300, 0.95, 0.10, 0.5)
    det_b = _simulate_detector(rng, 300, 0.80, 0.03, 0.5)
    return thresholds, [[_average_precision(d, t) for t in thresholds] for d in (det_a, det_b)]


@figure("cnnarch-det-fig-ap-vs-iou-threshold")
def ap_vs_iou_threshold():
    thresholds, (ap_a, ap_b) = _ap_vs_iou()
    fig, ax = new_figure(5.6, 3.6)
    ax.plot(thresholds, ap_a, "o-", label="detector A")
    ax.plot(thresholds, ap_b, "s-", label="detector B")
    ax.set_xticks(thresholds[::2])
    ax.set_xlabel("IoU threshold for a true positive")
    ax.set_ylabel("average precision (AP)")
    ax.set_ylim(0, 1)
    ax.legend()
    return fig


def _nms(boxes, scores, thr):
    order = list(np.argsort(-scores))
    keep = []
    while order:
        i = order.pop(0)
        keep.append(i)
        if order:
            ious = _iou(boxes[[i]], boxes[order])[0]
            order = [j for j, v in zip(order, ious, strict=True) if v <= thr]
    return np.array(keep, dtype=int)


def _nms_sweep():
    """Crowded scenes: objects in overlapping pairs, three noisy detections per
    object; greedy NMS at each threshold, then recall and duplicates at IoU 0.5."""
    rng = np.random.default_rng(4)
    scenes = []
    for _ in range(200):
        gts = []
        for _ in range(3):
            x, y = rng.uniform(0, 400, 2)
            w, h = rng.uniform(50, 90), rng.uniform(120, 180)
            dx = w * rng.uniform(0.25, 0.45)
            gts += [[x, y, x + w, y + h], [x + dx, y, x + dx + w, y + h]]
        gt = np.array(gts)
        boxes = np.concatenate([_jitter(rng, gt, 0.05) for _ in range(3)])
        scores = rng.uniform(0.5, 1.0, len(boxes))
        scenes.append((gt, boxes, scores))
    thresholds = np.round(np.arange(0.2, 0.91, 0.05), 2)
    recall, dupes = [], []
    for t in thresholds:
        hit, total, extra = 0, 0, 0
        for gt, boxes, scores in scenes:
            kept = boxes[_nms(boxes, scores, t)]
            ious = _iou(kept, gt)
            used = np.zeros(len(gt), dtype=bool)
            for row in ious:
                cand = np.where(~used & (row >= 0.5))[0]
                if len(cand):
                    used[cand[np.argmax(row[cand])]] = True
                else:
                    extra += 1
            hit += used.sum()
            total += len(gt)
        recall.append(hit / total)
        dupes.append(extra / len(scenes))
    return thresholds, np.array(recall), np.array(dupes)


@figure("cnnarch-det-fig-nms-threshold-sweep")
def nms_threshold_sweep():
    thresholds, recall, dupes = _nms_sweep()
    fig, ax = new_figure(5.8, 3.6)
    ax.plot(thresholds, 100 * recall, "o-", color="C0", label="recall (left axis)")
    ax.set_xlabel("NMS IoU threshold (suppress if IoU > threshold)")
    ax.set_ylabel("recall of true objects (%)", color="C0")
    ax.set_ylim(0, 105)
    ax2 = ax.twinx()
    ax2.plot(thresholds, dupes, "s-", color="C3", label="false positives (right axis)")
    ax2.set_ylabel("false positives per image", color="C3")
    ax2.grid(False)
    ax2.set_ylim(bottom=0)
    lines = ax.get_lines() + ax2.get_lines()
    ax.legend(
        lines,
        [ln.get_label() for ln in lines],
        fontsize=8,
        loc="center",
        bbox_to_anchor=(0.55, 0.35),
    )
    return fig


# --------------------------------------------------------------- 3.3 ResNet


def _spiral(n, rng):
    t = rng.uniform(0.25, 3.0, n) * np.pi
    y = rng.integers(0, 2, n)
    ang = t + np.pi * y
    r = t / (1.5 * np.pi)
    x = np.stack([r * np.cos(ang), r * np.sin(ang)], axis=1) + rng.normal(0, 0.02, (n, 2))
    return x, y


def _train_deep_net(depth, residual, steps=2000, width=16, lr=0.05, batch=64, seed=0):
    """A ReLU network without normalisation on a two-spiral task, trained by
    SGD. Plain layers: h = relu(W h + b), He initialisation. Residual layers:
    h = h + W relu(h) + b, with the branch initialised small (variance
    1 / (width * depth)). Returns the per-step training loss."""
    rng = np.random.default_rng(seed)
    w_in, b_in = rng.normal(0, 1.0, (2, width)), np.zeros(width)
    std = np.sqrt(1 / (width * depth)) if residual else np.sqrt(2 / width)
    ws = [rng.normal(0, std, (width, width)) for _ in range(depth)]
    bs = [np.zeros(width) for _ in range(depth)]
    w_out, b_out = rng.normal(0, np.sqrt(1 / width), (width, 2)), np.zeros(2)
    xs, ys = _spiral(2000, np.random.default_rng(1))
    losses = []
    for _ in range(steps):
        idx = rng.integers(0, len(xs), batch)
        x, y = xs[idx], ys[idx]
        h = np.maximum(x @ w_in + b_in, 0)
        hs, zs = [h], []
        for w, b in zip(ws, bs, strict=True):
            if residual:
                h = h + np.maximum(h, 0) @ w + b
                zs.append(None)
            else:
                z = h @ w + b
                zs.append(z)
                h = np.maximum(z, 0)
            hs.append(h)
        p = _softmax(h @ w_out + b_out)
        losses.append(float(-np.mean(np.log(p[np.arange(batch), y] + 1e-12))))
        g = p
        g[np.arange(batch), y] -= 1
        g /= batch
        grad_w_out, grad_b_out = h.T @ g, g.sum(axis=0)
        dh = g @ w_out.T
        for layer in range(depth - 1, -1, -1):
            h_in = hs[layer]
            if residual:
                gw, gb = np.maximum(h_in, 0).T @ dh, dh.sum(axis=0)
                dh = dh + (dh @ ws[layer].T) * (h_in > 0)
            else:
                dz = dh * (zs[layer] > 0)
                gw, gb = h_in.T @ dz, dz.sum(axis=0)
                dh = dz @ ws[layer].T
            ws[layer] -= lr * gw
            bs[layer] -= lr * gb
        dz0 = dh * (hs[0] > 0)
        w_in -= lr * x.T @ dz0
        b_in -= lr * dz0.sum(axis=0)
        w_out -= lr * grad_w_out
        b_out -= lr * grad_b_out
    return np.array(losses)


@figure("cnnarch-resnet-fig-degradation-curves")
def degradation_curves():
    fig, ax = new_figure(5.8, 3.6)
    window = 50
    kernel = np.ones(window) / window
    for depth, residual, color, label in [
        (4, False, "C0", "plain, 4 layers"),
        (40, False, "C3", "plain, 40 layers"),
        (40, True, "C2", "residual, 40 layers"),
    ]:
        loss = _train_deep_net(depth, residual)
        steps = np.arange(window, len(loss) + 1)
        ax.plot(steps, np.convolve(loss, kernel, mode="valid"), color=color, label=label)
    ax.axhline(np.log(2), color="0.5", ls=":", lw=1)
    ax.set_xlabel("SGD step")
    ax.set_ylabel(f"training loss ({window}-step mean)")
    ax.set_ylim(0, 0.8)
    ax.legend(fontsize=8)
    return fig
