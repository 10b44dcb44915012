"""One module per mlopsctl sub-command."""
