"""Built-in rule texts and phrase lists (JSON), shipped with the package."""
