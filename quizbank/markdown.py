"""Markdown to safe HTML: Pygments for code, MathML for maths, nh3 last.

Called when a question is saved or loaded, never per request. Maths is
converted to MathML on the server (no CDN, no JavaScript), and the whole
result, MathML included, goes through one nh3 allow-list at the end, so
nothing a question's author writes can reach the page unsanitised.
"""

import html
import re
import threading
from html.parser import HTMLParser

import latex2mathml.converter
import markdown
import nh3

_MATH = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">\s*'
    r"(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<block>.*?)\\\])\s*</(?P=tag)>",
    re.S,
)

_MATHML_TAGS = {
    "math",
    "mrow",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "mspace",
    "msup",
    "msub",
    "msubsup",
    "mfrac",
    "msqrt",
    "mroot",
    "mover",
    "munder",
    "munderover",
    "mtable",
    "mtr",
    "mtd",
    "mstyle",
    "mpadded",
    "mphantom",
    "menclose",
    "semantics",
    "annotation",
}
_HTML_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "b",
    "i",
    "u",
    "s",
    "del",
    "sub",
    "sup",
    "small",
    "mark",
    "code",
    "pre",
    "kbd",
    "blockquote",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "h3",
    "h4",
    "h5",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
    "div",
    "a",
}
_ATTRIBUTES = {
    "*": {"class"},
    "a": {"href", "title"},
    "th": {"align"},
    "td": {"align"},
    "math": {"display", "xmlns"},
    "mo": {
        "stretchy",
        "fence",
        "separator",
        "lspace",
        "rspace",
        "form",
        "largeop",
        "movablelimits",
        "symmetric",
        "minsize",
        "maxsize",
    },
    "mfrac": {"linethickness"},
    "mstyle": {"displaystyle", "scriptlevel", "mathvariant"},
    "mi": {"mathvariant"},
    "mn": {"mathvariant"},
    "mtext": {"mathvariant"},
    "mspace": {"width"},
    "mover": {"accent"},
    "munder": {"accentunder"},
    "mtable": {"columnalign", "rowspacing", "columnspacing"},
    "mtd": {"columnalign"},
    "menclose": {"notation"},
    "annotation": {"encoding"},
}


_local = threading.local()


def _converter() -> markdown.Markdown:
    """One converter per thread: a Markdown instance keeps per-document state, so
    one shared across the server's threads could store another question's HTML."""
    md = getattr(_local, "converter", None)
    if md is None:
        md = _local.converter = _build_converter()
    return md


def _build_converter() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[
            "pymdownx.superfences",
            "pymdownx.highlight",
            "pymdownx.arithmatex",
            "pymdownx.betterem",
            "pymdownx.inlinehilite",
            "tables",
            "sane_lists",
        ],
        extension_configs={
            "pymdownx.highlight": {
                "use_pygments": True,
                "css_class": "highlight",
                "guess_lang": False,
            },
            "pymdownx.arithmatex": {"generic": True},
        },
    )


def _to_mathml(match: re.Match) -> str:
    display = match["block"] is not None
    latex = html.unescape(match["block"] if display else match["inline"])
    try:
        return latex2mathml.converter.convert(latex, display="block" if display else "inline")
    except Exception:
        return f'<code class="math-error">{html.escape(latex)}</code>'


# A $$ … $$ block written straight after a line of prose would stay part of
# that paragraph; give it the blank lines Markdown needs to see a block.
_DISPLAY = re.compile(r"\n*^([ \t]*\$\$[ \t]*\n.*?\n[ \t]*\$\$[ \t]*)$\n*", re.S | re.M)


