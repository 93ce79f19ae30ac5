"""Independent check: Digital Bazaar's reference libraries (pinned in tests/interop/package-lock.json)
verify credentials Cairn issued, fully offline, and reject a tampered one."""

import copy
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cairn.credentials.keys import did_document, issuer_did
from cairn.credentials.services import award_issue_credential, award_revoke
from cairn.credentials.tests.test_dataintegrity import _interop
from cairn.credentials.tests.test_issuing import earn

INTEROP = Path(__file__).resolve().parents[3] / "tests" / "interop"


def _node() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        if os.environ.get("CI") == "true":
            pytest.fail("node and npm are needed for the reference-verifier check")
        pytest.skip("node and npm are not installed")
    if not (INTEROP / "node_modules" / "@digitalbazaar" / "vc").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=INTEROP, check=True, timeout=600)
    return node


def reference_verify(credentials: list[dict], documents: dict[str, dict], tmp_path: Path) -> list[dict]:
    node = _node()
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps({"documents": documents, "credentials": credentials}))
    run = subprocess.run([node, "verify.mjs", str(bundle)], cwd=INTEROP, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return [json.loads(line) for line in run.stdout.splitlines()]


def test_the_reference_libraries_verify_cairn_credentials_and_reject_a_tampered_one(
    educator, assessor, district_a, mini_catalog, tmp_path
):
    award = earn(educator, assessor, district_a)
    issued = award_issue_credential(award_id=award.pk)
    credential = issued.document
    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["achievement"]["name"] = "Something I did not earn"
    vector, controller = _interop()
    status_list = issued.status.status_list
    documents = {
        issuer_did(district_a): did_document(district_a),
        controller["id"]: controller,
        credential["credentialStatus"]["statusListCredential"]: status_list.document,
    }
    results = reference_verify([credential, tampered, vector], documents, tmp_path)
    assert results[0] == {"verified": True, "revoked": False, "error": ""}
    assert results[1]["verified"] is False
    assert results[2]["verified"] is True  # the same harness accepts 1EdTech's vector

    award_revoke(actor=None, award=award, reason="Evidence was not the educator's own.")
    status_list.refresh_from_db()
    documents[credential["credentialStatus"]["statusListCredential"]] = status_list.document
    assert reference_verify([credential], documents, tmp_path)[0]["revoked"] is True


def test_the_reference_libraries_verify_a_cairn_transcript_and_each_credential_in_it(
    educator, assessor, district_a, mini_catalog, tmp_path, coordinator_a
):
    from cairn.credentials.clr import clr_issue
    from cairn.credentials.keys import instance_did, local_controller
    from cairn.credentials.tests.test_clr import earn_slug

    awards = [earn(educator, assessor, district_a)]
    awards.append(earn_slug(educator, assessor, "rubric-design"))
    for award in awards:
        award_issue_credential(award_id=award.pk)  # already issued after commit; returns the same
    clr = clr_issue(educator=educator)
    tampered = copy.deepcopy(clr)
    tampered["credentialSubject"]["verifiableCredential"][0]["name"] += "!"
    documents = {
        instance_did(): local_controller(instance_did()),
        issuer_did(district_a): did_document(district_a),
    }
    for award in awards:
        entry = award.credential.document["credentialStatus"]
        documents[entry["statusListCredential"]] = award.credential.status.status_list.document

    results = reference_verify([clr, tampered], documents, tmp_path)
    assert results[0]["verified"] is True, results[0]
    assert results[0]["embedded"] == [{"verified": True, "revoked": False, "error": ""}] * 2
    assert results[1]["verified"] is False  # the transcript's proof covers what it bundles
    assert results[1]["embedded"][0]["verified"] is False and results[1]["embedded"][1]["verified"] is True

    award_revoke(actor=coordinator_a, award=awards[0], reason="Evidence was not the educator's own.")
    awards[0].credential.status.status_list.refresh_from_db()
    entry = awards[0].credential.document["credentialStatus"]
    documents[entry["statusListCredential"]] = awards[0].credential.status.status_list.document
    embedded = reference_verify([clr], documents, tmp_path)[0]["embedded"]
    assert [e["revoked"] for e in embedded] == [True, False]
