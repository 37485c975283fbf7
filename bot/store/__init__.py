"""The store layer: database engine, bot state storage, records, migrations."""
