"""Typed, validated stack configuration models, one file per concern."""
