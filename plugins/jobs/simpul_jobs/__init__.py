"""Simpul plugin for Pencaker online, the job-seeker portal: seekers, vacancies, placements."""

__version__ = "0.1.0"
