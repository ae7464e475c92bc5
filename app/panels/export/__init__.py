"""File > Export...: the export dialog and its binding."""
