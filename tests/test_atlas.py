"""The kink atlas reports what the frameworks really return: probes against direct calls."""

import json
import re
import sys

import numpy as np
import pytest

import lossedu
from lossedu import atlas
from lossedu.atlas import Result

REQUIRED = {
    "abs": ("torch.abs", "tf.abs", "jnp.abs"),
    "relu": ("torch.relu", "tf.nn.relu", "jax.nn.relu"),
    "leaky_relu": ("F.leaky_relu", "tf.nn.leaky_relu", "jax.nn.leaky_relu"),
    "maximum_tie": ("torch.maximum", "tf.maximum", "jnp.maximum"),
    "reduce_max_tie": ("torch.max(x)", "tf.reduce_max", "jnp.max"),
    "clip_upper": ("torch.clamp", "tf.clip_by_value", "jnp.clip"),
    "sqrt_zero": ("torch.sqrt", "tf.sqrt", "jnp.sqrt"),
    "norm_zero": ("torch.linalg.vector_norm", "tf.norm", "jnp.linalg.norm"),
    "step": ("(x > 0).float()", "tf.cast(x > 0, tf.float32)", "(x > 0).astype(float32)"),
    "mae_loss_tie": ("F.l1_loss", "tf.keras.losses.MeanAbsoluteError",
                     "jnp.mean(jnp.abs(y_pred - y_true))"),
}


def test_required_entries_have_exactly_the_specified_calls():
    for entry_id, calls in REQUIRED.items():
        entry = atlas.ENTRY_BY_ID[entry_id]
        assert (entry.calls["torch"], entry.calls["tensorflow"], entry.calls["jax"]) == calls


def test_at_least_twenty_entries_with_unique_ids():
    ids = [entry.id for entry in atlas.ENTRIES]
    assert len(ids) >= 20
    assert len(set(ids)) == len(ids)


# Direct framework calls, written independently of the atlas module.

def torch_grad(function, point):
    import torch

    x = torch.tensor(point, requires_grad=True)
    function(x).sum().backward()
    return x.grad.numpy()


def tensorflow_grad(function, point):
    tf = lossedu.import_tensorflow()
    x = tf.Variable(point, dtype=tf.float32)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(function(x))
    grad = tape.gradient(y, x)
    return None if grad is None else grad.numpy()


def jax_grad(function, point):
    import jax
    import jax.numpy as jnp

    return np.asarray(jax.grad(lambda v: jnp.sum(function(v)))(jnp.asarray(point, jnp.float32)))


def direct(entry_id, framework):
    import jax
    import jax.numpy as jnp
    import torch

    tf = lossedu.import_tensorflow()
    calls = {
        ("abs", "torch"): (torch.abs, [0.0]),
        ("abs", "tensorflow"): (tf.abs, [0.0]),
        ("abs", "jax"): (jnp.abs, [0.0]),
        ("maximum_tie", "torch"): (lambda x: torch.maximum(x, torch.tensor([1.0])), [1.0]),
        ("maximum_tie", "tensorflow"): (lambda x: tf.maximum(x, 1.0), [1.0]),
        ("maximum_tie", "jax"): (lambda x: jnp.maximum(x, 1.0), [1.0]),
        ("norm_zero", "torch"): (torch.linalg.vector_norm, [0.0, 0.0]),
        ("norm_zero", "tensorflow"): (tf.norm, [0.0, 0.0]),
        ("norm_zero", "jax"): (jnp.linalg.norm, [0.0, 0.0]),
        ("leaky_relu", "torch"): (torch.nn.functional.leaky_relu, [0.0]),
        ("leaky_relu", "tensorflow"): (tf.nn.leaky_relu, [0.0]),
        ("leaky_relu", "jax"): (jax.nn.leaky_relu, [0.0]),
        ("max_dim_tie", "torch"): (lambda x: torch.max(x, dim=0).values, [1.0, 1.0]),
        ("max_dim_tie", "tensorflow"): (lambda x: tf.reduce_max(x, axis=0), [1.0, 1.0]),
        ("max_dim_tie", "jax"): (lambda x: jnp.max(x, axis=0), [1.0, 1.0]),
        ("where_sqrt_zero", "torch"): (
            lambda x: torch.where(x > 0, torch.sqrt(x), torch.zeros_like(x)), [0.0]),
        ("where_sqrt_zero", "tensorflow"): (
            lambda x: tf.where(x > 0, tf.sqrt(x), tf.zeros_like(x)), [0.0]),
        ("where_sqrt_zero", "jax"): (lambda x: jnp.where(x > 0, jnp.sqrt(x), 0.0), [0.0]),
    }
    function, point = calls[entry_id, framework]
    return {"torch": torch_grad, "tensorflow": tensorflow_grad, "jax": jax_grad}[framework](
        function, point)


