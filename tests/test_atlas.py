"""The kink atlas: its entries and their maths, the frameworks behind one interface, the
snippets run standalone, the stored table against a fresh run, the command line."""

import ast
import importlib.util
import json
import math
import re
import subprocess
import sys

import numpy as np
import pytest

from lossedu import atlas
from lossedu.atlas import Framework, Missing, Result
from lossedu.atlas.frameworks import literal

SEVEN = {"torch", "tensorflow", "keras-tensorflow", "keras-jax", "keras-torch", "jax", "mlx",
         "paddle", "tinygrad"}


# --- entries and their maths ------------------------------------------------------------------

def test_at_least_sixty_entries_with_unique_linkable_ids_in_every_family():
    ids = [e.id for e in atlas.ENTRIES]
    assert len(ids) >= 60 and len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids)  # an anchor as it is
    assert {e.family for e in atlas.ENTRIES} == set(atlas.FAMILIES)
    assert all(e.question.strip() and e.what.strip() for e in atlas.ENTRIES)


def test_the_issue_s_questions_are_all_asked():
    ids = set(atlas.ENTRY_BY_ID)
    asked = {"maximum_tie_xy", "maximum_tie_yx", "minimum_tie_xy", "minimum_tie_yx",
             "maximum_zero", "relu", "reduce_max_tie", "max_dim_tie", "sort_tie", "topk_tie",
             "median_tie", "quantile_tie", "kthvalue_tie", "maxpool_tie", "std_constant",
             "var_constant", "normalize_zero", "cosine_similarity_zero", "cdist_zero",
             "pairwise_distance_zero", "prod_one_zero", "pow_zero_exponent", "pow_half_zero",
             "pow_one", "pow_two", "sqrt_zero", "atan2_zero", "hypot_zero", "logsumexp_neginf",
             "xlogy_zero", "kl_div_zero", "cross_entropy_neginf_logit", "svd_repeated",
             "eigh_degenerate", "hardsigmoid_lower", "hardswish_upper", "huber_threshold",
             "smooth_l1_beta", "abs"}
    assert asked <= ids, asked - ids
    huber, smooth = atlas.ENTRY_BY_ID["huber_threshold"], atlas.ENTRY_BY_ID["smooth_l1_beta"]
    assert huber.inputs["y_pred"] == [2.0] and "delta = 2" in huber.what  # delta is not 1
    assert smooth.inputs["y_pred"] == [0.5] and "beta = 0.5" in smooth.what


def _slopes_step(entry):
    # a point closer to a kink than the default step (a subnormal) needs a smaller step
    tiny = [abs(v) for v in entry.point if 0 < abs(v) < 1e-6]
    return min(tiny) / 2 if tiny else None


@pytest.mark.parametrize("entry", [e for e in atlas.ENTRIES if e.gradients is not None],
                         ids=lambda e: e.id)
def test_the_maths_is_consistent_with_the_numpy_version(entry):
    from lossedu import numerical_grad

    assert entry.gradients.contains(entry.min_norm)
    if not np.all(np.isfinite(entry.point)):
        assert atlas.one_sided_slopes(entry) is None  # nothing to perturb at -inf
        return
    step = _slopes_step(entry)
    if entry.differentiable:
        with np.errstate(all="ignore"):
            central = numerical_grad(entry.numpy, entry.point, step=step)
        np.testing.assert_allclose(central, entry.min_norm, atol=atlas.TOLERANCE)
        return
    left, right = atlas.one_sided_slopes(entry)
    if len(entry.point) == 1:
        # at a one-dimensional kink the set is the interval between the one-sided slopes
        low, high = sorted([left[0], right[0]])
        assert entry.gradients.contains([low]) and entry.gradients.contains([high])
        assert not any(entry.gradients.contains([g]) for g in (low - 1e-3, high + 1e-3))
    # Clarke's set holds the limits of the gradients at nearby points where the operation is
    # differentiable: every such gradient, a little way off the point, is (nearly) in it
    rng = np.random.default_rng(0)
    for _ in range(12):
        near = np.asarray(entry.point) + 1e-5 * rng.standard_normal(len(entry.point))
        with np.errstate(all="ignore"):
            nearby = numerical_grad(entry.numpy, near, step=1e-9)
        assert entry.gradients.contains(nearby, tolerance=1e-3), (near, nearby)


