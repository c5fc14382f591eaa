"""The PDF's LaTeX class: Sphinx's own ``manual`` instead of Jupyter Book's ``jupyterBook``.

Jupyter Book's LaTeX support (sphinx-jupyterbook-latex) turns the table of contents into parts
and chapters, which the PDF keeps; its class also loads ``bbm``, a package Debian ships only in
texlive-fonts-extra (1.4 GB installed), for blackboard letters the book never uses. This runs
after that extension has set its class, sets Sphinx's ``manual`` class back, and defines the
two environments in which that extension wraps code cells and their outputs: the input flush
with the text, the output indented below it. Tables are set in a smaller type, so that the
atlas's columns fit the page, and inline code is never hyphenated: an atlas entry's id
(``cosine_similarity_zero``) must read as the reader would type it.
"""

CELL_ENVIRONMENTS = r"""
\usepackage{changepage}
\usepackage{etoolbox}
\AtBeginEnvironment{tabulary}{\footnotesize}
\let\losseduSphinxCode\sphinxcode
\protected\def\sphinxcode#1{\losseduSphinxCode{\hyphenchar\font=-1 #1}}
\newenvironment{sphinxVerbatimInput}{\begin{adjustwidth}{0pt}{0pt}}{\end{adjustwidth}}
\newenvironment{sphinxVerbatimOutput}{\begin{adjustwidth}{1.5em}{0pt}}{\end{adjustwidth}}
"""


def use_manual_class(app, config):
    config["latex_theme"] = "manual"
    elements = config["latex_elements"]
    elements["preamble"] = elements.get("preamble", "") + CELL_ENVIRONMENTS


def setup(app):
    app.connect("config-inited", use_manual_class, priority=900)  # after sphinx-jupyterbook-latex
    return {"parallel_read_safe": True, "parallel_write_safe": True}