@pytest.mark.parametrize("entry_id", ["abs", "maximum_tie", "norm_zero", "leaky_relu",
                                      "max_dim_tie", "where_sqrt_zero"])
@pytest.mark.parametrize("framework", ["torch", "tensorflow", "jax"])
def test_probe_values_match_direct_framework_calls(entry_id, framework):
    result = atlas.probe(atlas.ENTRY_BY_ID[entry_id], framework)
    assert result.kind == "value"
    expected = direct(entry_id, framework)
    np.testing.assert_array_equal(np.asarray(result.grad), expected)  # NaN equals NaN here
    assert result.version == lossedu.framework_versions([framework])[framework]


def test_step_raises_in_torch_has_no_gradient_in_tensorflow_and_zero_in_jax():
    import torch

    tf = lossedu.import_tensorflow()
    step = atlas.ENTRY_BY_ID["step"]

    x = torch.tensor([0.5], requires_grad=True)
    with pytest.raises(RuntimeError) as direct_error:
        (x > 0).float().sum().backward()
    torch_result = atlas.probe(step, "torch")
    assert torch_result.kind == "raises" and torch_result.grad is None
    assert torch_result.error == f"RuntimeError: {str(direct_error.value).splitlines()[0]}"

    assert tensorflow_grad(lambda v: tf.cast(v > 0, tf.float32), [0.5]) is None
    tf_result = atlas.probe(step, "tensorflow")
    assert (tf_result.kind, tf_result.grad, tf_result.error) == ("none", None, None)

    jax_result = atlas.probe(step, "jax")
    assert jax_result.kind == "value" and jax_result.grad == [0.0]


def test_a_framework_that_is_not_installed_is_reported_not_raised(monkeypatch):
    monkeypatch.setattr(atlas.probing, "framework_versions", lambda names: {n: None for n in names})
    result = atlas.probe(atlas.ENTRY_BY_ID["abs"], "jax")
    assert (result.kind, result.grad, result.version) == ("missing", None, None)
    assert "jax is not installed" in result.error


def test_an_import_error_while_probing_is_reported_as_missing(monkeypatch):
    def broken(entry):
        raise ImportError("No module named 'torch._C'")

    monkeypatch.setitem(atlas.probing._GRADIENT, "torch", broken)
    result = atlas.probe(atlas.ENTRY_BY_ID["abs"], "torch")
    assert result.kind == "missing"
    assert result.error == "ImportError: No module named 'torch._C'"


def test_numpy_central_differences_and_one_sided_slopes():
    entry = atlas.ENTRY_BY_ID["abs"]
    assert atlas.probe(entry, "numpy-central").grad == [0.0]
    assert atlas.one_sided_slopes(entry) == ([-1.0], [1.0])


def test_every_min_norm_subgradient_is_in_its_own_set_and_central_differences_are_too():
    for entry in atlas.ENTRIES:
        if entry.subgradients is None:
            continue
        assert entry.subgradients(np.asarray(entry.min_norm)), entry.id
        central = np.asarray(atlas.probe(entry, "numpy-central").grad)
        if entry.id != "mae_subnormal":  # its residual is far below the finite-difference step
            assert entry.subgradients(central), entry.id


