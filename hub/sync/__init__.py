"""Reading sources: the connector protocol, the sync engine, schedules and RQ jobs."""
