"""Section 6 figures (generative models): generative vs discriminative models
away from the data, reparameterised vs score-function gradients, posterior
collapse in a linear VAE, a 1-D GAN's losses vs its samples, and how FID and
the Inception Score react to dropped modes and to collapse within modes. All
from NumPy simulations or small runs with fixed seeds."""

import numpy as np

from . import figure, new_figure


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# ------------------------------------------------ 6.1 generative vs discriminative


def _two_class_models(seed=0):
    rng = np.random.default_rng(seed)
    means = np.array([[-1.5, 0.0], [1.5, 0.0]])
    x = np.concatenate([m + rng.normal(0, 0.7, (200, 2)) for m in means])
    y = np.repeat([0, 1], 200)
    # discriminative: logistic regression by gradient descent
    w, b = np.zeros(2), 0.0
    for _ in range(3000):
        p = _sigmoid(x @ w + b)
        w -= 0.5 * x.T @ (p - y) / len(y)
        b -= 0.5 * np.mean(p - y)
    # generative: one Gaussian per class (shared spherical variance), equal priors
    mu = np.array([x[y == c].mean(axis=0) for c in (0, 1)])
    var = np.mean([(x[y == c] - mu[c]) ** 2 for c in (0, 1)])
    return x, y, (w, b), (mu, var)


def _log_density(points, mu, var):
    d2 = ((points[:, None, :] - mu[None]) ** 2).sum(axis=-1)
    comp = -d2 / (2 * var) - np.log(2 * np.pi * var)
    return np.logaddexp(comp[:, 0], comp[:, 1]) + np.log(0.5)


@figure("gen-intro-fig-discriminative-vs-density")
def discriminative_vs_density():
    x, y, (w, b), (mu, var) = _two_class_models()
    gx, gy = np.meshgrid(np.linspace(-5, 9, 71), np.linspace(-5, 9, 71))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    prob = _sigmoid(grid @ w + b).reshape(gx.shape)
    logp = _log_density(grid, mu, var).reshape(gx.shape)
    probe = np.array([7.0, 7.0])
    fig, (a0, a1) = new_figure(6.6, 3.5, ncols=2)
    c0 = a0.contourf(gx, gy, prob, levels=np.linspace(0, 1, 11), cmap="RdBu_r")
    fig.colorbar(c0, ax=a0, label="P(class B | x)", shrink=0.85)
    a0.set_title("logistic regression", fontsize=9)
    c1 = a1.contourf(gx, gy, np.maximum(logp, -60), levels=np.arange(-60, 1, 6), cmap="viridis")
    fig.colorbar(c1, ax=a1, label="log p(x)", shrink=0.85)
    a1.set_title("Gaussian class-conditional model", fontsize=9)
    for a in (a0, a1):
        a.scatter(x[y == 0, 0][::2], x[y == 0, 1][::2], s=3, c="white", edgecolors="none")
        a.scatter(x[y == 1, 0][::2], x[y == 1, 1][::2], s=3, c="black", edgecolors="none")
        a.plot(*probe, marker="*", ms=12, color="gold", mec="black")
        a.annotate("P", probe, textcoords="offset points", xytext=(-12, -4), fontsize=9)
        a.set_xlabel("$x_1$")
        a.grid(False)
    lp = _log_density(probe[None], mu, var)[0]
    a1.annotate(
        f"log p(P) = {lp:.0f}",
        probe,
        textcoords="offset points",
        xytext=(-62, -20),
        fontsize=8,
        color="white",
    )
    a0.set_ylabel("$x_2$")
    return fig


# ------------------------------------------------ 6.2 VAE


