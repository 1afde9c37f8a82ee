"""The web page a person uses: the form, the manage page, the phone page, phone steps, templates."""
