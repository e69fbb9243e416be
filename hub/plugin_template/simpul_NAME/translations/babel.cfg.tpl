# Message extraction for the ${title} plugin; paths are relative to ${package}/. From the
# plugin's folder:
#   pybabel extract -F ${package}/translations/babel.cfg -k _l -o /tmp/${name}.pot ${package}
#   pybabel update -i /tmp/${name}.pot -d ${package}/translations -l id --no-fuzzy-matching
#   (translate ${package}/translations/id/LC_MESSAGES/messages.po)
#   pybabel compile -d ${package}/translations
[python: **.py]
