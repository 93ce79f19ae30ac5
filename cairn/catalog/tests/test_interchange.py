import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from cairn.catalog.interchange import CatalogImportError, export_catalog, import_catalog, load_file
from cairn.catalog.models import MicroCredential, MicroCredentialVersion, Pathway, Stack, VersionStatus
from cairn.core.models import AuditEvent
from conftest import MINI_CATALOG

SEED_CATALOG = Path(__file__).resolve().parents[1] / "data" / "seed_catalog.json"


def mini() -> dict[str, Any]:
    return json.loads(MINI_CATALOG.read_text())


def problems_of(data: Any) -> list[str]:
    with pytest.raises(CatalogImportError) as info:
        import_catalog(data)
    return [str(p) for p in info.value.problems]


def test_a_good_file_imports_everything_as_published(db):
    report = import_catalog(mini())
    assert report.counts["micro-credentials created"] == 4
    assert MicroCredential.objects.filter(current_version__status=VersionStatus.PUBLISHED).count() == 4
    stack = Stack.objects.get(slug="basic-pa")
    assert [i.micro_credential.slug for i in stack.items.all()] == ["pa-design", "rubric-design", "pa-validation"]
    assert Stack.objects.get(slug="visionary").status == "planned"
    pathway = Pathway.objects.get(slug="pa-leader")
    assert pathway.min_count == 3 and pathway.committee_review
    assert [s.is_prerequisite for s in pathway.steps.all()] == [True, False, False]
    rubric = MicroCredential.objects.get(slug="rubric-design")
    assert list(rubric.prerequisites.values_list("slug", flat=True)) == ["pa-design"]
    criterion = rubric.current_version.requirements.get().criteria.get(key="levels")
    assert criterion.required_level_name == "Demonstrated"


def test_reimporting_the_same_file_changes_nothing(db):
    import_catalog(mini())
    versions, events = MicroCredentialVersion.objects.count(), AuditEvent.objects.count()
    report = import_catalog(mini())
    assert report.counts["micro-credentials unchanged"] == 4
    assert report.counts["stacks unchanged"] == 2
    assert report.counts["pathways unchanged"] == 1
    assert MicroCredentialVersion.objects.count() == versions
    assert AuditEvent.objects.count() == events


def test_a_changed_micro_credential_gets_a_new_version_and_the_old_one_is_kept_intact(db):
    import_catalog(mini())
    data = mini()
    data["micro_credentials"][0]["title"] = "Performance Assessment Design, revised"
    report = import_catalog(data)
    assert report.counts["micro-credentials new version"] == 1
    mc = MicroCredential.objects.get(slug="pa-design")
    v1, v2 = mc.versions.order_by("number")
    assert (v1.status, v1.title) == ("superseded", "Performance Assessment Design")
    assert (v2.status, v2.title) == ("published", "Performance Assessment Design, revised")
    assert mc.current_version == v2
    assert v2.requirements.count() == v1.requirements.count() == 2


def test_exporting_and_reimporting_the_export_changes_nothing(db):
    import_catalog(mini())
    exported = export_catalog()
    report = import_catalog(copy.deepcopy(exported))
    assert set(report.counts) <= {
        "issuers updated",
        "frameworks updated",
        "micro-credentials unchanged",
        "stacks unchanged",
        "pathways unchanged",
    }
    assert export_catalog() == exported


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.update(format="something-else"), "$.format: 'cairn-catalog' was expected"),
        (lambda d: d["micro_credentials"][0].pop("competency"), "$.micro_credentials[0]: 'competency' is a required"),
        (lambda d: d["micro_credentials"][1].update(issuer="nobody"), "$.micro_credentials[1].issuer: unknown issuer"),
        (
            lambda d: d["stacks"][0]["micro_credentials"].append("ghost"),
            "$.stacks[0].micro_credentials[3]: unknown micro-credential “ghost”",
        ),
        (
            lambda d: d["micro_credentials"][0]["requirements"][0]["criteria"][0].update(required_level="Great"),
            "$.micro_credentials[0].requirements[0].criteria[0].required_level: “Great” is not one of the levels",
        ),
        (
            lambda d: d["micro_credentials"].append(copy.deepcopy(d["micro_credentials"][0])),
            "$.micro_credentials[4].slug: “pa-design” is already used by $.micro_credentials[0]",
        ),
        (
            lambda d: d["micro_credentials"][0]["alignments"].append({"framework": "lf", "code": "LF9"}),
            "$.micro_credentials[0].alignments[1]: unknown framework item “lf LF9”",
        ),
        (
            lambda d: d["pathways"][0]["steps"][1].update(required_count=5),
            "$.pathways[0].steps[1].required_count: requires 5 but the step offers 2",
        ),
        (
            lambda d: d["micro_credentials"][1].update(pass_rule={"kind": "n_of_m", "n": 7}),
            "$.micro_credentials[1].pass_rule.n: needs a number from 1 to 2",
        ),
        (
            lambda d: d["micro_credentials"][0].update(slug="Not A Slug"),
            "$.micro_credentials[0].slug: 'Not A Slug' does not match",
        ),
    ],
)
def test_each_kind_of_bad_file_is_reported_with_its_location_and_nothing_is_written(db, mutate, expected):
    data = mini()
    mutate(data)
    problems = problems_of(data)
    assert any(p.startswith(expected) for p in problems), problems
    assert MicroCredential.objects.count() == 0
    assert Stack.objects.count() == 0


