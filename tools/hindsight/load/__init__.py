"""Loaders: text to model. They never raise on bad input; they return problems as Findings."""
