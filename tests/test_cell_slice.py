"""The slice of a notebook that some names need (lossedu.grading.cell_slice): every binding the grader
must not skip, and what it may skip."""

import pytest

from lossedu.grading.cell_slice import cell_names, needed_cells, needed_code


@pytest.mark.parametrize("cells, needed", [
    # imports, with and without aliases and dotted names
    (["import numpy as np", "import os.path", "from math import pi as PI", "f = lambda: np, os, PI"],
     [0, 1, 2, 3]),
    # a function's free variables are needed; its parameters and locals are not
    (["y = 1", "loss = 2", "scale = 3", "def f(y, *, loss=scale):\n    out = y\n    return out * k",
      "k = 4"], [2, 3]),
    # what comes after the last definition is not needed (k = 4 above, print here)
    (["def f():\n    return 1", "print(f())"], [0]),
    # a redefinition: both definitions run, in order, and what each reads
    (["a = 1", "def f():\n    return a", "b = 2", "def f():\n    return b"], [0, 1, 2, 3]),
    # augmented assignment reads and binds; x.attr = and x[i] = change x
    (["x = {}", "x['k'] = 1", "x.update(j=2)", "n = 0", "n += 1", "def f():\n    return x, n"],
     [0, 1, 2, 3, 4, 5]),
    # a top-level method call changes its object (seeds, jax.config.update, ...)
    (["import jax", "jax.config.update('jax_enable_x64', True)", "print('hello')",
      "def f():\n    return jax"], [0, 1, 3]),
    # for and with targets, walrus, tuple unpacking
    (["for i in range(3):\n    pass", "with open('f') as handle:\n    pass", "(w := 5)",
      "p, (q, r) = 1, (2, 3)", "def f():\n    return i, handle, w, q"], [0, 1, 2, 3, 4]),
    # comprehension variables are their own; a global statement binds
    (["t = 9", "g = [t for t in range(3)]", "def set_z():\n    global z\n    z = 1", "set_z()",
      "def f():\n    return z"], [2, 3, 4]),
    # a star import may bind anything; an unparsable cell (a magic) always runs
    (["from math import *", "%matplotlib inline", "unrelated = 1", "def f():\n    return sqrt"],
     [0, 1, 3]),
    # a syntax error is unparsable: it runs (and fails, as it would in the notebook)
    (["def f(:\n    pass", "def f():\n    return 1"], [0, 1]),
])
def test_needed_cells(cells, needed):
    assert needed_cells(cells, {"f"}) == needed


def test_names_that_no_cell_binds_need_only_the_unparsable_cells():
    assert needed_cells(["a = 1", "!ls", "b = a"], {"nowhere"}) == [1]


def test_cell_names_separates_binding_from_reading():
    names = cell_names("def f(a):\n    return a + b\nc = f(d)\nc.attr = e")
    assert names.binds == {"f", "c"}
    assert names.reads == {"b", "f", "d", "c", "e"}
    assert cell_names("%pip install x") is None


def test_needed_code_keeps_only_the_statements_and_imported_names_the_function_needs():
    chapter = ['import os\nimport numpy as np\nos.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"\n'
               'import tensorflow as tf\nimport jax.numpy as jnp\nfrom lossedu import check, metrics',
               'jax_only = jnp.ones(3)\nshown = tf.ones(3)  # not needed',
               'print("a cell f does not need")',
               "def f(x):\n    return jnp.where(x > 0, x, jax_only) + metrics.f1([1], [1])"]
    assert needed_code(chapter, {"f"}) == [
        # an import reads the environment: the os.environ line before it stays
        (0, 'import os\nos.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"\nimport jax.numpy as jnp\n'
            "from lossedu import metrics"),
        (1, "jax_only = jnp.ones(3)"),
        (3, "def f(x):\n    return jnp.where(x > 0, x, jax_only) + metrics.f1([1], [1])")]


def test_needed_code_keeps_what_changes_a_needed_module_and_whole_unparsable_cells():
    cells = ["import jax\nimport torch\njax.config.update('jax_enable_x64', True)\ntorch.manual_seed(0)",
             "%matplotlib inline\nx = 1", "@decorate\ndef f(v):\n    return jax.numpy.sign(v)  # kept"]
    assert needed_code(cells, {"f"}) == [
        (0, "import jax\njax.config.update('jax_enable_x64', True)"),
        (1, "%matplotlib inline\nx = 1"),
        (2, "@decorate\ndef f(v):\n    return jax.numpy.sign(v)  # kept")]
