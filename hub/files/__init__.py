"""The hub's file handling: what an upload is, and photos re-encoded without their metadata."""
