"""The portal pages of complaint handling."""
