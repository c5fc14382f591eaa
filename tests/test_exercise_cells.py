"""Test cells read from a notebook without running them, and every malformed one refused with
a message that names the notebook, the cell and the problem."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from lossedu.grading import assign
from lossedu.grading.exercise_cells import exercise_tests

PUBLIC = '''@check.test_case("7.1", points=2, failure_message="wrong")
def test_values(f, g):
    assert f(1) == g(1)'''
HIDDEN = '''@check.test_case("7.1", points=0.5, hidden=True)
def test_secret(f):
    assert f(0) == 0'''


def cell_of_tests(source: str, exercise="7.1", cell_type="code"):
    cell = new_code_cell(source) if cell_type == "code" else new_markdown_cell(source)
    cell.metadata.update(tags=["tests"], lossedu={"exercise": exercise} if exercise else {})
    return cell


def read(*cells):
    return exercise_tests(new_notebook(cells=list(cells)), "lesson.ipynb")


def test_tests_are_read_with_their_points_visibility_message_and_names():
    helper = cell_of_tests("def _data():\n    return [1, 2]")  # shared code, no test: public
    tests = read(helper, cell_of_tests(PUBLIC), cell_of_tests(HIDDEN))["7.1"]
    assert [(t.name, t.points, t.hidden, t.failure_message, t.parameters) for t in tests.tests] == [
        ("test_values", 2.0, False, "wrong", ("f", "g")),
        ("test_secret", 0.5, True, "test_secret failed", ("f",))]
    assert [cell.hidden for cell in tests.cells] == [False, False, True]
    assert tests.names == {"f", "g"} and tests.points() == 2.5 and tests.points(hidden=True) == 0.5


@pytest.mark.parametrize("source, exercise, words", [
    ("@check.test_case('7.1', points=1)\ndef test_x(f)\n    pass", "7.1",
     "cell 1 (tagged 'tests'): the test code does not parse: "),
    ("@check.test_case('7.1')\ndef test_x(f):\n    pass", "7.1", "test_x: no points"),
    ("@check.test_case('7.1', points='two')\ndef test_x(f):\n    pass", "7.1",
     "test_x: points must be a number, not str ('two')"),
    ("@check.test_case('7.1', points=0)\ndef test_x(f):\n    pass", "7.1", "above 0"),
    ("@check.test_case('7.1', points=N)\ndef test_x(f):\n    pass", "7.1",
     "points must be written as a literal"),
    ("@check.test_case('7.1', points=1, hidden='no')\ndef test_x(f):\n    pass", "7.1",
     "hidden must be True or False"),
    ("@check.test_case('7.1', points=1, weight=2)\ndef test_x(f):\n    pass", "7.1",
     "unknown argument(s) ['weight']"),
    ("@check.test_case('7.2', points=1)\ndef test_x(f):\n    pass", "7.1",
     "a test of exercise '7.2' in a cell of exercise '7.1'"),
    ("@check.test_case\ndef test_x(f):\n    pass", "7.1", "with the exercise and the points"),
    ("def test_x(f):\n    assert f(1)", "7.1", "test_x is not a test until it is decorated"),
    ("@check.test_case('7.1', points=1)\ndef test_x(*names):\n    pass", "7.1",
     "a test's parameters are plain names"),
    (PUBLIC + "\n\n\n" + HIDDEN, "7.1", "holds public and hidden tests"),
    (PUBLIC, None, "needs metadata lossedu.exercise"),
])
def test_a_malformed_test_cell_is_refused_with_where_and_why(source, exercise, words):
    with pytest.raises(ValueError) as error:
        read(cell_of_tests(source, exercise))
    assert str(error.value).startswith("lesson.ipynb, cell 1 (tagged 'tests'): ")
    assert words in str(error.value)


def test_a_markdown_cell_tagged_tests_is_refused():
    with pytest.raises(ValueError, match="must be a code cell"):
        read(cell_of_tests(PUBLIC, cell_type="markdown"))


def test_two_tests_with_one_name_are_refused():
    with pytest.raises(ValueError, match=r"exercise 7.1 has two tests named 'test_values' "
                                         r"\(cells 1 and 2\)"):
        read(cell_of_tests(PUBLIC), cell_of_tests(PUBLIC))


def test_release_refuses_a_malformed_test_cell_before_writing_anything(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    nbformat.write(new_notebook(cells=[cell_of_tests("@check.test_case('7.1')\ndef test_x(f):\n    pass")]),
                   source / "07_lesson.ipynb")
    with pytest.raises(ValueError, match=r"07_lesson.ipynb, cell 1 .*no points"):
        assign.release(source, tmp_path / "out")
    assert not (tmp_path / "out").exists()
