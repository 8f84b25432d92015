"""Forms: input parsing and validation for pages."""
