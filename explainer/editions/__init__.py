"""The checks that a site's editions agree (issue 18): every edition cites the same facts as the default
edition's page it translates (agreement.py), and each translation says which text of that page it was made from,
so the build can name the translations that have fallen behind and the paragraphs that changed
(translation_record.py; `python build.py translations` records it: translations_command.py).

Which editions a site has, and which page answers which, is site_folder/editions.py's; these modules only read
pages that are already paired by file name.
"""
