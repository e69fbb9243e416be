"""The floods connector keeps the hub's connector contract."""

from hub.contract import ConnectorContract


class TestFloodsContract(ConnectorContract):
    simulator = "floods"
    additions = {"new": 3}
    updates = {"readings": 4, "rain": 2}
    deletions = {"removals": 2}
