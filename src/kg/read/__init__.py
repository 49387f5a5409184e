"""Report files -> the document model (pure Python, no rdflib)."""

from kg.read.reader import parse_report, read_report, report_key

__all__ = ["parse_report", "read_report", "report_key"]
