"""One module per `netcanvas` subcommand (see app/cli.py for the protocol)."""
