"""Config models, one file per config key (`mlops:<key>`); field rules only (cross-key rules
live in `settings/rules/`)."""
