"""The hr simulator's connector keeps the hub's connector contract."""

from hub.contract import ConnectorContract


class TestScimContract(ConnectorContract):
    simulator = "hr"
    additions = {"hires": 2}
    updates = {"moves": 2}
    deletions = {"leavers": 1}
