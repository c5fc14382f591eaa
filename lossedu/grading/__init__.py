"""Assignments: the exercises' self-checks, student versions, and the sandboxed grader.

- :mod:`lossedu.grading.check`: the tests an exercise carries (``check.test_case``) and the
  student's self-check;
- :mod:`lossedu.grading.exercise_cells`: a notebook's exercises, read without running them;
- :mod:`lossedu.grading.assign`: student versions and the grader (``python -m lossedu.assign``);
- :mod:`lossedu.grading.cell_slice`: the code an exercise's tests need;
- :mod:`lossedu.grading.sandbox`: one notebook run in a sandbox, within limits;
- :mod:`lossedu.grading.gradebook` and :mod:`lossedu.grading.grade_exports`: the grades, the
  feedback, and the CSV files for Canvas and Moodle.

It may import: lossedu.maths, lossedu.common.
"""
