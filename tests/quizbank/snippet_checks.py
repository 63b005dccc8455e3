"""Is a list preview well-formed, and did it keep the text it previews?"""

from html.parser import HTMLParser


class _Walk(HTMLParser):
    """Tag stack and the text outside formulas (maths is kept whole or dropped)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.prose: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "math" and "math" in self.stack:
            self.problems.append("a <math> inside a <math>")
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        if "math" not in self.stack:
            self.prose.append(data)


def _walk(html: str) -> _Walk:
    walk = _Walk()
    walk.feed(html)
    walk.close()
    if walk.stack:
        walk.problems.append(f"left open: {walk.stack}")
    return walk


def snippet_problems(rendered: str, snippet: str) -> list[str]:
    """What is wrong with `snippet` as a preview of `rendered`: unbalanced tags,
    or prose lost (a formula left open swallows the text after it)."""
    walk = _walk(snippet)
    text = "".join("".join(walk.prose).split())
    whole = "".join("".join(_walk(rendered).prose).split())
    kept = whole.startswith(text[:-1]) if text.endswith("…") else text == whole
    if not kept:
        walk.problems.append(f"text lost: {text!r} previews {whole!r}")
    return walk.problems
