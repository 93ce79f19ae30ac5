"""Open Badges 3.0 / W3C Verifiable Credentials 2.0 in one place: pure functions that build,
canonicalise, sign and verify credentials. Nothing here touches the database or the network."""
