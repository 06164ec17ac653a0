"""The printed book: LaTeX settings that follow from the HTML's, and the student edition.

``make pdf`` (``tools/build_pdf.py``) builds the book twice with Sphinx's LaTeX builder
and xelatex: ``book.pdf`` and ``book-student.pdf``. This extension supplies what the
HTML configuration cannot say for LaTeX, so that each fact keeps one home:

* Math macros: the book's macros live in ``_config.yml`` (``mathjax3_config``, used by the
  HTML); here each one becomes a LaTeX ``\\newcommand``, so the PDF typesets the same
  formulas (``\\newcommand`` fails loudly if a name is taken, instead of changing it).
* Chinese terms: xeCJK with the Noto CJK fonts (Debian's ``fonts-noto-cjk``), with
  English quotes, dashes and ellipses kept in the Latin font (xeCJK would otherwise set
  ’ as a full-width mark).
* ``bbm.sty``: Jupyter Book's LaTeX class loads it for ``\\mathbbm``, which this book never
  uses; the package lives in a 1.4 GB TeX Live collection, so a stand-in that maps
  ``\\mathbbm`` to amssymb's ``\\mathbb`` is shipped instead (``_ext/latex/bbm.sty``).
* Exercise numbers as in the HTML: Jupyter Book's LaTeX route numbers figures, equations
  and exercises by section (1.9.3) when the table of contents has parts; the printed book
  keeps the HTML's chapter numbering (1.3) by not turning the parts into LaTeX parts.
  A reference to an exercise in another chapter (the FAQ's, say) prints that number and
  links to the exercise, where sphinx-exercise would leave LaTeX an undefined ``\\ref``.
* The student edition (``student_edition = True``, set by ``tools/build_pdf.py``): every
  solution is dropped from the document tree, with the code cells inside it (exactly the
  cells tagged ``solution`` that ``tools/make_student.py`` drops from the student
  notebooks), and so is every self-check cell (tag ``check``: on a sheet without
  solutions its "passed" lines would only confuse), so the exercise sheets carry the
  exercises, numbered as in the full book, without their solutions. The notebooks are
  not executed again: the outputs come from the same execution cache as the full book's.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx_exercise.nodes import exercise_enumerable_node, solution_node

HERE = Path(__file__).resolve().parent
CHECK_TAG = "check"  # xentlib.exercises' self-check cells: their "passed" lines belong to the solutions

CJK_PREAMBLE = r"""
% a character that no font has is an error, not a silent gap (tests/pdf reads the log)
\tracinglostchars=2
\usepackage{xeCJK}
\setCJKmainfont{Noto Serif CJK SC}
\setCJKsansfont{Noto Sans CJK SC}
\setCJKmonofont{Noto Sans Mono CJK SC}
% English punctuation stays English: quotes, apostrophes, dashes, ellipsis, middle dot
\xeCJKDeclareCharClass{Default}{"2018, "2019, "201C, "201D, "2013, "2014, "2026, "00B7}
"""


def latex_macros(mathjax3_config) -> str:
    """The MathJax macros of the HTML as LaTeX ``\\newcommand`` lines."""
    macros = ((mathjax3_config or {}).get("tex") or {}).get("macros") or {}
    lines = []
    for name, value in macros.items():
        if isinstance(value, str):
            lines.append(rf"\newcommand{{\{name}}}{{{value}}}")
        else:
            body, nargs = value
            lines.append(rf"\newcommand{{\{name}}}[{int(nargs)}]{{{body}}}")
    return "\n".join(lines)


def _is_check_cell(node) -> bool:
    return (isinstance(node, nodes.container) and node.get("nb_element") == "cell_code"
            and CHECK_TAG in (node.get("cell_metadata") or {}).get("tags", []))


def drop_solutions(doctree) -> int:
    """Remove every solution (with what it contains) and every self-check cell from
    ``doctree``; return how many nodes were removed."""
    dropped = list(doctree.findall(solution_node)) + list(doctree.findall(_is_check_cell))
    for node in dropped:
        if node.parent is not None:
            node.parent.remove(node)
    return len(dropped)


class ExerciseNumberReferences(SphinxPostTransform):
    """In LaTeX, a numbered reference to an exercise: its HTML number, linked to its label."""

    default_priority = 30  # after sphinx-exercise's own reference transforms
    formats = ("latex",)

    def run(self, **kwargs):
        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for node in list(self.document.findall(addnodes.number_reference)):
            label = node.get("refid") or node.get("refuri", "").rpartition("#")[2]
            if isinstance(registry.get(label, {}).get("node"), exercise_enumerable_node):
                latex = rf"\hyperref[exercise:{label}]{{{node.astext()}}}"
                node.replace_self(nodes.raw("", latex, format="latex"))


def _config_inited(app, config):
    config.jblatex_captions_to_parts = False
    elements = dict(config.latex_elements or {})
    elements["preamble"] = "\n".join(
        [elements.get("preamble", ""), CJK_PREAMBLE, latex_macros(config.mathjax3_config)])
    config.latex_elements = elements
    config.latex_additional_files = [*config.latex_additional_files, str(HERE / "latex" / "bbm.sty")]


def _doctree_read(app, doctree):
    if app.config.student_edition:
        drop_solutions(doctree)


def setup(app):
    app.add_config_value("student_edition", False, "env")
    app.connect("config-inited", _config_inited)
    app.connect("doctree-read", _doctree_read)
    app.add_post_transform(ExerciseNumberReferences)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
