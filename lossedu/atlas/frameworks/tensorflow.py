"""TensorFlow: the op on ``tf.Variable`` inputs under a ``tf.GradientTape``.

The TensorFlow column holds TensorFlow's own ops (``tf.``, ``tf.math.``, ``tf.nn.``). Its losses
and Keras activations (``tf.keras``) are Keras 3's, asked in the Keras on TensorFlow column.

>>> FRAMEWORK.label
'TensorFlow'
"""

from . import Framework, Missing  # noqa: F401
from ._gradients import gradient_tape

FRAMEWORK = Framework(
    name="tensorflow", label="TensorFlow", package="tensorflow-cpu", module="tensorflow",
    imports="import tensorflow as tf",
    tensor="{name} = tf.Variable({value}, dtype=tf.float32)",
    constant="{name} = tf.constant({value}, dtype=tf.float32)",
    total="tf.reduce_sum({expression})",
    gradient=gradient_tape,
    home="https://www.tensorflow.org/api_docs/python/tf",
    ops={
        "abs": "tf.abs(x)",
    })
