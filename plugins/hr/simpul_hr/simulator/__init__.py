"""A simulated HR system of a city: a SCIM 2.0 provider of its civil servants and work units, and
its daily attendance API, with ticks and fault injection (see :mod:`simpul_hr.simulator.app`)."""
