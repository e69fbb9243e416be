"""The ${name} connector keeps the hub's connector contract."""

from hub.contract import ConnectorContract


class Test${class_name}Contract(ConnectorContract):
    simulator = "${name}"
    additions = {"new": 3}
    updates = {"updates": 3}
    deletions = {"deletes": 2}