def test_gradient_sets_reject_what_is_outside_them():
    entry = atlas.ENTRY_BY_ID
    assert not entry["maximum_tie_xy"].gradients.contains([1.0, 1.0])
    assert entry["maximum_tie_xy"].gradients.contains([1.0, 0.0])
    assert not entry["topk_tie"].gradients.contains([0.5, 0.0, 0.5])
    assert not entry["std_constant"].gradients.contains([0.5, 0.5, 0.0])  # sum is not 0
    assert not entry["sort_tie"].gradients.contains([1.0, 1.0])
    assert entry["svd_repeated"].gradients.contains([2.0, 0.0, 0.0, 1.0])
    assert not entry["svd_repeated"].gradients.contains([1.0, 0.0, 0.0, 1.0])  # trace
    assert not entry["eigh_degenerate"].gradients.contains([1.5, 1.0, 0.0, 1.5])  # not symmetric
    assert not entry["abs"].gradients.contains([float("nan")])


def test_an_entry_without_a_set_says_why_and_one_with_a_set_has_its_minimum():
    with pytest.raises(ValueError, match="say why"):
        atlas.Entry("x", "absolute", "w", "q", {"x": [0.0]}, np.abs)
    with pytest.raises(ValueError, match="go together"):
        atlas.Entry("x", "absolute", "w", "q", {"x": [0.0]}, np.abs,
                    gradients=atlas.ENTRY_BY_ID["abs"].gradients)
    with pytest.raises(ValueError, match="unknown family"):
        atlas.Entry("x", "nowhere", "w", "q", {"x": [0.0]}, np.abs, maths="m")


# --- frameworks behind one interface ----------------------------------------------------------

def test_seven_frameworks_with_keras_on_three_backends():
    assert set(atlas.FRAMEWORKS) == SEVEN
    assert [atlas.FRAMEWORKS[f].label for f in ("keras-tensorflow", "keras-jax", "keras-torch")] \
        == ["Keras 3 (TensorFlow)", "Keras 3 (JAX)", "Keras 3 (PyTorch)"]


@pytest.mark.parametrize("name", sorted(SEVEN))
def test_every_framework_answers_every_entry_or_says_why_not(name):
    framework = atlas.FRAMEWORKS[name]
    # the entries of the table's losses may be written from the table (builtin_loss)
    assert {i for i in atlas.ENTRY_BY_ID if framework.op(i) is not None} == set(atlas.ENTRY_BY_ID)
    assert set(framework.ops) <= set(atlas.ENTRY_BY_ID), set(framework.ops) - set(atlas.ENTRY_BY_ID)
    snippets = {}
    for entry in atlas.ENTRIES:
        snippet = entry.snippet(name)
        if isinstance(snippet, Missing):
            assert len(snippet.reason.split()) >= 2  # a reason, not a word
            continue
        ast.parse(snippet)  # a program a reader can paste
        assert "lossedu" not in snippet
        assert snippet.startswith(framework.imports)
        snippets.setdefault(framework.op(entry.id), []).append(entry.id)
    # an alias is no second row: one op text answers one question (the same op at another
    # point, such as abs at 0 and at -0.0, is another question)
    for op, ids in snippets.items():
        points = {json.dumps(atlas.ENTRY_BY_ID[i].inputs) for i in ids}
        assert len(points) == len(ids), (op, ids)


def test_every_entry_is_answered_by_at_least_two_frameworks_and_most_by_six():
    answered = {e.id: [f for f in atlas.FRAMEWORKS if isinstance(e.snippet(f), str)]
                for e in atlas.ENTRIES}
    assert all(len(names) >= 2 for names in answered.values()), answered
    assert sum(len(names) >= 6 for names in answered.values()) > len(answered) / 2


