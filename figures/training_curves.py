"""Section 2 figures: loss curves from small simulated training runs."""

import numpy as np

from . import figure, new_figure


def _sgd_on_quadratic(lr: float, steps: int, seed: int) -> np.ndarray:
    """Loss of noisy gradient descent on an ill-conditioned quadratic (a real run)."""
    rng = np.random.default_rng(seed)
    curvature = np.array([1.0, 0.1])
    w = np.array([3.0, 3.0])
    losses = []
    for _ in range(steps):
        losses.append(0.5 * float(np.sum(curvature * w**2)))
        grad = curvature * w + rng.normal(0, 0.05, size=2)
        w = w - lr * grad
    return np.array(losses)


@figure("example-sgd-learning-rates")
def sgd_learning_rates():
    fig, ax = new_figure()
    steps = np.arange(200)
    for lr, label in [(0.05, "lr = 0.05"), (1.0, "lr = 1.0"), (1.95, "lr = 1.95")]:
        ax.plot(steps, _sgd_on_quadratic(lr, len(steps), seed=0), label=label)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("training loss (log scale)")
    ax.legend()
    return fig
