"""Python code that makes a process see what a published pack sees: no project package on any
path (`policies` included: the pack must register its own directory), none of the CLI's
libraries. Prepend it to a `python -c` script run with the pack's directory as cwd."""

ISOLATION = """
import importlib.abc, sys
BLOCKED = ("policies", "mlopsctl", "settings", "components", "tests", "rich", "pydantic",
           "boto3", "matplotlib")
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        # Top-level lookups only: a package registered from the pack's directory finds its
        # submodules on its own __path__.
        if path is None and name.split(".")[0] in BLOCKED:
            raise ImportError("not in a published pack: " + name)
sys.meta_path.insert(0, Block())
"""