def test_literal_writes_points_as_python():
    assert literal([0.0, -0.0, float("nan"), float("inf"), 2]) == \
        '[0.0, -0.0, float("nan"), float("inf"), 2.0]'
    assert eval(literal([[1.5], [float("-inf")]]), {"float": float}) == [[1.5], [float("-inf")]]
    for bad in (["1"], [True], [None]):
        with pytest.raises(TypeError, match="numbers"):
            literal(bad)


def test_a_missing_op_needs_a_reason_and_an_unknown_entry_is_an_error():
    with pytest.raises(ValueError, match="reason"):
        Missing("  ")
    with pytest.raises(ValueError, match="does not say how to write atlas entry 'nowhere'"):
        atlas.FRAMEWORKS["torch"].snippet("nowhere", {"x": [0.0]}, {})
    with pytest.raises(TypeError, match="register takes a Framework"):
        atlas.register("torch")


TOY_GRADIENT = ("h = 1e-3\nf = lambda {names}: {total}\n"
                "(f(x + h * np.eye(x.size)[0]) - f(x - h * np.eye(x.size)[0])) / (2 * h)")


@pytest.fixture
def toy():
    """A toy framework registered through the README's interface: NumPy, differentiated by a
    central difference written into its snippet."""
    ops = {entry.id: Missing("the toy has only abs, relu and step") for entry in atlas.ENTRIES}
    ops.update({"abs": "np.abs(x)", "relu": "np.maximum(x, 0)", "step": "(x > 0).astype(x.dtype)"})
    framework = atlas.register(Framework(
        name="toy", label="Toy", package="numpy", module="numpy", imports="import numpy as np",
        tensor="{name} = np.array({value}, dtype=np.float64)",
        constant="{name} = np.array({value}, dtype=np.float64)",
        total="np.sum({expression})",
        gradient=lambda total, names: TOY_GRADIENT.format(names=", ".join(names), total=total),
        ops=ops))
    yield framework
    del atlas.FRAMEWORKS["toy"]


def test_a_toy_framework_registers_through_the_interface_and_is_probed(toy):
    results = {r.id: r for r in atlas.run(["abs", "relu", "step", "norm_zero"], ["toy"])}
    assert results["abs"].grad == [0.0] and results["relu"].grad == [0.5]
    assert results["step"].grad == [0.0] and results["step"].value == 1.0
    assert results["norm_zero"].kind == "no op"
    assert results["norm_zero"].error == "the toy has only abs, relu and step"
    assert results["abs"].version == np.__version__
    assert "Toy" in atlas.markdown_table(list(results.values()), legend=False)
    html = atlas.page.atlas_html(atlas.RecordedRun("toy", "here", "today", "3", "Linux",
                                                   list(results.values())),
                                 [atlas.ENTRY_BY_ID["abs"]])
    assert 'data-framework="toy"' in html and "np.abs(x)" in html


def test_a_snippet_cannot_import_lossedu(toy):
    toy.ops["abs"] = "__import__('lossedu').mae(x, x)"
    (result,) = atlas.run(["abs"], ["toy"])
    assert result.kind == "raises"
    assert result.error == "ImportError: an atlas snippet runs without lossedu"


def test_a_framework_that_is_not_installed_is_reported_not_raised(toy):
    object.__setattr__(toy, "module", "no_such_framework_module")
    (result,) = atlas.run(["abs"], ["toy"])
    assert (result.kind, result.version) == ("not installed", None)
    assert atlas.describe(result) == "not installed"


