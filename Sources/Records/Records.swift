// Records: spec/records.md §3–4. What a record says and how it is written: DSSE
// envelopes, in-toto statements (attribution, review) and their schema, timestamps,
// model ids.
