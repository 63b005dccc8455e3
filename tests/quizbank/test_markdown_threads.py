"""Rendering from many threads at once gives what rendering one at a time gives
(issue 22): the server runs threads, and editors save questions concurrently."""

from concurrent.futures import ThreadPoolExecutor

from quizbank.markdown import render_markdown


def texts() -> list[str]:
    out = []
    for n in range(60):
        out.append(
            f"Question {n}: the loss is $L_{{{n}}} = \\\\sum_i x_i^{n % 7 + 1}$.\\n\\n"
            f"```python\\nx = torch.randn({n}, {n + 1})\\nprint(x.shape)  # {n}\\n```\\n\\n"
            f"| a | b |\\n|---|---|\\n| {n} | *{n * n}* |\\n\\n"
            + "".join(f"- item {n}.{k} with **bold {k}**\\n" for k in range(n % 5 + 1))
        )
    return out


def test_many_threads_render_exactly_what_one_thread_renders():
    sources = texts()
    expected = [render_markdown(t) for t in sources]
    assert len(set(expected)) == len(expected)
    work = sources * 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(render_markdown, work))
    assert results == expected * 4
