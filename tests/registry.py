"""The losses of lossedu's table, for the tests that run on every loss: a loss added to the
table (lossedu/maths/losses.py) is tested by all of them, with no list here to update."""

import lossedu

LOSS_NAMES = list(lossedu.LOSSES)
# the losses differentiable everywhere: no kink at r = 0
SMOOTH_NAMES = [name for name in LOSS_NAMES if not lossedu.loss_definition(name).has_kink]


def functions(name: str) -> tuple:
    """``(loss, gradient, keyword)``: the loss's public functions and the name of its first
    parameter (``None`` for a loss without parameters)."""
    definition = lossedu.loss_definition(name)
    keyword = definition.parameters[0].name if definition.parameters else None
    return lossedu.loss_function(name), lossedu.gradient_function(name), keyword


def public_functions() -> dict:
    """Every loss and gradient function, by its name: ``{"mae": mae, "mae_grad": mae_grad, ...}``."""
    return {function.__name__: function
            for name in LOSS_NAMES for function in functions(name)[:2]}
