from django.db import models


class BatchStatus(models.TextChoices):
    PREVIEWED = "previewed", "Previewed"
    COMMITTED = "committed", "Imported"


# (heading in the file, field) in the order the template and the export use.
REGISTER_COLUMNS = [
    ("Programme", "programme"),
    ("Pillar", "pillar"),
    ("Pillar objective", "pillar_objective"),
    ("Pillar sponsor", "pillar_sponsor"),
    ("Strand", "strand"),
    ("Reference", "reference"),
    ("Name", "name"),
    ("Description", "description"),
    ("Owner", "owner"),
    ("Stage", "stage"),
    ("RAG", "rag_status"),
    ("Delivery confidence", "delivery_confidence"),
    ("Baseline start", "baseline_start"),
    ("Baseline end", "baseline_end"),
    ("Forecast start", "forecast_start"),
    ("Forecast end", "forecast_end"),
    ("Budget", "budget_envelope"),
    ("Priorities", "priorities"),
]
REQUIRED = ("programme", "pillar", "strand", "reference", "name")
