"""The Training panel: settings, Train/Pause/Stop, progress and live plots."""
