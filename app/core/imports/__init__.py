"""CSV contact imports: upload and column mapping, row checks, the chunked import job."""