def test_json_output_has_the_specified_schema(capsys):
    atlas.main(["--json"])
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(atlas.ENTRIES) * len(atlas.FRAMEWORKS)
    for row in rows:
        assert set(row) == {"id", "framework", "version", "point", "kind", "grad", "error"}
        assert row["framework"] in ("torch", "tensorflow", "jax", "numpy-central")
        assert row["kind"] in ("value", "none", "raises", "missing")
        assert (row["grad"] is None) == (row["kind"] != "value")
        assert isinstance(row["point"], list)
        assert all(isinstance(v, float) for v in row["point"])
        if row["grad"] is not None:  # a flat list of numbers, of the point's length
            assert len(row["grad"]) == len(row["point"])
            assert all(isinstance(v, float) or v in ("nan", "inf", "-inf") for v in row["grad"])
    by_key = {(row["id"], row["framework"]): row for row in rows}
    assert by_key["sqrt_zero", "torch"]["grad"] == ["inf"]
    assert by_key["norm_zero", "jax"]["grad"] == ["nan", "nan"]
    assert by_key["step", "torch"]["kind"] == "raises"
    assert by_key["step", "tensorflow"]["kind"] == "none"


def test_markdown_output_names_the_versions_and_has_a_row_per_entry(capsys):
    atlas.main(["--frameworks", "torch,numpy-central"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Gradients at the kink, generated with torch ")
    table = [line for line in lines if line.startswith("| `")]
    assert len(table) == len(atlas.ENTRIES)
    assert lines[2] == atlas.TABLE_LEGEND
    assert lines[4] == "| entry | slopes left / right | PyTorch | NumPy central |"


@pytest.mark.parametrize("argv", [["--ids", "abs,nonsense"], ["--frameworks", "torch,mxnet"]])
def test_unknown_ids_or_frameworks_are_rejected(argv, capsys):
    with pytest.raises(SystemExit):
        atlas.main(argv)
    assert "unknown" in capsys.readouterr().err


def test_probe_rejects_bad_arguments():
    with pytest.raises(ValueError, match="unknown framework"):
        atlas.probe(atlas.ENTRY_BY_ID["abs"], "mxnet")
    with pytest.raises(TypeError, match="Entry"):
        atlas.probe("abs", "torch")


def test_running_as_a_module_prints_the_table():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "lossedu.atlas", "--ids", "abs",
                             "--frameworks", "numpy-central"],
                            capture_output=True, text=True, check=True)
    assert "| `abs`: d/dx abs(x) at x = 0 | -1 / 1 | 0 |" in result.stdout
    assert result.stderr == ""


def test_classify_sorts_answers_by_their_relation_to_the_subgradients():
    entry = atlas.ENTRY_BY_ID["abs"]

    def result(kind="value", grad=None):
        return atlas.Result("abs", "torch", "x", [0.0], kind, grad)

    assert atlas.classify(entry, result(grad=[0.0])) == "min-norm"
    assert atlas.classify(entry, result(grad=[1.0])) == "subgradient"
    assert atlas.classify(entry, result(grad=[1.5])) == "not a subgradient"
    assert atlas.classify(entry, result(grad=[float("nan")])) == "nan/inf"
    assert atlas.classify(entry, result(kind="none")) == "none"
    sign_result = atlas.Result("sign_zero", "torch", "x", [0.0], "value", [0.0])
    assert atlas.classify(atlas.ENTRY_BY_ID["sign_zero"], sign_result) == "not classified"
    step = atlas.ENTRY_BY_ID["step"]  # locally constant: an ordinary derivative, 0
    as_step = lambda grad: atlas.Result("step", "jax", "x", [0.5], "value", grad)
    assert atlas.classify(step, as_step([0.0])) == "derivative"
    assert atlas.classify(step, as_step([0.5])) == "not the derivative"
    with pytest.raises(ValueError, match="does not belong"):
        atlas.classify(atlas.ENTRY_BY_ID["relu"], result(grad=[0.0]))


@pytest.mark.parametrize("ids, frameworks, error", [
    ("abs", ["torch"], TypeError), (["abs"], "torch", TypeError),
    ([], ["torch"], ValueError), (["abs"], [], ValueError),
])
def test_run_rejects_strings_and_empty_selections(ids, frameworks, error):
    with pytest.raises(error):
        atlas.run(ids, frameworks)


def test_run_accepts_generators():
    results = atlas.run((i for i in ["abs"]), (f for f in ["numpy-central"]))
    assert [(r.id, r.framework) for r in results] == [("abs", "numpy-central")]


