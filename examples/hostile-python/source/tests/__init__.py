# Tests of the hostile package: quotes, backslashes, regexes, f-strings, unicode (é 中文 🎉 ∑), CRLF and tabs.
