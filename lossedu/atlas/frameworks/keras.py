"""Keras 3 on each of its backends: TensorFlow, JAX and PyTorch.

Keras has no gradient API of its own: its ops, losses and activations run on the backend's
tensors, and the backend differentiates them. ``KERAS_BACKEND`` is read when Keras is imported,
so each backend is one process, and each snippet sets it first. The ops below are written once
(``keras.ops``, ``keras.losses``, ``keras.activations``) and asked on all three backends.

>>> [framework.name for framework in KERAS_FRAMEWORKS]
['keras-tensorflow', 'keras-jax', 'keras-torch']
"""

from . import Framework, Missing  # noqa: F401
from . import jax as _jax
from . import tensorflow as _tensorflow
from . import torch as _torch

OPS = {
    "abs": "keras.ops.abs(x)",
}


def _on(backend, label: str) -> Framework:
    imports = (f'import os\nos.environ["KERAS_BACKEND"] = "{backend.FRAMEWORK.name}"\n'
               f"import keras\n{backend.FRAMEWORK.imports}")
    return Framework(
        name=f"keras-{backend.FRAMEWORK.name}", label=f"Keras 3 ({label})", package="keras",
        module="keras", imports=imports, tensor=backend.FRAMEWORK.tensor,
        constant=backend.FRAMEWORK.constant, total="keras.ops.sum({expression})",
        gradient=backend.FRAMEWORK.gradient, ops=OPS, home="https://keras.io/api/")


KERAS_FRAMEWORKS = (_on(_tensorflow, "TensorFlow"), _on(_jax, "JAX"), _on(_torch, "PyTorch"))
