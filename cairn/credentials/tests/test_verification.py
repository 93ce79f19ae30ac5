import io
import json

import pytest
from django.core.management import call_command

from cairn.credentials.tests.test_dataintegrity import CREDENTIAL, _interop
from cairn.credentials.verification import verify_credential


def test_the_test_vector_verifies_with_its_controller_from_a_local_override_map():
    vector, controller = _interop()
    verdict = verify_credential(vector, overrides={controller["id"]: controller})
    assert verdict.ok, verdict.as_dict()
    assert [c.name for c in verdict.checks] == ["schema", "proof", "dates"]
    assert verdict.checks[0].warnings == (
        "The proof is a single object; the schema asks for a list (accepted, as in 1EdTech's example).",
    )


def test_without_the_override_an_outside_http_issuer_is_not_resolved():
    vector, _ = _interop()
    verdict = verify_credential(vector)
    assert not verdict.ok
    assert "without the network" in verdict.checks[1].message


def test_a_credential_of_this_cairn_verifies_from_its_own_did_documents(district_a, settings):
    from cairn.credentials.keys import issuer_did, issuer_signing_key, method_id, private_key
    from cairn.credentials.openbadges.dataintegrity import sign
    from cairn.credentials.openbadges.jsonld import offline_loader

    key = issuer_signing_key(district_a)
    credential = json.loads(json.dumps(CREDENTIAL))
    credential["issuer"]["id"] = issuer_did(district_a)
    signed = sign(
        credential,
        private_key=private_key(key),
        verification_method=method_id(district_a, key),
        created="2026-11-22T00:00:00Z",
        loader=offline_loader(),
    )
    assert verify_credential(signed).ok
    signed["validFrom"] = "2999-01-01T00:00:00Z"
    verdict = verify_credential(signed)
    assert {c.name: c.ok for c in verdict.checks} == {"schema": True, "proof": False, "dates": False}


def test_the_verify_command_prints_a_verdict_per_file_and_fails_if_any_fails(tmp_path, db):
    unsigned = tmp_path / "unsigned.json"
    broken = tmp_path / "broken.json"
    unsigned.write_text(json.dumps({"not": "a credential"}))
    broken.write_text("{nope")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("credential_verify", str(unsigned), str(broken), stdout=out)
    assert exit_info.value.code == 1
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["verified"] for line in lines] == [False, False]
    assert lines[1]["checks"][0]["name"] == "format"


def test_a_document_that_is_not_an_open_badge_fails_the_schema_check(db):
    verdict = verify_credential(
        {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}
    )
    schema = verdict.checks[0]
    assert schema.name == "schema" and not schema.ok


def test_anyone_can_verify_a_pasted_credential_on_the_public_page(client, db):
    vector, _ = _interop()
    response = client.post("/verify/", {"credential": json.dumps(vector)})
    body = response.content.decode()
    # The vector's issuer is an outside https host, which Cairn does not fetch.
    assert "This credential is not valid" in body and "without the network" in body
    assert "Schema:" in body


def test_the_verify_page_explains_input_that_is_not_json(client, db):
    body = client.post("/verify/", {"credential": "{oops"}).content.decode()
    assert "This is not JSON" in body


def test_the_json_endpoint_returns_a_verdict(client, district_a):
    from cairn.credentials.keys import issuer_did, issuer_signing_key, method_id, private_key
    from cairn.credentials.openbadges.dataintegrity import sign
    from cairn.credentials.openbadges.jsonld import offline_loader

    key = issuer_signing_key(district_a)
    credential = json.loads(json.dumps(CREDENTIAL))
    credential["issuer"]["id"] = issuer_did(district_a)
    signed = sign(
        credential,
        private_key=private_key(key),
        verification_method=method_id(district_a, key),
        created="2026-11-22T00:00:00Z",
        loader=offline_loader(),
    )
    response = client.post("/api/verify", json.dumps(signed), content_type="application/json")
    checks = {c["name"]: c["ok"] for c in response.json()["checks"]}
    assert checks["proof"] and checks["dates"]
    assert client.post("/api/verify", "{nope", content_type="application/json").status_code == 400


def test_the_wallet_lists_only_my_awards(client, outsider):
    client.force_login(outsider)
    assert "Nothing yet" in client.get("/credentials/").content.decode()