def test_a_directory_named_like_a_framework_is_not_an_installed_framework(toy, tmp_path,
                                                                          monkeypatch):
    """A stray ``./toyfw`` directory is a namespace package: ``toyfw.core`` must be found."""
    (tmp_path / "toyfw").mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    object.__setattr__(toy, "module", "toyfw.core")
    assert not atlas.is_installed("toy")
    object.__setattr__(toy, "module", "numpy")
    object.__setattr__(toy, "requires", ("toyfw.core",))
    assert not atlas.is_installed("toy")
    object.__setattr__(toy, "requires", ("numpy.linalg",))
    assert atlas.is_installed("toy")
    assert atlas.is_installed("keras-jax") == (atlas.is_installed("jax")
                                               and importlib.util.find_spec("keras") is not None)


# --- the stored table, a fresh run, and the snippets standalone -------------------------------

def test_the_stored_table_covers_every_entry_and_framework():
    book = atlas.stored()
    assert [(r.id, r.framework) for r in book.results] == \
        [(e.id, f) for e in atlas.ENTRIES for f in atlas.FRAMEWORKS]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", book.date) and book.python.startswith("3.")
    assert all(r.kind != "not installed" for r in book.results)
    for r in book.results:
        reason = atlas.ENTRY_BY_ID[r.id].snippet(r.framework)
        assert (r.kind == "no op") == isinstance(reason, Missing)
        # one number per coordinate of the point: nothing broadcast, nothing dropped
        assert r.kind != "value" or len(r.grad) == len(r.point), (r.id, r.framework, r.grad)


def test_the_stored_table_is_what_every_snippet_returns_now(fresh_atlas):
    # every snippet ran in a process of its own without lossedu (tests/atlas_fresh.py); the
    # book's table must be exactly what they return at the pinned versions
    book = {(r.id, r.framework): r for r in atlas.stored().results}
    fresh = {(r.id, r.framework): r for r in fresh_atlas}
    versions = atlas.run_versions(fresh_atlas)
    if versions != atlas.stored().versions:
        pytest.skip(f"not the pinned versions ({versions}): the environment legs compare "
                    f"their own stored runs")
    assert fresh.keys() == book.keys()
    differ = [(key, atlas.describe(fresh[key]), atlas.describe(book[key]))
              for key in book if not atlas.same_answer(fresh[key], book[key])]
    assert differ == [], "make atlas stores a fresh table"
    values = [key for key in book if fresh[key].value != book[key].value
              and not (isinstance(fresh[key].value, float) and math.isnan(fresh[key].value)
                       and math.isnan(book[key].value))]
    assert values == []


def test_each_framework_computes_the_value_numpy_computes(fresh_atlas):
    # a wrong op (another reduction, another default) shows in its value before its gradient;
    # a NaN or infinity where NumPy's value is finite is the framework's answer (the page shows
    # it), but a finite value must be NumPy's, and computing the value must not raise unless
    # asking for the gradient raised too (an op that another version lacks: Keras 3.13, in the
    # Colab leg, has no keras.ops.cdist)
    wrong = []
    for r in fresh_atlas:
        if r.kind in ("no op", "not installed"):
            continue
        entry = atlas.ENTRY_BY_ID[r.id]
        with np.errstate(all="ignore"):
            expected = entry.numpy(np.asarray(entry.point, dtype=np.float64))
        if isinstance(r.value, str):
            if r.kind != "raises":
                wrong.append((r.id, r.framework, r.value))
        elif math.isfinite(r.value) and not (
                r.value == expected or abs(r.value - expected) <= 1e-5 * max(1.0, abs(expected))):
            wrong.append((r.id, r.framework, r.value, expected))
    assert wrong == []


def test_a_snippet_reproduces_its_answer_pasted_into_a_fresh_python(tmp_path):
    # the reader's view: the page's text, in a file, run by a plain Python
    snippet = atlas.ENTRY_BY_ID["maximum_tie_xy"].snippet("torch")
    script = tmp_path / "snippet.py"
    lines = snippet.splitlines()
    script.write_text("\n".join(lines[:-1] + [f"print([float(g) for g in ({lines[-1]})])"]))
    run = subprocess.run([sys.executable, "-I", str(script)], capture_output=True, text=True,
                         cwd=tmp_path, timeout=600)
    assert run.returncode == 0, run.stderr
    (probed,) = atlas.run(["maximum_tie_xy"], ["torch"])
    assert eval(run.stdout.strip()) == probed.grad


