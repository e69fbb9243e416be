# Indonesian words of the ${title} plugin.
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Language: id\n"

msgid "${title}"
msgstr "${title}"

msgid "${title} item"
msgstr "Item ${title}"

msgid "Open"
msgstr "Terbuka"

msgid "In progress"
msgstr "Sedang ditangani"

msgid "Closed"
msgstr "Selesai"

msgid "not closed yet"
msgstr "belum selesai"

msgid "${title}: open items"
msgstr "${title}: item terbuka"
