"""Stepping through one update: the walkthrough player and the explanation panel."""
