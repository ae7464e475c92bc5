"""Views of the learning lab: each draws engine.lab frames (numpy and numbers) and emits
the user's choices; none computes what it shows."""
