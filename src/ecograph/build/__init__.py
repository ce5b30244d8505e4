"""The build pipeline: sources → fetch → ingest → SHACL gate → reasoning → cube → checks → publish → dumps."""
