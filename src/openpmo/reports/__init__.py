"""Governed reporting: highlight reports, the investment board pack, Cabinet Member updates and reviews."""
