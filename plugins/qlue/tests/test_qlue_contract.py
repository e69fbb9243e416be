"""The qlue simulator's connector keeps the hub's connector contract."""

from hub.contract import ConnectorContract


class TestQlueContract(ConnectorContract):
    simulator = "qlue"
    additions = {"new": 3}
    updates = {"updates": 3}
    deletions = {"deletes": 2}