def test_the_calls_table_escapes_and_covers_every_entry():
    calls = atlas.calls_html()
    assert calls.count("<tr>") == len(atlas.ENTRIES) + 1
    assert "<code>torch.linalg.vector_norm</code>" in calls
    assert "where(x &gt; 0, torch.sqrt(x), 0)" in calls
    assert "<td>PyTorch: <code>torch.abs</code><br>TensorFlow: <code>tf.abs</code><br>" in calls
    with pytest.raises(TypeError, match="entries"):
        atlas.calls_html(["abs"])


def test_every_result_of_a_run_names_the_imported_frameworks_version():
    # the version is asked after the framework is imported, so it is the module's own string
    results = atlas.run(["abs", "relu"])
    versions = atlas.run_versions(results)
    assert versions["torch"] == sys.modules["torch"].__version__
    assert versions["jax"] == sys.modules["jax"].__version__
    with pytest.raises(ValueError, match="several versions"):
        atlas.run_versions(results + [atlas.Result("abs", "torch", "0.1", [0.0], "none")])


@pytest.mark.parametrize("grad", [[0.0], [-0.0], [float("nan")], [float("inf"), float("-inf")]])
def test_results_survive_json(grad):
    result = atlas.Result("abs", "jax", "0.7.2", [0.0], "value", grad)
    back = atlas.Result.from_json(json.loads(json.dumps(result.to_json())))
    assert back.to_json() == result.to_json()
    assert atlas.same_answer(back, result)


def test_from_json_rejects_what_is_not_a_result():
    good = atlas.Result("abs", "jax", "0.7.2", [0.0], "value", [1.0]).to_json()
    for bad in ([], {**good, "extra": 1}, {**good, "kind": "maybe"}, {**good, "framework": "mxnet"}):
        with pytest.raises(ValueError, match="atlas result|unknown kind"):
            atlas.Result.from_json(bad)


def test_same_answer_tells_kinds_signs_and_exceptions_apart():
    def r(kind="value", grad=(0.0,), error=None, framework="torch"):
        return atlas.Result("abs", framework, "v", [0.0], kind, list(grad) if grad else None, error)

    assert atlas.same_answer(r(grad=[float("nan")]), r(grad=[float("nan")]))
    assert not atlas.same_answer(r(grad=[0.0]), r(grad=[-0.0]))
    assert not atlas.same_answer(r(grad=[0.0]), r(kind="none", grad=None))
    assert not atlas.same_answer(r(grad=[0.5, 0.5]), r(grad=[1.0, 0.0]))
    assert atlas.same_answer(r("raises", None, "RuntimeError: a"), r("raises", None, "RuntimeError: b"))
    assert not atlas.same_answer(r("raises", None, "RuntimeError: a"), r("raises", None, "TypeError: a"))
    with pytest.raises(ValueError, match="different questions"):
        atlas.same_answer(r(), r(framework="jax"))


def test_the_colab_run_is_stored_with_every_entry_and_its_versions():
    colab = atlas.recorded_run("colab")
    assert {(r.id, r.framework) for r in colab.results} == \
        {(e.id, f) for e in atlas.ENTRIES for f in atlas.FRAMEWORKS}
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", colab.package_list_date)
    assert colab.python.startswith("3.13")
    assert set(atlas.run_versions(colab.results)) == set(atlas.FRAMEWORKS)
    for name in ("nowhere", "../atlas"):
        with pytest.raises(ValueError, match="recorded"):
            atlas.recorded_run(name)
    with pytest.raises(TypeError, match="string"):
        atlas.recorded_run(3)


def test_the_comparison_marks_exactly_the_answers_that_changed():
    # what the atlas page must show when Colab reaches a torch whose clamp blocks the gradient
    colab = atlas.recorded_run("colab").results
    changed = [atlas.Result(r.id, r.framework, "2.14.1", r.point, r.kind, [0.0], r.error)
               if (r.id, r.framework) == ("clip_upper", "torch") else r for r in colab]
    table = atlas.comparison_table(colab, changed, labels=("pinned", "Colab")).splitlines()
    rows = {line.split("|")[1].strip(" `"): line for line in table if line.startswith("| `")}
    assert len(rows) == len(atlas.ENTRIES)
    assert "**1 ≠ 0**" in rows["clip_upper"] and rows["clip_upper"].endswith("| **differs** |")
    assert [i for i, line in rows.items() if "differs" in line] == ["clip_upper"]
    assert "**pinned ≠ Colab**" in table[0]