# --- results, classification, comparisons -----------------------------------------------------

def test_classify_sorts_answers_by_their_relation_to_the_valid_gradients():
    entry = atlas.ENTRY_BY_ID["abs"]

    def result(kind="value", grad=None):
        return Result("abs", "torch", "x", [0.0], kind, grad)

    assert atlas.classify(entry, result(grad=[0.0])) == "min-norm"
    assert atlas.classify(entry, result(grad=[1.0])) == "subgradient"
    assert atlas.classify(entry, result(grad=[1.5])) == "not a subgradient"
    assert atlas.classify(entry, result(grad=[float("nan")])) == "nan/inf"
    assert atlas.classify(entry, result(kind="none")) == "none"
    assert atlas.classify(entry, result(kind="no op")) == "no op"
    sign = Result("sign_zero", "torch", "x", [0.0], "value", [0.0])
    assert atlas.classify(atlas.ENTRY_BY_ID["sign_zero"], sign) == "not classified"
    step = atlas.ENTRY_BY_ID["step"]
    assert atlas.classify(step, Result("step", "jax", "x", [0.5], "value", [0.0])) == "derivative"
    assert atlas.classify(step, Result("step", "jax", "x", [0.5], "value", [0.5])) == \
        "not the derivative"
    with pytest.raises(ValueError, match="does not belong"):
        atlas.classify(atlas.ENTRY_BY_ID["relu"], result(grad=[0.0]))
    # a gradient of the wrong size is an error, not a verdict: [0.5] would otherwise pass
    # for the min-norm [0.5, 0.5] by broadcasting
    tie = atlas.ENTRY_BY_ID["maximum_tie_xy"]
    for grad in ([0.5], [0.5, 0.5, 0.0]):
        with pytest.raises(ValueError, match="the entry's point has 2"):
            atlas.classify(tie, Result(tie.id, "torch", "x", tie.point, "value", grad))


@pytest.mark.parametrize("ids, frameworks, error", [
    ("abs", ["torch"], TypeError), (["abs"], "torch", TypeError),
    ([], ["torch"], ValueError), (["abs"], [], ValueError),
    (["nowhere"], ["torch"], ValueError), (["abs"], ["mxnet"], ValueError),
])
def test_run_rejects_strings_unknown_names_and_empty_selections(ids, frameworks, error):
    with pytest.raises(error):
        atlas.run(ids, frameworks)


@pytest.mark.parametrize("grad", [[0.0], [-0.0], [float("nan")], [float("inf"), float("-inf")]])
def test_results_survive_json(grad):
    result = Result("abs", "torch", "2.13.0", [0.0], "value", grad, value=float("-inf"))
    back = Result.from_json(json.loads(json.dumps(result.to_json())))
    assert atlas.same_answer(back, result) and back.value == float("-inf")
    assert np.array_equal(np.signbit(back.grad), np.signbit(grad))


def test_from_json_rejects_what_is_not_a_result():
    with pytest.raises(ValueError, match="keys"):
        Result.from_json({"id": "abs"})
    good = Result("abs", "torch", "v", [0.0], "value", [0.0]).to_json()
    with pytest.raises(ValueError, match="unknown kind"):
        Result.from_json({**good, "kind": "maybe"})


def test_same_answer_tells_kinds_signs_and_exceptions_apart():
    def r(kind="value", grad=(0.0,), error=None, framework="torch"):
        return Result("abs", framework, "v", [0.0], kind, list(grad) if grad else None, error)

    assert atlas.same_answer(r(grad=[float("nan")]), r(grad=[float("nan")]))
    assert not atlas.same_answer(r(grad=[0.0]), r(grad=[-0.0]))
    assert not atlas.same_answer(r(), r("none", None))
    assert atlas.same_answer(r("raises", None, "RuntimeError: a"), r("raises", None, "RuntimeError: b"))
    assert not atlas.same_answer(r("raises", None, "RuntimeError: a"), r("raises", None, "TypeError: a"))
    with pytest.raises(ValueError, match="different questions"):
        atlas.same_answer(r(), r(framework="jax"))


