"""The frameworks' environment: which versions a result came from, and importing them well.

- :func:`framework_versions`, :func:`versions_line` and :func:`print_versions` say which NumPy
  and :data:`FRAMEWORKS` a result came from;
- :func:`import_tensorflow` imports TensorFlow without its start-up log lines
  (:data:`TENSORFLOW_QUIET_ENV`); :func:`jax_x64` switches JAX to 64 bits in a ``with`` block;
- :func:`check_framework_dtype` refuses a dtype the frameworks cannot take.

>>> framework_versions(["numpy"])["numpy"] == np.__version__
True
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache

import numpy as np

FRAMEWORKS = ("torch", "tensorflow", "jax")

# TensorFlow reads these when it is first imported; without them it writes log lines to stderr,
# which a notebook stores as output and strict nbval then compares.
TENSORFLOW_QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


def import_tensorflow():
    """Import TensorFlow without its start-up log lines on stderr, and return the module.

    Setting the variables only helps before TensorFlow's first import; if it is already imported
    they are left alone and the module is returned as it is.

    >>> import_tensorflow().__name__
    'tensorflow'
    """
    if "tensorflow" not in sys.modules:
        os.environ.update(TENSORFLOW_QUIET_ENV)
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    return tf


def jax_x64(enabled: bool = True):
    """A context manager in which JAX computes in 64 bits (``enabled=True``) or 32 bits.

    JAX 0.8 added ``jax.enable_x64`` and deprecated ``jax.experimental.enable_x64``, which later
    releases removed; Colab's JAX has only the old name, the pinned JAX only the new one. This
    uses whichever the installed JAX has.

    >>> import jax.numpy as jnp
    >>> with jax_x64():
    ...     jnp.asarray(1.0).dtype
    dtype('float64')
    """
    if not isinstance(enabled, (bool, np.bool_)):
        raise TypeError(f"enabled must be True or False, got {enabled!r}")
    import jax

    enable = getattr(jax, "enable_x64", None)
    if enable is None:
        from jax.experimental import enable_x64 as enable
    return enable(bool(enabled))


@lru_cache(maxsize=None)
def _distribution_version(module_name: str) -> str | None:
    from importlib import metadata

    # The distribution can be named differently from the module (tensorflow-cpu).
    names = metadata.packages_distributions().get(module_name, [module_name])
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def framework_versions(names=("numpy", *FRAMEWORKS)) -> dict[str, str | None]:
    """Installed version of each named package (``None`` if it is not installed).

    An already imported module reports its own ``__version__``; otherwise the version is read
    from the installed package's metadata, which does not import it (TensorFlow takes seconds).
    """
    versions = {}
    for name in names:
        module = sys.modules.get(name)
        version = getattr(module, "__version__", None) if module else None
        versions[name] = version or _distribution_version(name)
    return versions


def versions_line(names=("numpy", *FRAMEWORKS)) -> str:
    """A one-line summary such as ``'Python 3.11.7, numpy 2.4.6, torch 2.13.0+cpu'``, for
    printing at the top of a chapter so every stated result carries the versions it came from."""
    return ", ".join(_version_parts(names))


def _version_parts(names) -> list[str]:
    return [f"Python {sys.version.split()[0]}"] + [
        f"{name} {version if version else 'not installed'}"
        for name, version in framework_versions(names).items()]


def print_versions() -> None:
    """Print :func:`versions_line` on two lines that fit a book page: Python and NumPy, then the
    frameworks. Every chapter calls it first, so each result carries the versions it came from.

    >>> print_versions()  # doctest: +ELLIPSIS
    Python 3..., numpy ...
    torch ..., tensorflow ..., jax ...
    """
    parts = _version_parts(("numpy", *FRAMEWORKS))
    print(", ".join(parts[:2]))
    print(", ".join(parts[2:]))

def check_framework_dtype(array: np.ndarray) -> np.ndarray:
    if array.dtype not in (np.float16, np.float32, np.float64):
        raise ValueError(f"the frameworks support float16, float32 and float64, not {array.dtype}")
    return array
