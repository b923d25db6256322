"""manage.py generate_report: writes the file; refuses a bad council, kind or period clearly."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from access.models import AuditEvent
from tests.reports.helpers import pdf_metadata, pdf_text

pytestmark = pytest.mark.django_db


def test_the_command_writes_the_monthly_report(report_data, tmp_path):
    out = tmp_path / "january.pdf"
    call_command("generate_report", council="901", kind="monthly", period="2025-01", out=str(out))
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert pdf_metadata(pdf)["/Title"] == "Northmoor Council: Monthly report: January 2025"
    assert "Missing episodes 4 1 +3" in pdf_text(pdf)
    assert "by manage.py generate_report" in pdf_text(pdf)
    assert AuditEvent.objects.filter(summary__startswith="Partnership report produced: Northmoor Council").exists()


def test_the_command_writes_the_annual_report(report_data, tmp_path):
    out = tmp_path / "year.pdf"
    call_command("generate_report", council="901", kind="annual", period="2025", out=str(out))
    assert "Missing episodes 6 1 +5" in pdf_text(out.read_bytes())


@pytest.mark.parametrize(
    "options, message",
    [
        (
            {"council": "999", "kind": "monthly", "period": "2025-01"},
            "No council has the code '999'. Council codes: 901, 902",
        ),
        ({"council": "41", "kind": "monthly", "period": "2025-01"}, "No council has the code '41'"),  # a police force
        ({"council": "901", "kind": "monthly", "period": "2025"}, "written as YYYY-MM"),
        ({"council": "901", "kind": "monthly", "period": "2025-13"}, "2025-13 is not a month"),
        ({"council": "901", "kind": "annual", "period": "2025-01"}, "the year it ends in (31 March), written as YYYY"),
        ({"council": "901", "kind": "annual", "period": "2999"}, "has not ended yet"),
    ],
)
def test_the_command_refuses_bad_input_clearly(world, tmp_path, options, message):
    out = tmp_path / "report.pdf"
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("generate_report", out=str(out), **options)
    assert not out.exists()


def test_the_command_refuses_this_month_and_a_missing_folder(world, tmp_path):
    with pytest.raises(CommandError, match="has not ended yet"):
        call_command(
            "generate_report", council="901", kind="monthly", period=f"{timezone.localdate():%Y-%m}", out="x.pdf"
        )
    with pytest.raises(CommandError, match="does not exist"):
        call_command("generate_report", council="901", kind="monthly", period="2025-01", out=str(tmp_path / "no/x.pdf"))
