"""Small helpers that know nothing about losses, for every package of lossedu.

- :mod:`lossedu.common.messages`: what went wrong, in one line;
- :mod:`lossedu.common.extras`: an optional dependency, or one line saying how to install it.

It may import: nothing else of lossedu.
"""
