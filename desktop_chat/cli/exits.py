"""What every command of the command line ends with: its exit code, or a usage error (one line, exit 2)."""

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    """The command was given wrongly: its message is the one line printed, and the exit code is 2."""
