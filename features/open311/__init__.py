"""Open311 GeoReport v2, both ways: a feature of the hub, over its complaints.

- The ``open311`` source type reads any GeoReport v2 server, so a city on an Open311 system plugs
  in with configuration only (:mod:`.connector`, :mod:`.normalize`).
- The hub serves GeoReport v2 over its complaints at ``/open311/v2/`` (:mod:`.server`); apps
  submit requests with a key from ``simpul open311 keys create``.
- A simulated Open311 server of Kota Manado, for the demo and tests (:mod:`.simulator`).
"""