def _gradient_estimator_std(dims, n=16, mu=1.0, trials=2000, seed=0):
    """Std of two unbiased estimators of d/dmu_1 E_{z ~ N(mu, I_D)}[sum_i z_i^2]
    (true value 2 mu_1 = 2), each averaging n Monte Carlo samples, as the
    latent dimension D grows."""
    rng = np.random.default_rng(seed)
    out = {"score": [], "reparam": []}
    for d in dims:
        eps = rng.normal(size=(trials, n, d))
        z = mu + eps
        f = np.sum(z**2, axis=2)
        out["score"].append(np.std(np.mean(f * eps[:, :, 0], axis=1)))
        out["reparam"].append(np.std(np.mean(2 * z[:, :, 0], axis=1)))
    return {k: np.array(v) for k, v in out.items()}


@figure("gen-vae-fig-gradient-estimator-variance")
def gradient_estimator_variance():
    dims = np.array([1, 2, 4, 8, 16, 32, 64, 128, 256])
    std = _gradient_estimator_std(dims)
    fig, ax = new_figure(5.6, 3.6)
    ax.plot(dims, std["score"], "o-", label="score function (REINFORCE)")
    ax.plot(dims, std["reparam"], "s-", label=r"reparameterised: $z = \mu + \epsilon$")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(dims, [str(d) for d in dims])
    ax.set_xlabel("latent dimension D")
    ax.set_ylabel("std of the gradient estimate (log)")
    ax.set_title(
        r"$\partial / \partial \mu_1\, \mathbb{E}_{z \sim N(\mu, I)} \|z\|^2$ (true value 2),"
        " 16 samples per estimate",
        fontsize=9,
    )
    ax.legend(fontsize=8)
    return fig


def _linear_vae_run(noise_var, steps=3000, lr=0.02, seed=0):
    """Gradient descent on the exact (expected) negative ELBO of a linear VAE,
    encoder mean A x with per-dimension variances s, decoder W z with Gaussian
    noise variance noise_var, on 8-D data with covariance eigenvalues
    4, 2, 1, 0.5, 0.25, ... Returns per-step reconstruction and KL terms."""
    rng = np.random.default_rng(seed)
    d, k = 8, 2
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    cov = q @ np.diag(4.0 * 0.5 ** np.arange(d)) @ q.T
    a = rng.normal(0, 0.1, (k, d))
    w = rng.normal(0, 0.1, (d, k))
    log_s = np.zeros(k)
    rec_hist, kl_hist = [], []
    eye = np.eye(d)
    for _ in range(steps):
        s = np.exp(log_s)
        resid = eye - w @ a
        sq_err = np.trace(resid @ cov @ resid.T) + np.sum((w**2) * s)
        rec = sq_err / (2 * noise_var) + 0.5 * d * np.log(2 * np.pi * noise_var)
        kl = 0.5 * np.sum(np.diag(a @ cov @ a.T) + s - 1 - log_s)
        rec_hist.append(rec)
        kl_hist.append(kl)
        g_w = (-resid @ cov @ a.T + w * s) / noise_var
        g_a = -w.T @ resid @ cov / noise_var + a @ cov
        g_log_s = s * (np.sum(w**2, axis=0) / (2 * noise_var) + 0.5 * (1 - 1 / s))
        w -= lr * g_w
        a -= lr * g_a
        log_s -= lr * g_log_s
    return np.array(rec_hist), np.array(kl_hist)


@figure("gen-vae-fig-posterior-collapse")
def posterior_collapse():
    fig, (a0, a1) = new_figure(6.6, 3.4, ncols=2)
    steps = np.arange(3000)
    for noise_var, color in [(0.5, "C0"), (2.0, "C1"), (5.0, "C3")]:
        rec, kl = _linear_vae_run(noise_var)
        label = rf"decoder variance $\sigma^2 = {noise_var:g}$"
        a0.plot(steps, kl, color=color, label=label)
        a1.plot(steps, rec, color=color, label=label)
    a0.set_ylabel("KL term (nats)")
    a1.set_ylabel("reconstruction term (nats)")
    for a in (a0, a1):
        a.set_xlabel("gradient step")
    a0.set_ylim(bottom=0)
    a0.legend(fontsize=7.5)
    return fig