def _answers(entry_id="abs", **answers):
    """Results for one entry: framework=grad, or a kind ("none", "missing", "raises")."""
    results = []
    for framework, answer in answers.items():
        if isinstance(answer, str):
            error = "RuntimeError: no grad_fn" if answer == "raises" else None
            results.append(atlas.Result(entry_id, framework, "v", [0.0], answer, None, error))
        else:
            results.append(atlas.Result(entry_id, framework, "v", [0.0], "value", answer))
    return results


@pytest.mark.parametrize("answers, odd", [
    (dict(torch=[0.0], tensorflow=[0.0], jax=[0.0]), set()),
    (dict(torch=[0.0], tensorflow=[-0.0], jax=[1.0]), {"jax"}),  # -0 counts as 0
    (dict(torch=[float("nan")], tensorflow=[0.0], jax=[float("nan")]), {"tensorflow"}),
    (dict(torch="raises", tensorflow="none", jax=[0.0]), {"torch", "tensorflow", "jax"}),
    (dict(torch=[1.0], tensorflow="missing", jax=[0.5]), {"torch", "jax"}),
    (dict(torch=[1.0], tensorflow="missing", jax=[1.0]), set()),
    (dict(torch=[0.5, 0.5], tensorflow=[1.0, 0.0], jax=[0.5, 0.5]), {"tensorflow"}),
])
def test_disagreeing_marks_the_minority_or_everyone_without_a_majority(answers, odd):
    assert atlas.disagreeing(_answers(**answers)) == odd


def test_disagreeing_refuses_answers_to_different_entries():
    mixed = _answers("abs", torch=[0.0]) + _answers("relu", jax=[0.0])
    with pytest.raises(ValueError, match="different entries"):
        atlas.disagreeing(mixed)


def test_the_table_is_narrow_and_bolds_exactly_the_disagreeing_answers():
    results = (_answers("abs", torch=[0.0], tensorflow=[0.0], jax=[1.0])
               + _answers("clip_upper", torch=[1.0], tensorflow=[1.0], jax=[1.0])
               + _answers("abs", **{"numpy-central": [0.0]}))
    header, rows = atlas.table_rows(results)
    assert header == ["entry", "slopes left / right", "PyTorch", "TensorFlow", "JAX"]
    assert rows[0] == ["abs", "-1 / 1", "0", "0", "**1**"]
    assert rows[1] == ["clip_upper", "1 / 0", "1", "1", "1"]
    header, _ = atlas.table_rows(results, central=True)
    assert header[-1] == "NumPy central"
    table = atlas.markdown_table(results, legend=False).splitlines()
    assert table[0].startswith("| entry |") and len(table) == 4
    assert table[2] == "| `abs`: d/dx abs(x) at x = 0 | -1 / 1 | 0 | 0 | **1** |"
    assert atlas.markdown_table(results).splitlines()[0] == atlas.TABLE_LEGEND
    for bad in ([], None):
        with pytest.raises(ValueError, match="non-empty"):
            atlas.table_rows(bad)



def test_classification_tables_cover_the_classifiable_entries_and_count_verdicts():
    results = (_answers("abs", torch=[0.0], tensorflow=[0.0], jax=[1.0])
               + _answers("sign_zero", torch=[0.0], jax=[0.0])  # a jump: not classified
               + _answers("relu", torch=[0.0], tensorflow=[2.0], jax=[float("nan")]))
    verdicts = atlas.classifications(results)
    assert list(verdicts) == ["abs", "relu"]
    assert verdicts["relu"] == {"torch": "min-norm", "tensorflow": "not a subgradient",
                                "jax": "nan/inf"}
    table = atlas.classification_table(results).splitlines()
    assert table[0] == "| entry | PyTorch | TensorFlow | JAX |"
    assert table[2] == "| `abs` | min-norm | min-norm | subgradient |"
    counts = atlas.classification_table(results, counts=True).splitlines()
    assert counts[0] == "| verdict | PyTorch | TensorFlow | JAX |"
    assert "| min-norm | 2 | 1 | 0 |" in counts
    with pytest.raises(ValueError, match="non-empty"):
        atlas.classifications([])
    with pytest.raises(ValueError, match="nothing|no entry"):
        atlas.classification_table(_answers("sign_zero", torch=[0.0]))


