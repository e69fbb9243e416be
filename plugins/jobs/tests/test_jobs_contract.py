"""The jobs simulator's connector keeps the hub's connector contract."""

from hub.contract import ConnectorContract


class TestPencakerContract(ConnectorContract):
    simulator = "jobs"
    additions = {"registrations": 2, "vacancies": 1}
    updates = {"closures": 2}
    deletions = {"withdrawals": 1}
