"""mlopsctl: the platform team's command line (plan, access, onboard, cost, diagram, handbook)."""

from __future__ import annotations

# The version of a source tree that is not installed; an installed distribution's metadata
# (from pyproject.toml's `version`, which a test keeps equal to this) wins.
__version__ = "0.1.0"
DISTRIBUTION = "mlops-platform-blueprint"


def version() -> str:
    """The installed distribution's version, else `__version__`."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed_version

    try:
        return installed_version(DISTRIBUTION)
    except PackageNotFoundError:
        return __version__
