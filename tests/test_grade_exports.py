"""The grader's reports from a gradebook: Canvas and Moodle files through a roster (a missing
submission an explicit 0, a student off the roster reported), item statistics, the gradebook
read back, regrade reports, and every malformed roster or request refused."""

import csv

import pytest

from lossedu.grading import assign
from lossedu.grading.grade_exports import (export, item_statistics, read_roster, write_canvas,
                                   write_moodle)
from lossedu.grading.gradebook import Row, feedback_text, read_gradebook, write_gradebook


def row(student, test, points, most=1.0, hidden=False, feedback=None, notebook="02_grad.ipynb",
        exercise="2.1"):
    return Row(student, notebook, exercise, test, hidden, points, most,
               feedback or ("passed" if points == most else f"{test} is wrong"), "sha")


ROWS = [
    row("ada", "test_sign", 1), row("ada", "test_scale", 2, 2), row("ada", "test_tie", 1, hidden=True),
    row("alan", "test_sign", 1), row("alan", "test_scale", 0, 2, feedback="wrong scale"),
    row("alan", "test_tie", 0, hidden=True, feedback="0 at a tie"),
    row("mallory", "test_sign", 0, feedback="wrong sign"),
    row("mallory", "test_scale", 0, 2, feedback="wrong scale"),
    row("mallory", "test_tie", 0, hidden=True, feedback="0 at a tie"),
    row("ada", "test_mean", 0.5, 1, notebook="01_basics.ipynb", exercise="1.3",
        feedback="not the mean"),
    Row("ada", "notes.txt", "-", "-", False, 0, 0, "not one of the assignment's notebooks", "sha"),
]
ROSTER = ("student,name,canvas_id,sis_user_id,sis_login_id,section,email\n"
          'ada,"Lovelace, Ada",102,A-2,alovelace,A,ada@example.edu\n'
          'alan,"Turing, Alan",103,T-3,aturing,B,alan@example.edu\n'
          'emmy,"Noether, Emmy",104,N-4,enoether,A,emmy@example.edu\n')


def table(path):
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


def test_canvas_and_moodle_files_map_the_roster_and_report_who_is_missing(tmp_path):
    (tmp_path / "roster.csv").write_text(ROSTER)
    report = export(ROWS, tmp_path, read_roster(tmp_path / "roster.csv"))
    assert table(tmp_path / "canvas.csv") == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "01_basics", "02_grad"],
        ["Points Possible", "", "", "", "", "1", "4"],
        ["Lovelace, Ada", "102", "A-2", "alovelace", "A", "0.5", "4"],
        ["Turing, Alan", "103", "T-3", "aturing", "B", "0", "1"],
        ["Noether, Emmy", "104", "N-4", "enoether", "A", "0", "0"]]
    assert table(tmp_path / "moodle.csv") == [
        ["Email address", "Full name", "01_basics", "02_grad"],
        ["ada@example.edu", "Lovelace, Ada", "0.5", "4"],
        ["alan@example.edu", "Turing, Alan", "0", "1"],
        ["emmy@example.edu", "Noether, Emmy", "0", "0"]]
    assert report == [
        "alan (Turing, Alan): no submission of 01_basics; exported as 0",
        "emmy (Noether, Emmy): no submission of 01_basics; exported as 0",
        "emmy (Noether, Emmy): no submission of 02_grad; exported as 0",
        "mallory: not on the roster, so not in the Canvas or Moodle file (it is in the "
        "gradebook: 02_grad 0)"]


def test_without_emails_moodle_is_not_written_and_the_report_says_why(tmp_path):
    (tmp_path / "roster.csv").write_text("student,name\nada,Ada\n")
    report = export(ROWS, tmp_path, read_roster(tmp_path / "roster.csv"))
    assert (tmp_path / "canvas.csv").exists() and not (tmp_path / "moodle.csv").exists()
    assert report[-1] == ("moodle.csv not written: the Moodle export maps students by email, "
                          "and the roster has none for ada")
    with pytest.raises(ValueError, match="maps students by email"):
        write_moodle(ROWS, read_roster(tmp_path / "roster.csv"), tmp_path / "m.csv")


@pytest.mark.parametrize("text, words", [
    ("name,email\nAda,a@x\n", "has no column student"),
    ("student,name,phone\nada,Ada,1\n", "unknown columns ['phone']"),
    ("student,name\nada,Ada\n,Nobody\n", "line 3: no student id"),
    ("student,name\nada,Ada\nada,Ada again\n", "line 3: duplicate student 'ada' (also on line 2)"),
    ("student,name,canvas_id\nada,Ada,7\nalan,Alan,7\n", "line 3: duplicate canvas_id '7'"),
    ("student,name,email\nada,Ada,a@x\nalan,Alan,a@x\n", "line 3: duplicate email 'a@x'"),
    ("student,name\n", "lists no student"),
])
def test_a_malformed_roster_is_refused_with_its_line(tmp_path, text, words):
    (tmp_path / "roster.csv").write_text(text)
    with pytest.raises(ValueError, match=r"roster\.csv"):
        read_roster(tmp_path / "roster.csv")
    with pytest.raises(ValueError) as error:
        read_roster(tmp_path / "roster.csv")
    assert words in str(error.value)
    with pytest.raises(ValueError, match="no roster at"):
        read_roster(tmp_path / "missing.csv")