def _answers(entry_id="abs", **answers):
    """Results for one entry: framework=grad, or a kind ("none", "no op", "raises")."""
    results = []
    for framework, answer in answers.items():
        if isinstance(answer, str):
            error = "RuntimeError: no grad_fn" if answer == "raises" else None
            results.append(Result(entry_id, framework, "v", [0.0], answer, None, error))
        else:
            results.append(Result(entry_id, framework, "v", [0.0], "value", answer))
    return results


@pytest.mark.parametrize("answers, odd", [
    (dict(torch=[0.0], tensorflow=[0.0], jax=[0.0]), set()),
    (dict(torch=[0.0], tensorflow=[-0.0], jax=[1.0]), {"jax"}),  # -0 counts as 0
    (dict(torch=[float("nan")], tensorflow=[0.0], jax=[float("nan")]), {"tensorflow"}),
    (dict(torch="raises", tensorflow="none", jax=[0.0]), {"torch", "tensorflow", "jax"}),
    (dict(torch=[1.0], tensorflow="no op", jax=[0.5]), {"torch", "jax"}),
    (dict(torch=[1.0], tensorflow="no op", jax=[1.0]), set()),
])
def test_disagreeing_marks_the_minority_or_everyone_without_a_majority(answers, odd):
    assert atlas.disagreeing(_answers(**answers)) == odd


def test_the_markdown_table_bolds_exactly_the_disagreeing_answers():
    results = (_answers("abs", torch=[0.0], tensorflow=[0.0], jax=[1.0])
               + _answers("clip_upper", torch=[1.0], tensorflow=[1.0], jax=[1.0]))
    header, rows = atlas.table_rows(results)
    assert header == ["entry", "slopes left / right", "PyTorch", "TensorFlow", "JAX"]
    assert rows[0] == ["abs", "-1 / 1", "0", "0", "**1**"]
    assert rows[1] == ["clip_upper", "1 / 0", "1", "1", "1"]
    table = atlas.markdown_table(results, legend=False).splitlines()
    assert table[2] == "| `abs`: d/dx abs(x) at x = 0 | -1 / 1 | 0 | 0 | **1** |"
    with pytest.raises(ValueError, match="non-empty"):
        atlas.table_rows([])


def test_classification_tables_count_verdicts():
    results = (_answers("abs", torch=[0.0], tensorflow=[0.0], jax=[1.0])
               + _answers("sign_zero", torch=[0.0], jax=[0.0])
               + _answers("relu", torch=[0.0], tensorflow=[2.0], jax=[float("nan")]))
    assert list(atlas.classifications(results)) == ["abs", "relu"]
    counts = atlas.classification_table(results, counts=True).splitlines()
    assert counts[0] == "| verdict | PyTorch | TensorFlow | JAX |"
    assert "| min-norm | 2 | 1 | 0 |" in counts
    assert atlas.verdict_counts(results)["jax"]["subgradient"] == 1


def test_the_colab_run_is_stored_with_its_versions():
    colab = atlas.recorded_run("colab")
    assert {r.framework for r in colab.results} <= SEVEN
    assert {"torch", "tensorflow", "jax"} <= {r.framework for r in colab.results}
    assert {r.id for r in colab.results} == set(atlas.ENTRY_BY_ID)
    assert colab.python.startswith("3.13") and "Colab" in colab.label
    for name in ("nowhere", "../atlas"):
        with pytest.raises(ValueError, match="recorded"):
            atlas.recorded_run(name)


