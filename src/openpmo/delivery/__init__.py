"""Delivery: schedules (CPM, Microsoft Project exchange), milestones and interdependencies between work packages."""
