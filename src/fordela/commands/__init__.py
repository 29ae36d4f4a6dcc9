"""The `fordela` command's sub-commands; `fordela.cli` is only the registry that plugs them in."""
