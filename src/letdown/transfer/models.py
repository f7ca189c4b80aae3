"""What the importer remembers: which source row became which of her rows (so importing the
same file twice creates nothing new), and an upload waiting for her to confirm its preview."""

from __future__ import annotations

from django.db import models

from letdown.accounts.models import Household


class ImportedRow(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=16)  # letdown, babybuddy, huckleberry, ...
    # The kind and the row's id in the source (or a digest of its content when the source
    # gives rows no id), e.g. "sessions:412".
    source_id = models.CharField(max_length=200)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "source", "source_id"], name="imported_row_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.source_id} -> {self.object_id}"


class PendingImport(models.Model):
    """An uploaded file between its preview and her confirmation (or a newer upload, which
    replaces it). Kept in the database, scoped to her household like every row of hers."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=16)
    file_name = models.CharField(max_length=200)
    content = models.BinaryField()
    time_zone = models.CharField(max_length=64)
    unit = models.CharField(max_length=2)
    weight_unit = models.CharField(max_length=2, default="kg")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["household", "created_at"])]

    def __str__(self) -> str:
        return f"{self.source} {self.file_name}"