def test_the_comparison_marks_exactly_the_answers_that_changed():
    book = [r for r in atlas.stored().results if r.framework in ("torch", "jax")]
    changed = [Result(r.id, r.framework, "2.14.1", r.point, "value", [0.0])
               if (r.id, r.framework) == ("clip_upper", "torch") else r for r in book]
    table = atlas.comparison_table(book, changed, labels=("pinned", "later")).splitlines()
    assert table[0] == f"1 answer differs, {len(book) - 1} agree."
    assert table[2:] == ["| entry | framework | pinned | later |", "|---|---|---|---|",
                         "| `clip_upper` | PyTorch | 1 (2.13.0+cpu) | 0 (2.14.1) |"]
    assert atlas.comparison_table(book, book).splitlines() == [f"0 answers differ, {len(book)} agree."]
    with pytest.raises(ValueError, match="in common"):
        atlas.comparison_table(book, [r for r in atlas.stored().results if r.framework == "mlx"])


def test_an_answer_asked_in_the_frameworks_own_api_is_recorded_like_the_atlas_s():
    import torch

    x = torch.tensor([0.0, 0.0], requires_grad=True)
    torch.linalg.vector_norm(x).backward()
    recorded = atlas.answer_result("norm_zero", "torch", x.grad)
    (probed,) = atlas.run(["norm_zero"], ["torch"])
    assert atlas.same_answer(recorded, probed) and recorded.version == probed.version
    both = atlas.answer_result("maximum_tie_xy", "torch", (torch.tensor([0.5]), [0.5]))
    assert both.grad == [0.5, 0.5]
    assert atlas.answer_result("round_half", "tensorflow", None).kind == "none"


@pytest.mark.parametrize("entry_id, framework, answer, error, message", [
    ("no_such_entry", "torch", [0.0], ValueError, "unknown atlas id 'no_such_entry'"),
    ("abs", "numpy", [0.0], ValueError, "framework"),
    ("abs", "jax", [1.0, 2.0], ValueError, "has 2 numbers, but its point has 1"),
    ("abs", "torch", {"grad": 0.0}, TypeError, "must be a gradient, None or an exception"),
])
def test_an_answer_that_cannot_be_an_entry_s_gradient_is_refused(entry_id, framework, answer,
                                                                 error, message):
    with pytest.raises(error, match=re.escape(message)):
        atlas.answer_result(entry_id, framework, answer)


# --- the page ---------------------------------------------------------------------------------

def test_the_page_has_an_anchor_maths_and_every_answer_with_its_snippet_per_entry():
    book = atlas.stored()
    html = atlas.page.atlas_html(book)
    for entry in atlas.ENTRIES:
        assert html.count(f'id="{entry.id}"') == 1
    assert html.count("<li data-framework=") == len(book.results)
    assert html.count('<pre class="atlas-snippet">') == sum(r.kind != "no op" for r in book.results)
    assert "where(x &gt; 0" in html  # escaped
    assert "valid gradients (Clarke)" in html and "minimum-norm gradient" in html
    assert all(f'<option value="{family}">' in html for family in atlas.FAMILIES)
    with pytest.raises(TypeError, match="RecordedRun"):
        atlas.page.atlas_html(book.results)


def test_the_pdf_gets_the_atlas_as_tables_where_the_html_book_gets_cards():
    book = atlas.stored()
    output = atlas.page.atlas_output(book)
    assert output["text/html"] == atlas.page.atlas_html(book)
    markdown = output["text/markdown"]
    assert not re.search(r"<[a-z/]", markdown), "LaTeX cannot show HTML"
    rows = [line for line in markdown.splitlines() if line.startswith("| `")]
    in_family_order = [e.id for family in atlas.FAMILIES for e in atlas.ENTRIES
                       if e.family == family]
    assert [row.split("`")[1] for row in rows] == in_family_order
    # three columns that wrap (eleven did not fit a page); each row names every framework
    assert all(row.count(" | ") == 2 for row in rows)
    assert all(f"{atlas.TITLES[name]} " in row for row in rows for name in atlas.FRAMEWORKS)
    assert "**JAX 1**" in rows[0] and "PyTorch 0;" in rows[0]  # abs: JAX's rule, in bold
    assert all(f"**{title}**" in markdown for title in atlas.FAMILIES.values())
    rules = atlas.page.rules_output(book.results)
    assert rules["text/html"] == atlas.page.rules_html(book.results)
    assert all(f"**At {rule.title}.**" in rules["text/markdown"] for rule in atlas.page.RULES)
    with pytest.raises(TypeError, match="RecordedRun"):
        atlas.page.atlas_markdown(book.results)


