"""Simpul plugin for staffing: civil servants from any SCIM 2.0 provider, their daily attendance,
portal accounts provisioned from posts, and a simulated HR system."""

__version__ = "0.1.0"
