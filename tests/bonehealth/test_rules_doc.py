"""docs/clinical-rules.md is generated from the code's tables and committed up to date."""

import pytest
from django.core.management import CommandError, call_command

from bonehealth.rules_doc import DOC_PATH, generate


def test_the_committed_clinical_rules_doc_is_up_to_date():
    assert DOC_PATH.read_text(encoding="utf-8") == generate(), (
        "docs/clinical-rules.md is out of date: run python manage.py clinical_rules_doc"
    )


def test_the_doc_names_every_table_row():
    text = generate()
    for code in ("fever", "missed_checkins", "bone_medicine_stopped", "denosumab_overdue"):
        assert f"`{code}`" in text
    for kind in ("osteoporosis_medication", "new_fracture_awareness"):
        assert f"`{kind}`" in text
    assert "| `persistence` |" in text and "392" in text
    assert "| `denosumab_overdue_days` | 210 |" in text


def test_check_mode_fails_on_a_stale_file(tmp_path, monkeypatch):
    stale = tmp_path / "clinical-rules.md"
    stale.write_text("old", encoding="utf-8")
    monkeypatch.setattr("bonehealth.management.commands.clinical_rules_doc.DOC_PATH", stale)
    with pytest.raises(CommandError):
        call_command("clinical_rules_doc", "--check")
    call_command("clinical_rules_doc")
    assert stale.read_text(encoding="utf-8") == generate()
    call_command("clinical_rules_doc", "--check")
