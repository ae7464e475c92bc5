"""Diagnose training: evaluation, gradient flow, histograms, the vanishing-gradient lab."""
