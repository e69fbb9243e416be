"""The finance connector keeps the hub's connector contract (the finance system never removes
budget lines or SP2Ds, so there are no deletions to follow)."""

from hub.contract import ConnectorContract


class TestFinanceContract(ConnectorContract):
    simulator = "finance"
    additions = {"realizations": 3}
    updates = {"revisions": 2}
