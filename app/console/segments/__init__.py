"""Console area: segments. views.py the list, builder and preview; forms.py reads the
rule builder's form."""
from app.console.segments.views import bp  # noqa: F401
