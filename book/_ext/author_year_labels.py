"""Author-year labels in the book's list of references, matching the citations in the text.

sphinxcontrib-bibtex cites "(Boyd and Vandenberghe, 2004)" with ``bibtex_reference_style:
author_year``, but labels the list of references with the formatting style's labels ("[BV04]").
This extension registers a formatting style, ``author_year``, whose labels are written the way
the citations are: one author's last name, two joined by "and", three or more (or "and others")
as the first one's followed by "et al.", then the year.
"""

from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle


def _last_name(person) -> str:
    return str(Text.from_latex(" ".join(person.prelast_names + person.last_names)))


def author_year_label(entry) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_last_name(person) for person in people]
    if len(names) >= 3 or (names and names[-1] == "others"):
        authors = f"{names[0]} et al."
    else:
        authors = " and ".join(names) or entry.fields.get("title", entry.key)
    return f"{authors}, {entry.fields.get('year', 'n.d.')}"


class AuthorYearLabels(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        for entry in sorted_entries:
            yield author_year_label(entry)


class AuthorYearStyle(UnsrtStyle):
    default_label_style = "author_year"
    default_sorting_style = "none"  # as in references.bib: the four questions first


def setup(app):
    register_plugin("pybtex.style.labels", "author_year", AuthorYearLabels)
    register_plugin("pybtex.style.formatting", "author_year", AuthorYearStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
