"""Templates: versions, sandboxed rendering under a budget, previews, diffs, SMS parts."""