# ------------------------------------------------ 6.3 GAN losses vs samples


def _gan_1d_run(steps=6000, lr=0.01, batch=256, seed=0):
    """A 1-D GAN: generator a z + b, discriminator sigmoid(w2 x^2 + w1 x + w0),
    data N(2, 0.5^2), Adam (beta1 = 0.5) on both, one D step per G step,
    non-saturating generator loss. Returns per-step D loss, G loss, a, b."""
    rng = np.random.default_rng(seed)
    wd, g = np.zeros(3), np.array([1.0, 0.0])
    state = {"d": [np.zeros(3), np.zeros(3)], "g": [np.zeros(2), np.zeros(2)]}

    def adam(key, p, grad, t):
        m, v = state[key]
        m[:] = 0.5 * m + 0.5 * grad
        v[:] = 0.999 * v + 0.001 * grad**2
        return p - lr * (m / (1 - 0.5**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)

    softplus = lambda x: np.logaddexp(0, x)  # noqa: E731
    hist = []
    for t in range(1, steps + 1):
        xr = rng.normal(2.0, 0.5, batch)
        xf = g[0] * rng.normal(size=batch) + g[1]
        fr = np.stack([xr**2, xr, np.ones(batch)], axis=1)
        ff = np.stack([xf**2, xf, np.ones(batch)], axis=1)
        sr, sf = fr @ wd, ff @ wd
        d_loss = np.mean(softplus(-sr)) + np.mean(softplus(sf))
        wd = adam("d", wd, (fr.T @ (_sigmoid(sr) - 1) + ff.T @ _sigmoid(sf)) / batch, t)
        z = rng.normal(size=batch)
        xf = g[0] * z + g[1]
        sf = wd[0] * xf**2 + wd[1] * xf + wd[2]
        g_loss = np.mean(softplus(-sf))
        dx = (_sigmoid(sf) - 1) / batch * (2 * wd[0] * xf + wd[1])
        g = adam("g", g, np.array([np.sum(dx * z), np.sum(dx)]), t)
        hist.append((d_loss, g_loss, abs(g[0]), g[1]))
    return np.array(hist)


@figure("gan-fig-losses-vs-generator-spread")
def losses_vs_generator_spread():
    h = _gan_1d_run()
    steps = np.arange(1, len(h) + 1)
    window = 50
    kernel = np.ones(window) / window
    smooth = lambda v: np.convolve(v, kernel, mode="valid")  # noqa: E731
    fig, (top, bottom) = new_figure(5.8, 5.0, nrows=2)
    top.plot(steps[window - 1 :], smooth(h[:, 0]), color="C0", label="discriminator loss")
    top.plot(
        steps[window - 1 :], smooth(h[:, 1]), color="C1", label="generator loss (non-saturating)"
    )
    top.axhline(2 * np.log(2), color="C0", ls=":", lw=1)
    top.axhline(np.log(2), color="C1", ls=":", lw=1)
    top.set_ylabel(f"loss ({window}-step mean)")
    top.set_ylim(0, 1.8)
    top.legend(fontsize=8, loc="lower right")
    bottom.plot(steps, h[:, 2], color="C2", label="generator std |a|")
    bottom.axhline(0.5, color="C2", ls="--", lw=1, label="data std (0.5)")
    bottom.plot(steps, h[:, 3], color="C4", label="generator mean b")
    bottom.axhline(2.0, color="C4", ls="--", lw=1, label="data mean (2.0)")
    bottom.set_ylabel("generator parameter")
    bottom.set_xlabel("training step")
    bottom.set_ylim(-0.1, 2.6)
    bottom.legend(fontsize=7.5, ncol=2, loc="center right")
    return fig


# ------------------------------------------------ 6.3 FID and IS


def _fid(x, y):
    mx, my = x.mean(axis=0), y.mean(axis=0)
    cx, cy = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    eig = np.linalg.eigvals(cx @ cy)
    tr_sqrt = np.sum(np.sqrt(np.clip(eig.real, 0, None)))
    return float(np.sum((mx - my) ** 2) + np.trace(cx) + np.trace(cy) - 2 * tr_sqrt)


def _inception_score(x, centres):
    d2 = ((x[:, None, :] - centres[None]) ** 2).sum(axis=-1)
    logits = -d2 / 2
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    marginal = p.mean(axis=0)
    kl = np.sum(p * (np.log(p + 1e-12) - np.log(marginal + 1e-12)), axis=1)
    return float(np.exp(kl.mean()))


def _mode_world(seed=0, dim=16, modes=10):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 2.0, (modes, dim))
    return rng, centres


