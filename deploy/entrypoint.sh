#!/bin/sh
# What the image runs (and tests/deploy/test_image.py runs the same way): bring the database to
# the newest schema, then serve. On PostgreSQL `db upgrade` holds an advisory lock, so replicas
# that start together migrate once; the others wait, find nothing to do and start serving.
set -eu
palveluopas db upgrade
exec palveluopas run
