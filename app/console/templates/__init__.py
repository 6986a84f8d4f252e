"""Console area: templates. editor.py holds the blueprint and what the views share;
views.py the list and editor, preview.py the live preview and test send, versions.py
versions, diff and rollback; forms.py reads the editor's form."""
from app.console.templates import preview, versions, views  # noqa: F401  (routes)
from app.console.templates.editor import bp  # noqa: F401