def test_a_bad_file_reports_every_problem_not_just_the_first(db):
    data = mini()
    data["micro_credentials"][1]["issuer"] = "nobody"
    data["stacks"][0]["micro_credentials"].append("ghost")
    assert len(problems_of(data)) == 2


def test_a_malformed_json_file_is_reported_with_line_and_column(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "cairn-catalog",\n  "format_version": 1,,}')
    with pytest.raises(CatalogImportError) as info:
        load_file(bad)
    assert "line 2" in str(info.value.problems[0])


def test_import_command_exits_1_and_prints_every_problem(db, tmp_path):
    data = mini()
    data["micro_credentials"][1]["issuer"] = "nobody"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("catalog_import", str(path), stderr=err)
    assert exit_info.value.code == 1
    assert f"{path}: $.micro_credentials[1].issuer: unknown issuer “nobody”" in err.getvalue()
    assert "nothing was imported" in err.getvalue()
    assert MicroCredential.objects.count() == 0


def test_export_command_writes_a_file_that_imports_cleanly(db, tmp_path):
    call_command("catalog_import", str(MINI_CATALOG), stdout=io.StringIO())
    out = tmp_path / "catalog.json"
    call_command("catalog_export", "--out", str(out), stderr=io.StringIO())
    exported = json.loads(out.read_text())
    assert exported["format"] == "cairn-catalog"
    assert {m["slug"] for m in exported["micro_credentials"]} == {
        "pa-design",
        "rubric-design",
        "pa-validation",
        "leading-change",
    }
    import_catalog(load_file(out))  # no problems


def test_import_refuses_to_overwrite_an_authors_unpublished_draft(db):
    from cairn.catalog.services import version_draft_open

    import_catalog(mini())
    version_draft_open(actor=None, micro_credential=MicroCredential.objects.get(slug="pa-design"))
    data = mini()
    data["micro_credentials"][0]["title"] = "Changed"
    assert any("has an unpublished draft" in p for p in problems_of(data))


def test_the_shipped_seed_catalog_imports_and_names_every_seed_stack(db):
    report = import_catalog(load_file(SEED_CATALOG))
    assert report.counts["micro-credentials created"] >= 18
    titles = {s.title for s in Stack.objects.all()}
    for needle in (
        "Collective Leadership",
        "Basic Performance Assessment",
        "Advanced Performance Assessment",
        "Instructional Leadership",
    ):
        assert any(needle in t for t in titles), (needle, titles)
    collective = next(s for s in Stack.objects.all() if "Collective Leadership" in s.title)
    assert collective.items.count() == 8
    assert Stack.objects.filter(status="planned").count() >= 4
    lake = next(p for p in Pathway.objects.all() if "Lake County" in p.title or "Lake County" in p.issuer.name)
    assert lake.steps.first().is_prerequisite
    assert (
        import_catalog(load_file(SEED_CATALOG)).counts["micro-credentials unchanged"]
        == report.counts["micro-credentials created"]
    )


def test_an_export_imported_into_an_empty_cairn_reproduces_the_same_catalog(db):
    from cairn.accounts.models import Organization
    from cairn.catalog.models import Framework

    import_catalog(mini())
    exported = export_catalog()
    Pathway.objects.all().delete()
    Stack.objects.all().delete()
    MicroCredential.objects.update(current_version=None)
    MicroCredential.objects.all().delete()
    Framework.objects.all().delete()
    Organization.objects.filter(parent__isnull=False).delete()
    Organization.objects.all().delete()
    import_catalog(copy.deepcopy(exported))
    assert export_catalog() == exported
