"""Every figure of the chapters in one namespace: what ``lossedu.plotting`` held before the
figures moved beside their chapters (lossedu 0.2). New code imports a chapter's module.

>>> from lossedu.chapters.figures import chapter2
>>> plot_jacobians is chapter2.plot_jacobians
True
"""

from .chapter1 import plot_broadcast_trap, plot_curve_panels
from .chapter2 import (plot_difference_quotients_near_kink, plot_jacobians, plot_secants,
                       plot_step_size_error)
from .chapter3 import plot_atlas_entries, plot_subgradients, plot_training_at_a_tie
from .chapter4 import (plot_constant_derivatives, plot_convergence, plot_descent_zoom,
                       plot_loss_landscapes)
from .chapter5 import plot_forward_backward, plot_training_runs
from .chapter6 import plot_estimate_spread
from .shared import (LINE_STYLES, MAX_FIGURE_WIDTH_IN, MIN_FONT_PT, MIN_TEXT_PX, PAGE_COLUMN_PX,
                     RESIDUAL_LABEL, plot_curves, plot_fits, plot_loss_and_derivative)

__all__ = ["plot_broadcast_trap", "plot_curve_panels", "plot_difference_quotients_near_kink",
           "plot_jacobians", "plot_secants", "plot_step_size_error", "plot_atlas_entries",
           "plot_subgradients", "plot_training_at_a_tie", "plot_constant_derivatives",
           "plot_convergence", "plot_descent_zoom", "plot_loss_landscapes",
           "plot_forward_backward", "plot_training_runs", "plot_estimate_spread",
           "LINE_STYLES", "MAX_FIGURE_WIDTH_IN", "MIN_FONT_PT", "MIN_TEXT_PX", "PAGE_COLUMN_PX",
           "RESIDUAL_LABEL", "plot_curves", "plot_fits", "plot_loss_and_derivative"]
