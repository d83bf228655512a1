"""Wrappers around external programs, one module each (as OCRmyPDF's ``_exec``)."""