def render_markdown(text: str, *, inline: bool = False) -> str:
    """Return sanitised HTML for `text`; `inline` drops the wrapping paragraph."""
    md = _converter()
    md.reset()
    source = _DISPLAY.sub(r"\n\n\1\n\n", text or "")
    out = _MATH.sub(_to_mathml, md.convert(source))
    if inline and out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        out = out[3:-4]
    return nh3.clean(
        out,
        tags=_HTML_TAGS | _MATHML_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


# One-line previews for lists ----------------------------------------------------

# Kept in a preview: inline formatting, inline code and maths. Everything else
# (paragraphs, lists, tables, code blocks) flattens to its text on one line.
_SNIPPET_TAGS = {"em", "strong", "b", "i", "u", "s", "del", "sub", "sup", "mark", "code", "kbd"}
# HTML's void elements among the allowed tags: the only ones written without an
# end tag. MathML's empty elements are not void: nh3 writes `<mspace …></mspace>`.
_VOID = {"br", "hr"}
_BREAKS = {"p", "br", "hr", "li", "dt", "dd", "tr", "td", "th", "div", "blockquote", "h3", "h4"}


class _Snippet(HTMLParser):
    """Walks sanitised HTML and writes at most `limit` characters of text as
    one line of inline HTML. A `<math>` element is kept whole or left out, so
    a cut never breaks a formula; a code block becomes one `<code>` run."""

    def __init__(self, limit: int):
        super().__init__(convert_charrefs=True)
        self.limit, self.used, self.out = limit, 0, []
        self.open: list[str] = []  # open inline tags in the output
        self.math: list[str] | None = None  # buffer for the current <math> subtree
        self.math_depth = self.math_chars = 0
        self.pre = 0
        self.full = False
        self.space = False

    def _text(self, text: str) -> None:
        if self.full:
            if text.strip():
                self.cut = True
            return
        text = re.sub(r"\s+", " ", text)
        if self.space and not text.startswith(" ") and self.out:
            text = " " + text
        self.space = False
        if self.used == 0 or (self.out and self.out[-1].endswith(" ")):
            text = text.lstrip() if self.used == 0 else text
        room = self.limit - self.used
        if len(text) > room:
            cut = text[:room]
            # Cut at a word boundary when there is one in the last 20 characters.
            if " " in cut[-20:]:
                cut = cut[: cut.rstrip().rfind(" ")]
            self.out.append(html.escape(cut.rstrip(), quote=False) + "…")
            self.used, self.full, self.cut = self.limit, True, True
            return
        self.out.append(html.escape(text, quote=False))
        self.used += len(text)

    cut = False

    def handle_starttag(self, tag, attrs):
        if self.math is not None:
            self.math_depth += tag not in _VOID
            self.math.append(self.get_starttag_text() or f"<{tag}>")
            return
        if tag == "math":
            self.math, self.math_depth, self.math_chars = [self.get_starttag_text()], 1, 0
            return
        if tag in _BREAKS:
            self.space = True
        if tag == "pre":
            self.pre += 1
            self._open("code")
        elif tag in _SNIPPET_TAGS and not self.pre and not self.full:
            self._open(tag)

    def handle_startendtag(self, tag, attrs):
        if self.math is not None:
            self.math.append((self.get_starttag_text() or f"<{tag}/>").replace("/>", ">"))
            self.math.append(f"</{tag}>")
        elif tag in _BREAKS:
            self.space = True

    def _open(self, tag):
        if self.full:
            return
        if self.space and self.out:
            self.out.append(" ")
            self.space = False
        self.out.append(f"<{tag}>")
        self.open.append(tag)

    def _close(self, tag):
        if tag in self.open:
            while self.open:
                last = self.open.pop()
                self.out.append(f"</{last}>")
                if last == tag:
                    break

    def handle_endtag(self, tag):
        if self.math is not None:
            self.math.append(f"</{tag}>")
            self.math_depth -= 1
            if self.math_depth == 0:
                self._math_done()
            return
        if tag == "pre":
            self.pre -= 1
            self._close("code")
            self.space = True
        elif tag in _SNIPPET_TAGS and not self.pre:
            self._close(tag)
        if tag in _BREAKS:
            self.space = True

    def _math_done(self):
        buffer, self.math = self.math, None
        if self.full:
            self.cut = True
            return
        if self.used + self.math_chars > self.limit:
            self.out.append("…")
            self.used, self.full, self.cut = self.limit, True, True
            return
        if self.space and self.out:
            self.out.append(" ")
        self.space = False
        self.out.extend(buffer)
        self.used += self.math_chars

    def handle_data(self, data):
        if self.math is not None:
            self.math.append(html.escape(data, quote=False))
            self.math_chars += len(data.strip())
        else:
            self._text(data)

    def result(self) -> str:
        self.close()
        while self.open:
            self.out.append(f"</{self.open.pop()}>")
        out = re.sub(r"\s+", " ", "".join(self.out))
        out = re.sub(r"<code> ", "<code>", re.sub(r" </code>", "</code>", out))
        return out.replace("<code></code>", "").strip()


def snippet_html(rendered: str, limit: int = 160) -> str:
    """A one-line, safely truncated preview of already-rendered HTML (a stem,
    a choice) for lists: maths stays MathML, code stays code, no Markdown
    source. Stored beside the full HTML when a question is saved."""
    parser = _Snippet(limit)
    parser.feed(rendered or "")
    return nh3.clean(
        parser.result(),
        tags=_SNIPPET_TAGS | _MATHML_TAGS,
        attributes={k: v for k, v in _ATTRIBUTES.items() if k != "*" and k != "a"},
    )


_MARKUP = re.compile(r"\$\$?|`+|\*\*?|__|^#+ |^\s*[-*] |^```\w*$", re.M)


def search_text(*sources: str) -> str:
    """Markdown sources as one plain text to index for search: the maths and
    code stay (their words are what people type), the markers go."""
    return "\n".join(_MARKUP.sub(" ", s or "").strip() for s in sources if s)