def _sample_modes(rng, centres, n, which, spread=1.0):
    idx = rng.choice(which, n)
    return centres[idx] + spread * rng.normal(size=(n, centres.shape[1]))


def _fid_is_mode_dropping(n=5000):
    rng, centres = _mode_world()
    real = _sample_modes(rng, centres, n, np.arange(10))
    ks = np.arange(1, 11)
    fid, iscore = [], []
    for k in ks:
        fake = _sample_modes(rng, centres, n, np.arange(k))
        fid.append(_fid(real, fake))
        iscore.append(_inception_score(fake, centres))
    return ks, np.array(fid), np.array(iscore)


def _fid_is_within_collapse(n=5000):
    rng, centres = _mode_world()
    real = _sample_modes(rng, centres, n, np.arange(10))
    spreads = np.array([1.0, 0.75, 0.5, 0.25, 0.1, 0.0])
    fid, iscore = [], []
    for s in spreads:
        fake = _sample_modes(rng, centres, n, np.arange(10), spread=s)
        fid.append(_fid(real, fake))
        iscore.append(_inception_score(fake, centres))
    return spreads, np.array(fid), np.array(iscore)


@figure("gan-fid-fig-mode-dropping")
def fid_mode_dropping():
    ks, fid, iscore = _fid_is_mode_dropping()
    fig, ax = new_figure(5.6, 3.6)
    ax.plot(ks, fid, "o-", color="C0", label="FID (left axis)")
    ax.set_xlabel("number of the 10 real modes the generator covers")
    ax.set_ylabel("FID (lower is better)", color="C0")
    ax.set_xticks(ks)
    ax.set_ylim(bottom=0)
    ax2 = ax.twinx()
    ax2.plot(ks, iscore, "s-", color="C1", label="Inception Score (right axis)")
    ax2.set_ylabel("Inception Score (higher is better)", color="C1")
    ax2.set_ylim(0, 10.5)
    ax2.grid(False)
    lines = ax.get_lines() + ax2.get_lines()
    ax.legend(lines, [ln.get_label() for ln in lines], fontsize=8, loc="upper center")
    return fig


@figure("gan-fid-fig-within-mode-collapse")
def fid_within_mode_collapse():
    spreads, fid, iscore = _fid_is_within_collapse()
    fig, ax = new_figure(5.6, 3.6)
    ax.plot(spreads, fid, "o-", color="C0", label="FID (left axis)")
    ax.set_xlabel("generator's spread within each mode (1.0 = real spread)")
    ax.set_ylabel("FID (lower is better)", color="C0")
    ax.invert_xaxis()
    ax.set_ylim(bottom=0)
    ax2 = ax.twinx()
    ax2.plot(spreads, iscore, "s-", color="C1", label="Inception Score (right axis)")
    ax2.set_ylabel("Inception Score (higher is better)", color="C1")
    ax2.set_ylim(0, 10.5)
    ax2.grid(False)
    lines = ax.get_lines() + ax2.get_lines()
    ax.legend(lines, [ln.get_label() for ln in lines], fontsize=8, loc="center left")
    return fig