RESULTS = [Result("abs", "torch", "2.13.0", [0.0], "value", [0.0]),
           Result("abs", "jax", "0.10.2", [0.0], "value", [1.0]),
           Result("relu", "torch", "2.13.0", [0.0], "value", [0.0]),
           Result("relu", "jax", "0.10.2", [0.0], "value", [0.0]),
           Result("abs", "numpy-central", None, [0.0], "value", [0.0]),
           Result("step", "jax", "0.10.2", [0.5], "value", [0.0])]


def test_verdict_counts_count_the_classifications_per_framework():
    counts = atlas.verdict_counts(RESULTS)
    assert set(counts) == {"torch", "jax"}  # the NumPy central difference is no framework
    verdicts = atlas.classifications(RESULTS)
    for framework in counts:
        given = [row[framework] for row in verdicts.values() if framework in row]
        assert sum(counts[framework].values()) == len(given) > 0
        assert all(counts[framework][v] == given.count(v) for v in given)
    assert counts["jax"]["subgradient"] == 1 and counts["torch"]["min-norm"] >= 1
    assert counts["torch"]["nan/inf"] == 0  # a verdict never given counts 0


def test_the_counts_table_shows_the_same_numbers():
    table = atlas.classification_table(RESULTS, counts=True)
    counts = atlas.verdict_counts(RESULTS)
    for verdict in ("min-norm", "subgradient"):
        assert (f"| {verdict} | {counts['torch'][verdict]} | {counts['jax'][verdict]} |"
                in table)


def test_verdict_counts_need_results():
    with pytest.raises(ValueError, match="non-empty list of atlas results"):
        atlas.verdict_counts([])


def test_an_answer_asked_in_the_frameworks_own_api_is_recorded_as_the_probe_records_it():
    import torch

    x = torch.tensor([0.0, 0.0], requires_grad=True)
    torch.linalg.vector_norm(x).backward()
    recorded = atlas.answer_result("norm_zero", "torch", x.grad)
    assert atlas.same_answer(recorded, atlas.probe(atlas.ENTRY_BY_ID["norm_zero"], "torch"))
    assert recorded.version == lossedu.framework_versions(["torch"])["torch"]
    try:
        (torch.tensor([0.5], requires_grad=True) > 0).float().sum().backward()
    except RuntimeError as error:
        raised = atlas.answer_result("step", "torch", error)
    assert raised.kind == "raises" and raised.error.startswith("RuntimeError: ")
    assert atlas.answer_result("round_half", "tensorflow", None).kind == "none"


@pytest.mark.parametrize("entry_id, framework, answer, error, message", [
    ("no_such_entry", "torch", [0.0], ValueError, "unknown atlas id 'no_such_entry'"),
    ("abs", "numpy-central", [0.0], ValueError, "framework"),
    ("abs", "jax", [1.0, 2.0], ValueError, "has shape (2,), but its point has shape (1,)"),
    ("norm_zero", "jax", [[0.0, 0.0]], ValueError, "has shape (1, 2)"),
    ("abs", "torch", "0", ValueError, "has shape ()"),
    ("abs", "torch", {"grad": 0.0}, TypeError, "must be a gradient, None or an exception"),
])
def test_an_answer_that_cannot_be_an_entry_s_gradient_is_refused(entry_id, framework, answer,
                                                                 error, message):
    with pytest.raises(error, match=re.escape(message)):
        atlas.answer_result(entry_id, framework, answer)


@pytest.mark.parametrize("framework, others", [("torch", ("tensorflow", "jax")),
                                               ("jax", ("tensorflow", "torch"))])
def test_probing_one_framework_imports_no_other(framework, others):
    # a reader's `python -m lossedu.atlas --frameworks torch` pays for torch alone
    import subprocess

    code = ("import contextlib, io, sys\nfrom lossedu.atlas import cli\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    cli.main(['--frameworks', '{framework}'])\n"
            "print(sorted(m for m in ('torch', 'tensorflow', 'jax', 'keras') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    imported = eval(run.stdout.strip().splitlines()[-1])
    assert framework in imported and not set(others) & set(imported), imported