def test_the_rules_are_backed_by_their_rows():
    results = (_answers("maximum_tie_xy", torch=[1.0, 0.0], jax=[0.5, 0.5])
               + _answers("maximum_tie_yx", torch=[0.0, 1.0], jax=[0.5, 0.5])
               + _answers("minimum_tie_xy", torch=[1.0, 0.0], jax=[0.0, 1.0]))
    cells = atlas.page.rule_cells(atlas.page.RULES[0], results)
    assert cells["torch"] == "to the first argument (3 rows)"
    assert cells["jax"] == "split evenly: maximum_tie_xy, maximum_tie_yx; " \
                           "to the second argument: minimum_tie_xy"


# --- the command line -------------------------------------------------------------------------

def test_the_command_compares_with_the_book_and_fails_on_a_difference(capsys, monkeypatch):
    here = atlas.run(["abs", "relu"], ["torch"])
    version = here[0].version

    def book(results):
        return lambda: atlas.RecordedRun("book", "the book", "2026-01-01", "3.11", "Linux",
                                         results)

    monkeypatch.setattr(atlas.cli, "stored", book(here))
    assert atlas.main(["--frameworks", "torch", "--ids", "abs,relu"]) == 0
    out = capsys.readouterr().out
    assert "2 of 2 answers agree with the book; 0 differ." in out and "PyTorch" in out
    older = [Result(r.id, r.framework, "1.0", r.point, r.kind, [1.0] if r.id == "abs" else r.grad,
                    r.error, r.value) for r in here]
    monkeypatch.setattr(atlas.cli, "stored", book(older))
    assert atlas.main(["--frameworks", "torch", "--ids", "abs,relu"]) == 1
    out = capsys.readouterr().out
    assert "1 of 2 answers agree with the book; 1 differ." in out
    assert f"abs (PyTorch): here 0 ({version}), book 1 (1.0)" in out


def test_the_command_shows_snippets_tables_and_json(capsys):
    assert atlas.main(["--show", "maximum_tie_xy", "--frameworks", "torch"]) == 0
    out = capsys.readouterr().out
    assert "torch.maximum(x, y).sum().backward()" in out and "## PyTorch" in out
    assert atlas.main(["--table", "--frameworks", "torch", "--ids", "abs"]) == 0
    assert "| `abs`: d/dx abs(x) at x = 0 |" in capsys.readouterr().out
    assert atlas.main(["--json", "--frameworks", "torch", "--ids", "abs"]) == 0
    (item,) = json.loads(capsys.readouterr().out)
    assert set(item) == {"id", "framework", "version", "point", "kind", "grad", "error", "value"}


@pytest.mark.parametrize("argv", [["--ids", "abs,nonsense"], ["--frameworks", "torch,mxnet"]])
def test_unknown_ids_or_frameworks_are_rejected(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        atlas.main(argv)
    assert stop.value.code == 2 and "unknown" in capsys.readouterr().err


@pytest.mark.parametrize("framework", ["torch", "jax"])
def test_probing_one_framework_imports_no_other(framework):
    # a reader's `python -m lossedu.atlas --frameworks torch` pays for torch alone: the command
    # imports no framework, and the one process it starts runs that framework's snippets only
    code = ("import sys\nfrom lossedu.atlas import cli\n"
            f"status = cli.main(['--frameworks', '{framework}', '--ids', 'abs'])\n"
            "print(sorted(m for m in ('torch', 'tensorflow', 'jax', 'keras', 'mlx', 'paddle',"
            " 'tinygrad') if m in sys.modules), status)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "[] 0"
