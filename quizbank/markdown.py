"""Markdown to safe HTML: Pygments for code, MathML for maths, nh3 last.

Called when a question is saved or loaded, never per request. Maths is
converted to MathML on the server (no CDN, no JavaScript), and the whole
result, MathML included, goes through one nh3 allow-list at the end, so
nothing a question's author writes can reach the page unsanitised.
"""

import html
import re
import threading

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
    one shared across gunicorn's threads could store another question's HTML."""
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
