"""Readers for what hospitals export (FHIR R4, OMOP CDM): they turn resources and table rows into
the store's inputs (patients, notes, coded facts, rejects). Sits beside matcher.store.ingest and
below the API: it imports the model and the store, never the engine or the web."""
