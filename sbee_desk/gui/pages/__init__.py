"""One module per page: ``*_view.py`` lays widgets out, ``*_page.py`` is its controller."""
