"""The standalone blog, as `flask --app app` finds it."""

from research_blog import create_app

app = create_app()
