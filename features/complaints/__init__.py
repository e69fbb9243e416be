"""Complaint handling: the hub's own feature over complaints from every source.

Every complaint gets a case (status, routing to an agency, deadlines), officials answer and hand
it off from the portal, answers go back to the source app through an outbox, and rankings and a
weekly report show who answers. A plugin like any other, loaded by its entry point.
"""
