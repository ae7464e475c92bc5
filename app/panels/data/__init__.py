"""The Dataset panel: choosing, loading and checking the data set."""
