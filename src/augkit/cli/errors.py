"""The CLI's user-error type, in its own module so subcommand modules share one class
(also when the CLI runs as ``python -m augkit.cli.main``)."""


class CliError(Exception):
    """A problem with what the user asked for: printed as one line, exit status 2."""
