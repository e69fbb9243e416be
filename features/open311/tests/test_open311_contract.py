"""The Open311 source type keeps the connector contract."""

from hub.contract import ConnectorContract


class TestOpen311Contract(ConnectorContract):
    simulator = "open311"
    additions = {"new": 3}
    updates = {"updates": 3}