def test_item_statistics_per_exercise_and_per_test(tmp_path):
    statistics = {(s.exercise, s.test): s for s in item_statistics(ROWS)}
    exercise = statistics[("2.1", "")]
    assert (exercise.students, exercise.max_points, exercise.mean_points) == (3, 4, 5 / 3)
    assert exercise.full_marks == pytest.approx(1 / 3)
    # each student counted once per message
    assert exercise.failures == (("0 at a tie", 2), ("wrong scale", 2), ("wrong sign", 1))
    scale = statistics[("2.1", "test_scale")]
    assert (scale.visibility, scale.mean_points, scale.full_marks) == ("public", 2 / 3, pytest.approx(1 / 3))
    assert statistics[("2.1", "test_tie")].visibility == "hidden"
    assert ("-", "-") not in statistics  # a stray file is no item
    export(ROWS, tmp_path, None)
    lines = (tmp_path / "statistics.csv").read_text().splitlines()
    assert lines[0] == ("notebook,exercise,test,visibility,max_points,students,mean_points,"
                        "share_full_marks,most_common_failures")
    assert "02_grad.ipynb,2.1,test_scale,public,2,3,0.667,0.333,wrong scale (2)" in lines
    page = (tmp_path / "statistics.html").read_text()
    assert page.count("<svg") == 1 and "wrong scale (2)" in page and "<table>" in page


def test_the_gradebook_reads_back_as_written(tmp_path):
    write_gradebook(ROWS, tmp_path / "gradebook.csv")
    assert read_gradebook(tmp_path / "gradebook.csv") == ROWS
    (tmp_path / "other.csv").write_text("student,points\nada,1\n")
    with pytest.raises(ValueError, match="is not a gradebook of this grader"):
        read_gradebook(tmp_path / "other.csv")
    text = (tmp_path / "gradebook.csv").read_text().replace(",0.5,1,", ",half,1,")
    (tmp_path / "bad.csv").write_text(text)
    with pytest.raises(ValueError, match="line 11: points and max_points must be numbers"):
        read_gradebook(tmp_path / "bad.csv")
    with pytest.raises(ValueError, match="grade the class first"):
        read_gradebook(tmp_path / "none.csv")


def test_feedback_lists_public_tests_and_only_counts_hidden_ones():
    text = feedback_text("alan", [r for r in ROWS if r.student == "alan"])
    assert text == ("Feedback for alan: 1 of 4 points\n\n"
                    "02_grad.ipynb, exercise 2.1: 1/4 points.\n"
                    "  public tests: 1/2 passed (1 of 3 points)\n"
                    "    - test_sign (1/1): passed\n"
                    "    - test_scale (0/2): wrong scale\n"
                    "  hidden tests: 0/1 passed (0 of 1 point)\n")
    assert "0 at a tie" not in text


def test_a_regrade_report_lists_what_changed():
    before = [row("alan", "test_scale", 0, 2, feedback="wrong scale"), row("alan", "test_sign", 1)]
    after = [row("alan", "test_scale", 2, 2), row("alan", "test_sign", 1)]
    assert assign.regrade_report(before, after) == [
        "regraded 2 rows: 1 changed",
        "alan, 02_grad.ipynb, exercise 2.1, test_scale: 0 -> 2 of 2 (passed)"]
    assert assign.regrade_report(after, after) == ["regraded 2 rows: none changed"]


def test_a_regrade_refuses_names_that_match_nothing(tmp_path):
    import nbformat
    from grading_class import fixture_notebook

    source, submissions = tmp_path / "source", tmp_path / "subs"
    source.mkdir()
    nbformat.write(fixture_notebook(), source / "90_fixture.ipynb")
    (submissions / "alice").mkdir(parents=True)
    nbformat.write(fixture_notebook(), submissions / "alice" / "90_fixture.ipynb")
    with pytest.raises(ValueError, match="grade the class first"):
        assign.grade(submissions, source, tmp_path / "out", students=["alice"])
    write_gradebook([], (tmp_path / "out").mkdir() or tmp_path / "out" / "gradebook.csv")
    with pytest.raises(ValueError, match="no student folder bob; known: alice"):
        assign.grade(submissions, source, tmp_path / "out", students=["bob"])
    with pytest.raises(ValueError, match="no exercise with tests 9.9; known: 2.1"):
        assign.grade(submissions, source, tmp_path / "out", exercises=["9.9"])
    with pytest.raises(ValueError, match="name at least one student"):
        assign.grade(submissions, source, tmp_path / "out", students=[])


def test_a_regrade_replaces_only_the_rows_it_grades_again(tmp_path):
    folders = [tmp_path / "ada", tmp_path / "alan"]
    tests = {"02_grad.ipynb": {"2.1": None}, "01_basics.ipynb": {"1.3": None}}
    write_gradebook(ROWS, tmp_path / "gradebook.csv")

    def split(students, exercises):
        kept, replaced = assign._earlier_rows(tmp_path, students, exercises, folders, tests)
        assert sorted(kept + replaced, key=repr) == sorted(ROWS, key=repr)
        return {(r.student, r.exercise) for r in replaced}

    # one student and one exercise: her stray file's row and her other exercise stay
    assert split({"ada"}, {"2.1"}) == {("ada", "2.1")}
    # one student: every row of hers, the stray file's too (it is listed again)
    assert split({"ada"}, None) == {("ada", "2.1"), ("ada", "1.3"), ("ada", "-")}
    # one exercise: everybody's rows of it
    assert split(None, {"2.1"}) == {("ada", "2.1"), ("alan", "2.1"), ("mallory", "2.1")}
