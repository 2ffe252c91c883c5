'''Docstrings in both triple-quote styles, with quotes of every kind inside them.

A model asked to put this file in a JSON string has to escape " but not ', keep \\ doubled,
and leave the \''' and """ runs intact. This module's docstring uses \''' so it may hold """ freely.
'''


def triple_single():
    """Uses the double style, so ''' may appear inside: it's "quoted" and 'apostrophed'."""
    return '''He said "it's fine" and left a """ behind.'''


def triple_double():
    '''Uses the single style, so """ may appear inside, with a backslash: C:\\temp.'''
    return """She wrote 'done' then \"""escaped\""" and a lone \\ backslash."""


def quote_styles():
    r"""Raw docstring: \d+ and \n stay two characters each, and "quotes" need no escape.

    A fenced example inside a docstring, which must not be taken for a wrapping fence:

    ```python
    quote_styles()["mixed"]
    ```
    """
    return {
        "single": 'single \'escaped\' quotes',
        "double": "double \"escaped\" quotes",
        "mixed": '''both ' and " and ''' + """ '''""",
        "empty": '',
        "unicode_escape": "caf\u00e9",
        "literal_backslash_u": "caf\\u00e9",
        "dollar_brace": "${HOME} is not expanded",
    }
