"""The ``augkit`` command."""
