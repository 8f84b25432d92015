"""medocr's OCR engine: a plain library (no Django models) plus its Celery tasks."""
